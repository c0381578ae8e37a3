"""Lupus instruments and clinical formulas: SLEDAI, BILAG, PGA, SDI, eGFR, steroid dose."""
