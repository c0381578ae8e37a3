"""ADLB: every laboratory parameter as a BDS dataset, CTCAE v5.0 grades of cytopenias, baseline and worst
grade, ICAHT.

CTCAE v5.0 (decreases; x10^9/L, haemoglobin g/L):

=========  ===========  ===========  ===========  ========
test       grade 1      grade 2      grade 3      grade 4
=========  ===========  ===========  ===========  ========
NEUT       <LLN - 1.5   <1.5 - 1.0   <1.0 - 0.5   <0.5
PLAT       <LLN - 75    <75 - 50     <50 - 25     <25
LYM        <LLN - 0.8   <0.8 - 0.5   <0.5 - 0.2   <0.2
HGB        <LLN - 100   <100 - 80    <80          (clinical)
=========  ===========  ===========  ===========  ========

CTCAE v5.0 (increases; multiples of the upper limit of normal, ULN = ``LBSTNRHI``):

=========  ===========  ===========  ===========  ========
test       grade 1      grade 2      grade 3      grade 4
=========  ===========  ===========  ===========  ========
ALT, AST   >ULN - 3.0   >3.0 - 5.0   >5.0 - 20.0  >20.0
BILI       >ULN - 1.5   >1.5 - 3.0   >3.0 - 10.0  >10.0
CREAT      >ULN - 1.5   >1.5 - 3.0   >3.0 - 6.0   >6.0
=========  ===========  ===========  ===========  ========

Increases are graded against the ULN only: CTCAE's alternative criteria relative to an abnormal baseline
(transaminases, creatinine) are not applied, and a record without a ULN has no grade.

Qualitative tests (``QUALITATIVE``, e.g. the pregnancy test HCG) are kept with ``AVALC`` = LBSTRESC (else
LBORRES) and no ``AVAL``.

Grade 0 of a decrease is a value at or above the lower limit of normal (``LBSTNRLO``; when
it is missing, at or above the grade 2 bound). Baseline: the last value
before the start of lymphodepletion (``LDSTDT``), or on or before the
infusion date when no lymphodepletion is recorded - counts taken after
lymphodepletion reflect its effect, not the subject's baseline.
Post-infusion: study day >= 2 up to the data cut.

Early ICAHT (Rejeski K, et al. Blood 2023;142:865-877, EHA/EBMT): grade from
the time the absolute neutrophil count (ANC) stays <= 0.5 x10^9/L within
days 0-30 after infusion - grade 1 under 7 days, grade 2 7-13 days, grade 3
14 days or more; grade 4 when ANC < 0.1 x10^9/L for 7 days or more. With
sampled counts the time is measured from the first sample at or below the
threshold to the first later sample above it (to the last sample in the
window when the count has not recovered).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.adam.bds import attach_subjects, column, derive_baseline, derive_range_indicator
from cartrial.adam.traceability import source_columns
from cartrial.dates import dtc_to_date
from cartrial.distinct import per_distinct_rows

#: test code -> values below which grade 2, 3 and 4 start (grade 1 starts below the LLN); None: not lab-gradable
CTCAE_LOW = {"NEUT": (1.5, 1.0, 0.5), "PLAT": (75.0, 50.0, 25.0), "LYM": (0.8, 0.5, 0.2), "HGB": (100.0, 80.0, None)}
#: test code -> multiples of the ULN above which grade 2, 3 and 4 start (grade 1 starts above the ULN)
CTCAE_HIGH = {"ALT": (3.0, 5.0, 20.0), "AST": (3.0, 5.0, 20.0), "BILI": (1.5, 3.0, 10.0), "CREAT": (1.5, 3.0, 6.0)}
#: tests with a character result (kept in ADLB with AVALC)
QUALITATIVE = ("HCG",)
#: cytokines and inflammation markers (peaks by CRS grade) and CD19+ B cells (aplasia and recovery): in ADLB
#: so that every analysis reads ADaM only (no grade: ATOXGRN missing)
CYTOKINES = ("IL6", "IFNG", "IL10", "CRP", "FERRITIN")
KINETICS_TESTS = CYTOKINES + ("BCELL",)


def compute_ctcae_low_grade(value, lln, testcd) -> np.ndarray:
    """CTCAE v5.0 grade (0-4) of a decreased count; NaN where the value is missing."""
    value = np.asarray(value, dtype="float64")
    lln = np.asarray(lln, dtype="float64")
    testcd = np.asarray(testcd, dtype=object)
    grade = np.full(value.shape, np.nan)
    for code, (g2, g3, g4) in CTCAE_LOW.items():
        m = testcd == code
        v = value[m]
        lo = np.where(np.isnan(lln[m]), g2, np.maximum(lln[m], g2))
        g = np.where(v < lo, 1.0, 0.0)
        g = np.where(v < g2, 2.0, g)
        g = np.where(v < g3, 3.0, g)
        if g4 is not None:
            g = np.where(v < g4, 4.0, g)
        grade[m] = np.where(np.isnan(v), np.nan, g)
    return grade


def compute_ctcae_high_grade(value, uln, testcd) -> np.ndarray:
    """CTCAE v5.0 grade (0-4) of an increase by multiples of the ULN; NaN where the value or the ULN is
    missing and for tests not in ``CTCAE_HIGH``."""
    value = np.asarray(value, dtype="float64")
    uln = np.asarray(uln, dtype="float64")
    testcd = np.asarray(testcd, dtype=object)
    grade = np.full(value.shape, np.nan)
    for code, bounds in CTCAE_HIGH.items():
        m = testcd == code
        v, u = value[m], uln[m]
        g = np.where(v > u, 1.0, 0.0)
        for k, mult in enumerate(bounds, start=2):
            g = np.where(v > mult * u, float(k), g)
        grade[m] = np.where(np.isnan(v) | np.isnan(u), np.nan, g)
    return grade


ADLB_ORDER = ["STUDYID", "USUBJID", "ARM", "TRTP", "TRTA", "TRTSDT", "LDSTDT", "PARCAT1", "PARAMCD", "PARAM",
              "PARAMN", "AVISIT", "AVISITN", "ADT", "ADY", "AVAL", "AVALC", "AVALU", "ABLFL", "BASE", "CHG", "PCHG",
              "ANRLO", "ANRHI", "ANRIND", "BNRIND", "ATOXGR", "ATOXGRN", "BTOXGR", "BTOXGRN", "ONTRTFL", "SRCDOM", "SRCVAR",
              "SRCSEQ"]


def _param_names(name: pd.Series, unit: pd.Series) -> pd.Series:
    """``PARAM``: each record's test name and standard unit, ``name (unit)`` (the name alone without a unit;
    missing without a name), as pandas text, worked out once per distinct pair."""
    def texts(pairs: pd.DataFrame):
        return (pairs["n"].astype("string") + pairs["u"].astype("string").map(" ({})".format, na_action="ignore")
                .fillna("")).array

    pairs = pd.DataFrame({"n": name.to_numpy(dtype=object), "u": unit.to_numpy(dtype=object)})
    return pd.Series(per_distinct_rows(pairs, texts), index=name.index)


def build_adlb(lb: pd.DataFrame, adsl: pd.DataFrame, *, tests: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every numeric laboratory record of infused subjects (or only ``tests``), one BDS record each.

    ``PARAM`` = LBTEST (standard unit), ``PARCAT1`` = LBCAT, ``AVISIT`` = the visit recorded; baseline
    (``ABLFL``, ``BASE``, ``BNRIND``, ``BTOXGR``) as in the module's rule; ``CHG``/``PCHG`` on records after
    the baseline date; ``ANRIND`` from LBSTNRLO/LBSTNRHI; ``ATOXGR``/``ATOXGRN`` for the CTCAE-graded
    cytopenias and increases (other tests carry no grade); qualitative tests with ``AVALC`` only.
    """
    rec = lb if tests is None else lb[lb["LBTESTCD"].isin(tests)]
    unit = column(rec, "LBSTRESU")
    name = rec["LBTEST"] if "LBTEST" in rec else rec["LBTESTCD"]
    out = pd.DataFrame({"STUDYID": column(rec, "STUDYID"), "USUBJID": rec["USUBJID"], "PARCAT1": column(rec, "LBCAT"),
                        "PARAMCD": rec["LBTESTCD"],
                        "PARAM": _param_names(name, unit), "AVISIT": column(rec, "VISIT"),
                        "AVISITN": column(rec, "VISITNUM", "float64"),
                        "ADT": dtc_to_date(rec["LBDTC"]), "AVAL": rec["LBSTRESN"], "AVALU": unit,
                        "ANRLO": column(rec, "LBSTNRLO", "float64"), "ANRHI": column(rec, "LBSTNRHI", "float64"),
                        **source_columns(rec, "LB", "LBSTRESN")})
    qualitative = rec["LBTESTCD"].isin(QUALITATIVE)
    stresc = column(rec, "LBSTRESC").astype(object)
    text = stresc.where(stresc.notna(), column(rec, "LBORRES"))
    out["AVALC"] = text.where(qualitative).astype(object)
    out["AVALU"] = out["AVALU"].where(~qualitative)
    out = out[out["ADT"].notna() & (out["AVAL"].notna() | (qualitative & out["AVALC"].notna()))]
    out = attach_subjects(out, adsl)
    low = compute_ctcae_low_grade(out["AVAL"], out["ANRLO"], out["PARAMCD"])
    out["ATOXGRN"] = np.where(np.isnan(low), compute_ctcae_high_grade(out["AVAL"], out["ANRHI"], out["PARAMCD"]), low)
    out["ATOXGR"] = out["ATOXGRN"].map("{:.0f}".format, na_action="ignore").fillna("")
    out["ANRIND"] = derive_range_indicator(out["AVAL"], out["ANRLO"], out["ANRHI"])
    out = derive_baseline(out, {"ANRIND": "BNRIND", "ATOXGR": "BTOXGR", "ATOXGRN": "BTOXGRN"})
    return out[ADLB_ORDER]


def derive_worst_grades(adlb: pd.DataFrame) -> pd.DataFrame:
    """One row per subject and test: baseline grade ``BTOXGRN`` and worst post-infusion grade ``WTOXGRN``."""
    adlb = adlb[adlb["PARAMCD"].isin([*CTCAE_LOW, *CTCAE_HIGH])]
    base = adlb[adlb["ABLFL"] == "Y"].set_index(["USUBJID", "PARAMCD"])["ATOXGRN"].rename("BTOXGRN")
    worst = adlb[adlb["ONTRTFL"] == "Y"].groupby(["USUBJID", "PARAMCD"])["ATOXGRN"].max().rename("WTOXGRN")
    arm = adlb.groupby(["USUBJID", "PARAMCD"])["ARM"].first()
    return pd.concat([arm, base, worst], axis=1).reset_index()


def compute_time_below(days: np.ndarray, values: np.ndarray, threshold: float, *, strict: bool = False) -> float:
    """Days from the first sample at (or, with ``strict``, below) ``threshold`` to the first later sample above it.

    Without recovery the time runs to the last sample. 0 when no sample is low.
    """
    low = values < threshold if strict else values <= threshold
    if not low.any():
        return 0.0
    first = int(np.argmax(low))
    later = np.flatnonzero(~low[first:])
    end = days[first + later[0]] if len(later) else days[-1]
    return float(end - days[first])


def derive_icaht(adlb: pd.DataFrame, *, window: tuple[int, int] = (1, 31)) -> pd.DataFrame:
    """Early ICAHT grade and prolonged cytopenia flags per infused subject.

    ``PC30FL`` / ``PC90FL`` = Y when a grade >= 3 neutropenia or thrombocytopenia
    (ANC < 1.0 or platelets < 50 x10^9/L) is recorded on or after Day 30 / Day 90.
    """
    neut = adlb[(adlb["PARAMCD"] == "NEUT") & adlb["ADY"].between(*window)].sort_values(["USUBJID", "ADY"])
    rows = []
    for subj, g in neut.groupby("USUBJID", sort=True):
        d, v = g["ADY"].to_numpy(), g["AVAL"].to_numpy()
        t500 = compute_time_below(d, v, 0.5)
        t100 = compute_time_below(d, v, 0.1, strict=True)
        grade = 0 if not (v <= 0.5).any() else (4 if t100 >= 7 else 3 if t500 >= 14 else 2 if t500 >= 7 else 1)
        rows.append({"USUBJID": subj, "ICAHTGR": float(grade), "ANCLODUR": t500})
    icaht = pd.DataFrame(rows, columns=["USUBJID", "ICAHTGR", "ANCLODUR"])
    severe = adlb[((adlb["PARAMCD"] == "NEUT") & (adlb["AVAL"] < 1.0))
                  | ((adlb["PARAMCD"] == "PLAT") & (adlb["AVAL"] < 50.0))]
    subjects = adlb.groupby("USUBJID")["ARM"].first().reset_index()
    for day, flag in ((30, "PC30FL"), (90, "PC90FL")):
        hit = set(severe.loc[severe["ADY"] >= day, "USUBJID"])
        subjects[flag] = np.where(subjects["USUBJID"].isin(hit), "Y", "N")
        followed = set(adlb.loc[adlb["ADY"] >= day, "USUBJID"])
        subjects[flag] = subjects[flag].where(subjects["USUBJID"].isin(followed) | (subjects[flag] == "Y"), "")
    return subjects.merge(icaht, on="USUBJID", how="left")
