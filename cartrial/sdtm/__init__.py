"""Reading, contract checks, unit conversion and data cut of SDTM-like tables."""
