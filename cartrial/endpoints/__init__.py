"""Responder endpoints (SRI-k, BICLA, DORIS, LLDAS, renal response) and non-responder imputation."""
