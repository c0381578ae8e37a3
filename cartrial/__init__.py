"""cartrial: SDTM-like CAR-T lupus trial data to ADaM, ARD, tables and a PDF report."""

__version__ = "0.1.0"
