"""ARD -> display tables (formatting only; no statistics)."""
