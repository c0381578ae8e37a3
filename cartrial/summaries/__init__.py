"""ADaM -> ARD summaries (statistics only; no formatting)."""
