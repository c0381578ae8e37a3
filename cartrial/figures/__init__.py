"""ADaM/ARD -> figures (matplotlib, Agg backend; PNG and SVG, deterministic)."""
