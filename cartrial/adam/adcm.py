"""ADCM: concomitant medications with analysis dates and the flags the analyses use (ADaMIG v1.3 OCCDS;
admiral's ``derive_vars_dt`` conventions for imputed start and end dates).

- ``ASTDT`` / ``AENDT``: CMSTDTC imputed to the first / CMENDTC to the last possible day of a partial date
  (``ASTDTF`` / ``AENDTF`` say which part was imputed); an ongoing medication has no AENDT.
- ``ASTDY`` / ``AENDY``: study days from the CAR-T infusion (TRTSDT).
- ``PREFL`` = Y when the medication ended before the infusion; ``ONTRTFL`` = Y when it was taken on or after
  the infusion day.
- ``CRSTHFL`` (CMCAT ``CRS THERAPY``), ``RESCFL`` (``RESCUE THERAPY``), ``GCFL`` (``GLUCOCORTICOID``).
- ``PREDEQ``: the record's prednisone-equivalent dose in mg/day (glucocorticoid records of a counted route;
  dose x doses per day x potency factor, :mod:`cartrial.instruments.steroids`), missing when the drug,
  dose or frequency is unknown and on other records.

Every CM record of an ADSL subject is kept, with its SDTM variables (docs/spec/sdtm-input.md, CM), so an
analysis that reads ADCM finds what it found in CM.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.adam.traceability import source_columns
from cartrial.dates import classify_dtc, dtc_to_date, imputation_flag, study_day
from cartrial.instruments.steroids import DEFAULT_FACTORS, DEFAULT_FREQUENCIES, derive_glucocorticoid_records

FLAGS = {"CRSTHFL": "CRS THERAPY", "RESCFL": "RESCUE THERAPY", "GCFL": "GLUCOCORTICOID"}


def build_adcm(cm: pd.DataFrame | None, adsl: pd.DataFrame, *, factors: dict[str, float] = DEFAULT_FACTORS,
               frequencies: dict[str, float] = DEFAULT_FREQUENCIES, routes: list[str] | None = None
               ) -> pd.DataFrame:
    """One record per CM record of an ADSL subject (none is dropped); ``factors``, ``frequencies`` and
    ``routes`` are the study's prednisone-equivalence settings."""
    subj = adsl[["STUDYID", "USUBJID", "TRT01P", "TRT01A", "TRTSDT"]].rename(columns={"TRT01P": "TRTP",
                                                                                       "TRT01A": "TRTA"})
    if cm is None or not len(cm):
        return subj.iloc[0:0].assign(CMCAT=pd.Series(dtype=object), CMSTDTC=pd.Series(dtype=object))
    out = cm.drop(columns=["STUDYID", "DOMAIN"], errors="ignore").merge(subj, on="USUBJID", how="inner", validate="many_to_one")
    start = out["CMSTDTC"] if "CMSTDTC" in out else pd.Series(pd.NA, index=out.index, dtype=object)
    end = out["CMENDTC"] if "CMENDTC" in out else pd.Series(pd.NA, index=out.index, dtype=object)
    out["ASTDT"], out["ASTDTF"] = dtc_to_date(start, impute="first"), imputation_flag(classify_dtc(start))
    out["AENDT"], out["AENDTF"] = dtc_to_date(end, impute="last"), imputation_flag(classify_dtc(end))
    out["ASTDY"], out["AENDY"] = study_day(out["ASTDT"], out["TRTSDT"]), study_day(out["AENDT"], out["TRTSDT"])
    infused = out["TRTSDT"].notna()
    out["PREFL"] = np.where(infused & (out["AENDT"] < out["TRTSDT"]), "Y", "")
    out["ONTRTFL"] = np.where(infused & ~(out["AENDT"] < out["TRTSDT"]) & out["ASTDT"].notna(), "Y", "")
    category = out["CMCAT"].fillna("") if "CMCAT" in out else pd.Series("", index=out.index)
    for flag, cat in FLAGS.items():
        out[flag] = np.where(category == cat, "Y", "")
    out["PREDEQ"] = derive_glucocorticoid_records(out, factors=factors, frequencies=frequencies,
                                                  routes=routes)["PREDEQ"].reindex(out.index).astype("float64")
    out = out.assign(**source_columns(out, "CM", "CMTRT"))
    first = ["STUDYID", "USUBJID", "TRTP", "TRTA", "TRTSDT"]
    return out[first + [c for c in out.columns if c not in first]].reset_index(drop=True)
