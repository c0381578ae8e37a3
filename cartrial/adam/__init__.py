"""ADaM-like dataset builders: one module per dataset, pure functions."""
