"""BILAG-2004: numeric scores and new A / new B grades against baseline.

Nine organ domains graded A (severe) to E (never involved). Numeric score
A = 12, B = 8, C = 1, D = 0, E = 0; global score 0-108. Relative to the same
domain's baseline grade: a **new A** is A now with B-E at baseline; a **new B**
is B now with C-E at baseline (A -> B is an improvement, not a new B).

References
----------
1. Isenberg DA, et al. BILAG 2004. Development and initial validation of an
   updated version of the British Isles Lupus Assessment Group's disease
   activity index for patients with systemic lupus erythematosus.
   Rheumatology 2005;44:902-906.
2. Yee CS, et al. Numerical scoring for the BILAG-2004 index.
   Rheumatology 2010;49:1665-1669.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.sdtm.contract import BILAG_DOMAINS

BILAG_SCORES = {"A": 12, "B": 8, "C": 1, "D": 0, "E": 0}


def compute_bilag_global(grades: pd.DataFrame) -> pd.Series:
    """Sum of the nine domain scores (Yee 2010); NaN when a domain is missing."""
    scores = grades[list(BILAG_DOMAINS)].apply(lambda col: col.map(BILAG_SCORES))
    return scores.sum(axis=1, min_count=len(BILAG_DOMAINS)).where(scores.notna().all(axis=1))


def count_new_grades(current: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """``NEWA`` and ``NEWB`` per row: domains newly graded A / B versus baseline.

    ``current`` and ``baseline`` are aligned frames with the nine domain
    columns (grades A-E). A missing current or baseline grade of a domain
    makes both counts missing (the comparison cannot be made).
    """
    cur = current[list(BILAG_DOMAINS)].to_numpy(dtype=object)
    base = baseline[list(BILAG_DOMAINS)].to_numpy(dtype=object)
    new_a = (cur == "A") & np.isin(base, ["B", "C", "D", "E"])
    new_b = (cur == "B") & np.isin(base, ["C", "D", "E"])
    known = pd.notna(cur) & pd.notna(base)
    complete = known.all(axis=1)
    return pd.DataFrame({
        "NEWA": np.where(complete, new_a.sum(axis=1), np.nan),
        "NEWB": np.where(complete, new_b.sum(axis=1), np.nan),
    }, index=current.index)


def all_baseline_ab_improved(current: pd.DataFrame, baseline: pd.DataFrame) -> pd.Series:
    """BICLA improvement: every baseline A is now B, C or D and every baseline B is now C or D.

    Reference: Wallace DJ, et al. Ann Rheum Dis 2014;73:183-190 (BICLA).
    Missing grades give a missing result; a subject without baseline A or B
    domains has nothing to improve and is not improved (False).
    """
    cur = current[list(BILAG_DOMAINS)].to_numpy(dtype=object)
    base = baseline[list(BILAG_DOMAINS)].to_numpy(dtype=object)
    ok_a = ~(base == "A") | np.isin(cur, ["B", "C", "D"])
    ok_b = ~(base == "B") | np.isin(cur, ["C", "D"])
    any_ab = np.isin(base, ["A", "B"]).any(axis=1)
    complete = (pd.notna(cur) & pd.notna(base)).all(axis=1)
    result = (ok_a & ok_b).all(axis=1) & any_ab
    return pd.Series(np.where(complete, result, None), index=current.index, dtype="object")


def derive_bilag_assessments(rs: pd.DataFrame) -> pd.DataFrame:
    """One row per subject and assessment date: nine grades and ``BILAG`` (global score)."""
    from cartrial.dates import dtc_to_date

    rec = rs[(rs["RSCAT"] == "BILAG-2004") & rs["RSTESTCD"].isin(BILAG_DOMAINS)]
    rec = rec.assign(ADT=dtc_to_date(rec["RSDTC"])).dropna(subset=["ADT"])
    wide = rec.pivot_table(index=["USUBJID", "ADT"], columns="RSTESTCD", values="RSSTRESC", aggfunc="first")
    wide = wide.reindex(columns=list(BILAG_DOMAINS))
    wide.columns.name = None
    wide["BILAG"] = compute_bilag_global(wide)
    return wide.reset_index()
