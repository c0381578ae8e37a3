"""ADVS: vital signs as a BDS dataset (ADaMIG v1.3), one record per result of an infused subject.

- ``PARAMCD`` = VSTESTCD, ``PARAM`` = the test's name (VSTEST, else the name below) with its standard unit;
  ``AVAL`` = VSSTRESN (already in the standard unit of the input contract), ``AVISIT`` = the visit recorded.
- ``ANRLO``/``ANRHI``: the study's configured limits per test (``vital_signs.limits``; a child's blood
  pressure norms differ from an adult's, so they are a setting, not a constant); ``ANRIND`` LOW/HIGH/NORMAL.
- Baseline, change and on-treatment flag as in :mod:`cartrial.adam.bds`.
"""
from __future__ import annotations

import pandas as pd

from cartrial.adam.bds import attach_subjects, column, derive_baseline, derive_range_indicator
from cartrial.adam.traceability import source_columns
from cartrial.dates import dtc_to_date

#: names of the vital-sign tests of the input contract (CDISC VSTESTCD codelist)
TEST_NAMES = {"SYSBP": "Systolic Blood Pressure", "DIABP": "Diastolic Blood Pressure", "PULSE": "Pulse Rate",
              "HR": "Heart Rate", "RESP": "Respiratory Rate", "TEMP": "Temperature", "OXYSAT": "Oxygen Saturation",
              "WEIGHT": "Weight", "HEIGHT": "Height", "BMI": "Body Mass Index"}
ADVS_ORDER = ["STUDYID", "USUBJID", "ARM", "TRTP", "TRTA", "TRTSDT", "PARAMCD", "PARAM", "PARAMN", "AVISIT",
              "AVISITN", "ADT", "ADY", "AVAL", "AVALU", "ABLFL", "BASE", "CHG", "PCHG", "ANRLO", "ANRHI", "ANRIND",
              "BNRIND", "ONTRTFL", "SRCDOM", "SRCVAR", "SRCSEQ"]


def build_advs(vs: pd.DataFrame | None, adsl: pd.DataFrame, *,
               limits: dict[str, list[float | None]] | None = None) -> pd.DataFrame:
    """Every numeric vital-sign record of an infused subject; ``limits``: test code -> [low, high]."""
    if vs is None or not len(vs):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ADVS_ORDER})
    limits = limits or {}
    code = vs["VSTESTCD"]
    unit = column(vs, "VSSTRESU")
    name = column(vs, "VSTEST").fillna(code.map(TEST_NAMES)).fillna(code)
    bounds = code.map(lambda c: tuple(limits.get(c) or (None, None)))
    out = pd.DataFrame({"STUDYID": column(vs, "STUDYID"), "USUBJID": vs["USUBJID"], "PARAMCD": code,
                        "PARAM": name.astype("string") + unit.astype("string").map(" ({})".format, na_action="ignore")
                        .fillna(""), "AVISIT": column(vs, "VISIT"), "AVISITN": column(vs, "VISITNUM", "float64"),
                        "ADT": dtc_to_date(vs["VSDTC"]), "AVAL": column(vs, "VSSTRESN", "float64"), "AVALU": unit,
                        "ANRLO": pd.to_numeric(bounds.str[0], errors="coerce").astype("float64"),
                        "ANRHI": pd.to_numeric(bounds.str[1], errors="coerce").astype("float64"),
                        **source_columns(vs, "VS", "VSSTRESN")}).dropna(subset=["ADT", "AVAL"])
    out = attach_subjects(out, adsl)
    out["ANRIND"] = derive_range_indicator(out["AVAL"], out["ANRLO"], out["ANRHI"])
    out = derive_baseline(out, {"ANRIND": "BNRIND"})
    return out[ADVS_ORDER]
