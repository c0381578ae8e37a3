"""Prednisone-equivalent daily glucocorticoid dose on given dates, from CM.

dose (mg/day) = CMDOSE x doses per day (CMDOSFRQ) x potency factor of the
drug (CMDECOD), summed over every glucocorticoid record that covers the date
(overlapping records add up). A record covers a date when CMSTDTC <= date <=
CMENDTC (an empty end means ongoing). Partial dates are completed
conservatively for remission endpoints: start at the earliest, end at the
latest possible day. Factors and frequencies are configuration (defaults:
prednisone 5 mg = prednisolone 5 mg = methylprednisolone 4 mg =
triamcinolone 4 mg = hydrocortisone 20 mg = cortisone 25 mg = deflazacort
6 mg = dexamethasone 0.75 mg = betamethasone 0.6 mg).

A glucocorticoid the table does not know, a frequency it does not know, or a
missing dose makes the day's dose missing (never zero).

References
----------
1. Joint Formulary Committee. British National Formulary: glucocorticoid
   equivalent anti-inflammatory doses.
2. van Vollenhoven RF, et al. 2021 DORIS definition of remission in SLE.
   Ann Rheum Dis 2021;80:181-188.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.dates import dtc_to_date

DEFAULT_FACTORS = {"PREDNISONE": 1.0, "PREDNISOLONE": 1.0, "METHYLPREDNISOLONE": 1.25, "TRIAMCINOLONE": 1.25,
                   "HYDROCORTISONE": 0.25, "CORTISONE": 0.2, "DEFLAZACORT": 5 / 6, "DEXAMETHASONE": 5 / 0.75,
                   "BETAMETHASONE": 5 / 0.6}
DEFAULT_FREQUENCIES = {"QD": 1.0, "BID": 2.0, "TID": 3.0, "QID": 4.0, "ONCE": 1.0, "QOD": 0.5}


def derive_glucocorticoid_records(cm: pd.DataFrame, *, factors: dict[str, float],
                                  frequencies: dict[str, float], category: str = "GLUCOCORTICOID",
                                  routes: list[str] | None = None) -> pd.DataFrame:
    """Glucocorticoid CM records with ``ASTDT``, ``AENDT`` and ``PREDEQ`` (mg/day, NaN if unknown), indexed as
    in ``cm``."""
    gc = cm[cm["CMCAT"] == category] if "CMCAT" in cm else cm.iloc[0:0]
    if routes is not None and "CMROUTE" in gc:
        gc = gc[gc["CMROUTE"].isna() | gc["CMROUTE"].isin(routes)]
    drug = (gc["CMDECOD"] if "CMDECOD" in gc else gc["CMTRT"]).fillna(gc["CMTRT"]).str.upper()
    per_day = gc["CMDOSFRQ"].map(frequencies) if "CMDOSFRQ" in gc else pd.Series(np.nan, index=gc.index)
    dose = pd.to_numeric(gc.get("CMDOSE"), errors="coerce")
    return pd.DataFrame({
        "USUBJID": gc["USUBJID"],
        "DRUG": drug,
        "ASTDT": dtc_to_date(gc["CMSTDTC"], impute="first") if "CMSTDTC" in gc else pd.NaT,
        "AENDT": dtc_to_date(gc["CMENDTC"], impute="last") if "CMENDTC" in gc else pd.NaT,
        "PREDEQ": dose * per_day * drug.map(factors),
    })


def compute_prednisone_equivalent(dates: pd.DataFrame, records: pd.DataFrame) -> pd.Series:
    """Daily prednisone-equivalent dose on each ``(USUBJID, ADT)`` row of ``dates``.

    0 when no record covers the date; NaN when a covering record has an
    unknown dose. Aligned on ``dates.index``.
    """
    d = dates[["USUBJID", "ADT"]].reset_index(drop=True)
    d["_row"] = np.arange(len(d))
    pairs = d.merge(records, on="USUBJID", how="inner")
    start_ok = pairs["ASTDT"].isna() | (pairs["ASTDT"] <= pairs["ADT"])
    end_ok = pairs["AENDT"].isna() | (pairs["AENDT"] >= pairs["ADT"])
    covering = pairs[start_ok & end_ok]
    total = covering.groupby("_row")["PREDEQ"].sum(min_count=1)
    unknown = covering["PREDEQ"].isna().groupby(covering["_row"]).any()
    total[unknown.reindex(total.index, fill_value=False)] = np.nan
    out = np.zeros(len(d))
    out[total.index.to_numpy()] = total.to_numpy()
    return pd.Series(out, index=dates.index)
