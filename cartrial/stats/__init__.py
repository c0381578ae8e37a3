"""Statistical methods (no formatting, no I/O)."""
