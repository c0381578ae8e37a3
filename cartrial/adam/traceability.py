"""Traceability of analysis records to the raw record they come from (ADaMIG v1.3 section 3.1.8:
SRCDOM, SRCVAR, SRCSEQ), so a reviewer can find the SDTM record behind any ADaM value."""
from __future__ import annotations

import numpy as np
import pandas as pd


def source_columns(frame: pd.DataFrame, domain: str, variable: str) -> dict[str, pd.Series]:
    """SRCDOM, SRCVAR and SRCSEQ of records taken from ``domain``: the sequence number is the record's
    ``--SEQ`` (missing where the input has none)."""
    seq = frame[f"{domain}SEQ"] if f"{domain}SEQ" in frame else pd.Series(np.nan, index=frame.index)
    return {"SRCDOM": pd.Series(domain, index=frame.index), "SRCVAR": pd.Series(variable, index=frame.index),
            "SRCSEQ": pd.to_numeric(seq, errors="coerce").astype("float64")}


def treatment_columns(usubjid: pd.Series, adsl: pd.DataFrame) -> dict[str, pd.Series]:
    """TRTP and TRTA of each record (ADaMIG v1.3 section 3.3.2): the subject's planned and actual treatment
    (TRT01P, TRT01A) in this single-period design."""
    by_subject = adsl.set_index("USUBJID")
    return {name: usubjid.map(by_subject[source]) for name, source in (("TRTP", "TRT01P"), ("TRTA", "TRT01A"))}
