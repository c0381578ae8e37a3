"""ADCP: CAR-T cell phenotype as a BDS dataset, from the SDTMIG v3.4 CP (Cell Phenotype Findings) domain.

One record per numeric CP result of an infused subject. A CP result is identified by its test (CPTESTCD, the
cell population, e.g. ``TSCM`` stem-cell memory T cells) and, for a population further defined by markers, by
its cell state (CPCELSTA, e.g. ``EXHAUSTED``) and cell-state marker string (CPCSMRKS, e.g. ``PD-1+``); the
sublineage marker string (CPSBMRKS, e.g. ``CAR+``) names the parent population. ``PARAMCD`` is the
configured code of that identity (``PARAMETERS``, docs/spec/sdtm-input.md, CP); each combination not configured
becomes a parameter of its own, ``CP01``, ``CP02``, ... in sorted order, with PARAM naming the test and its
markers, so no result is lost or merged with another.

``PARCAT1`` groups the parameters (CD4/CD8 ratio, memory subset, exhaustion marker); ``AVISIT`` = the visit
recorded; baseline and change as in :mod:`cartrial.adam.bds` (there is usually no CAR+ baseline).
"""
from __future__ import annotations

import pandas as pd

from cartrial.adam.bds import attach_subjects, column, derive_baseline
from cartrial.adam.traceability import source_columns
from cartrial.dates import dtc_to_date

#: (CPTESTCD, CPCSMRKS or "") -> (PARAMCD, PARAM, PARCAT1)
PARAMETERS = {
    ("CD4CD8", ""): ("CD4CD8", "CD4/CD8 ratio of CAR+ T cells", "CD4/CD8 RATIO"),
    ("TNAIVE", ""): ("TNAIVE", "Naive (% of CAR+ T cells)", "MEMORY SUBSET"),
    ("TSCM", ""): ("TSCM", "Stem-cell memory (% of CAR+ T cells)", "MEMORY SUBSET"),
    ("TCM", ""): ("TCM", "Central memory (% of CAR+ T cells)", "MEMORY SUBSET"),
    ("TEM", ""): ("TEM", "Effector memory (% of CAR+ T cells)", "MEMORY SUBSET"),
    ("TEMRA", ""): ("TEMRA", "Effector memory RA+ (% of CAR+ T cells)", "MEMORY SUBSET"),
    ("TLYMSUB", "PD-1+"): ("PD1", "PD-1+ (% of CAR+ T cells)", "EXHAUSTION MARKER"),
    ("TLYMSUB", "LAG-3+"): ("LAG3", "LAG-3+ (% of CAR+ T cells)", "EXHAUSTION MARKER"),
    ("TLYMSUB", "TIM-3+"): ("TIM3", "TIM-3+ (% of CAR+ T cells)", "EXHAUSTION MARKER"),
}
PARAM_ORDER = [v[0] for v in PARAMETERS.values()]
ADCP_ORDER = ["STUDYID", "USUBJID", "ARM", "TRTP", "TRTA", "TRTSDT", "PARCAT1", "PARAMCD", "PARAM", "PARAMN",
              "CPSBMRKS", "CPCELSTA", "CPCSMRKS", "AVISIT", "AVISITN", "ADT", "ADY", "AVAL", "AVALU", "ABLFL", "BASE",
              "CHG", "PCHG", "ONTRTFL", "SRCDOM", "SRCVAR", "SRCSEQ"]


def build_adcp(cp: pd.DataFrame | None, adsl: pd.DataFrame) -> pd.DataFrame:
    """Every numeric CP result of an infused subject, one BDS record each."""
    if cp is None or not len(cp):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ADCP_ORDER})
    state = column(cp, "CPCSMRKS").fillna("").astype(str)
    keys = list(zip(cp["CPTESTCD"].astype(str), state))
    known = [PARAMETERS.get(k) for k in keys]
    other = {k: f"CP{i:02d}" for i, k in enumerate(sorted({k for k, p in zip(keys, known) if p is None}), start=1)}
    fallback = [other.get(k) for k in keys]
    name = column(cp, "CPTEST").fillna(cp["CPTESTCD"]).astype(str) + state.map(lambda m: f" {m}" if m else "")
    out = pd.DataFrame({
        "STUDYID": column(cp, "STUDYID"), "USUBJID": cp["USUBJID"],
        "PARCAT1": [k[2] if k else None for k in known],
        "PARAMCD": [k[0] if k else f for k, f in zip(known, fallback)],
        "PARAM": [k[1] if k else n for k, n in zip(known, name)],
        "CPSBMRKS": column(cp, "CPSBMRKS"), "CPCELSTA": column(cp, "CPCELSTA"), "CPCSMRKS": column(cp, "CPCSMRKS"),
        "AVISIT": column(cp, "VISIT"), "AVISITN": column(cp, "VISITNUM", "float64"), "ADT": dtc_to_date(cp["CPDTC"]),
        "AVAL": column(cp, "CPSTRESN", "float64"), "AVALU": column(cp, "CPSTRESU"),
        **source_columns(cp, "CP", "CPSTRESN")}, index=cp.index).dropna(subset=["ADT", "AVAL"])
    out = attach_subjects(out, adsl)
    out = derive_baseline(out, {})
    return out[ADCP_ORDER]
