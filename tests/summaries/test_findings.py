"""Findings by visit, vital-sign limits, early vital signs, serology, concomitant treatments, GVHD staging,
phenotype parameters, CTCAE increases and IgG categories, on hand-made data with hand-derived counts.

Exact Clopper-Pearson bounds: R binom.test (tests/reference/findings.R -> findings_cp.csv).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cartrial.adam.adcp import build_adcp
from cartrial.adam.adlb import compute_ctcae_high_grade
from cartrial.ard import ALL, ard_lookup
from cartrial.summaries import findings as F
from cartrial.summaries.labs import igg_category, summarize_igg_shift
from cartrial.summaries.medications import summarize_cm_special
from cartrial.summaries.safety import summarize_gvhd

REF = pd.read_csv(Path(__file__).parents[1] / "reference" / "findings_cp.csv").set_index(["x", "n"])
LEVELS = ["A", "B"]


def cp(x: int, n: int) -> tuple[float, float]:
    row = REF.loc[(x, n)]
    return float(row["lower"]), float(row["upper"])


@pytest.fixture
def adsl():
    return pd.DataFrame({"USUBJID": ["S1", "S2", "S3", "S4"], "TRT01A": ["A", "A", "B", "B"],
                         "SAFFL": ["Y"] * 4, "EFFFL": ["Y"] * 4})


def bds(rows):
    cols = ["USUBJID", "ARM", "PARAMCD", "AVISIT", "AVISITN", "ADY", "AVAL", "CHG", "ABLFL", "ONTRTFL", "ANRLO",
            "ANRHI"]
    return pd.DataFrame(rows, columns=cols)


def temp_rows():
    arm = {"S1": "A", "S2": "A", "S3": "B", "S4": "B"}
    rows = [(s, arm[s], "TEMP", "BASELINE", 2.0, -6, v, np.nan, "Y", "", 36.0, 38.0)
            for s, v in (("S1", 36.5), ("S2", 36.9), ("S3", 37.0), ("S4", 36.6))]
    rows += [("S1", "A", "TEMP", "DAY 4", 4.0, 4, 38.5, 2.0, "", "Y", 36.0, 38.0),
             ("S2", "A", "TEMP", "DAY 4", 4.0, 4, 37.1, 0.2, "", "Y", 36.0, 38.0),
             ("S3", "B", "TEMP", "DAY 4", 4.0, 4, 39.0, 2.0, "", "Y", 36.0, 38.0),
             ("S4", "B", "TEMP", "DAY 4", 4.0, 4, 36.6, 0.0, "", "Y", 36.0, 38.0),  # two records: their mean
             ("S4", "B", "TEMP", "DAY 4", 4.0, 4, 37.4, 0.8, "", "Y", 36.0, 38.0),
             ("S4", "B", "TEMP", "DAY 28", 7.0, 28, 35.5, -1.1, "", "Y", 36.0, 38.0),
             ("S1", "A", "SYSBP", "DAY 4", 4.0, 4, 85.0, -20.0, "", "Y", 90.0, 140.0),
             ("S2", "A", "SYSBP", "DAY 4", 4.0, 4, 110.0, 0.0, "", "Y", 90.0, 140.0)]
    return bds(rows)


def test_values_and_change_by_visit(adsl):
    v = ard_lookup(F.summarize_by_visit(temp_rows(), adsl, levels=LEVELS, analysis="vs_by_visit", params=["TEMP"]))
    # Day 4: S1 38.5, S2 37.1, S3 39.0, S4 mean(36.6, 37.4) = 37.0; changes 2.0, 0.2, 2.0, 0.4
    assert v[(ALL, "TEMP", "DAY 4", "n")] == 4
    assert v[(ALL, "TEMP", "DAY 4", "mean")] == pytest.approx(37.9)
    assert v[(ALL, "TEMP", "DAY 4", "median")] == pytest.approx(37.8)
    assert v[(ALL, "TEMP", "DAY 4", "chg_mean")] == pytest.approx(1.15)
    assert v[("A", "TEMP", "DAY 4", "mean")] == pytest.approx(37.8)
    assert v[("B", "TEMP", "DAY 4", "mean")] == pytest.approx(38.0)
    assert v[(ALL, "TEMP", "BASELINE", "mean")] == pytest.approx(36.75)
    assert (ALL, "TEMP", "BASELINE", "chg_mean") not in v
    unscheduled = bds([("S1", "A", "TEMP", "UNSCHEDULED 1.1", 4.5, 5, 40.0, 3.5, "", "Y", 36.0, 38.0)])
    ard = F.summarize_by_visit(pd.concat([temp_rows(), unscheduled]), adsl, levels=LEVELS, analysis="x",
                               params=["TEMP"])
    assert list(dict.fromkeys(ard["variable_level"])) == ["BASELINE", "DAY 4", "DAY 28"]  # baseline, then AVISITN


def test_threshold_counts_carry_exact_cis(adsl):
    frame = bds([(s, a, "PREDEQ", "MONTH 3", 3.0, 92, dose, np.nan, "", "Y", np.nan, np.nan)
                 for s, a, dose in (("S1", "A", 0.0), ("S2", "A", 5.0), ("S3", "B", 7.5), ("S4", "B", 2.5))])
    v = ard_lookup(F.summarize_by_visit(frame, adsl, levels=LEVELS, analysis="steroid_taper", params=["PREDEQ"],
                                        thresholds={"PREDEQ": {"le5": 5.0, "off": 0.0}}))
    assert v[(ALL, "PREDEQ", "MONTH 3", "n_le5")] == 3 and v[(ALL, "PREDEQ", "MONTH 3", "n_off")] == 1
    assert (v[(ALL, "PREDEQ", "MONTH 3", "le5_ci_lower")], v[(ALL, "PREDEQ", "MONTH 3", "le5_ci_upper")]) == \
        pytest.approx(cp(3, 4))
    assert (v[(ALL, "PREDEQ", "MONTH 3", "off_ci_lower")], v[(ALL, "PREDEQ", "MONTH 3", "off_ci_upper")]) == \
        pytest.approx(cp(1, 4))
    assert v[("B", "PREDEQ", "MONTH 3", "n_le5")] == 1  # 7.5 is above, 2.5 at or below


def test_outside_limits(adsl):
    v = ard_lookup(F.summarize_outside_limits(temp_rows(), adsl, levels=LEVELS, analysis="vs_outside",
                                              params=["TEMP", "SYSBP"]))
    assert v[(ALL, "TEMP", "", "N")] == 4
    assert v[(ALL, "TEMP", "HIGH", "n")] == 2 and v[(ALL, "TEMP", "LOW", "n")] == 1  # S1, S3 > 38; S4 35.5
    assert v[("B", "TEMP", "HIGH", "n")] == 1 and v[("A", "TEMP", "LOW", "n")] == 0
    assert v[(ALL, "SYSBP", "LOW", "n")] == 1 and v[(ALL, "SYSBP", "", "N")] == 2
    assert v[(ALL, "TEMP", "", "high")] == 38.0


def test_first_14_days(adsl):
    v = ard_lookup(F.summarize_early_vitals(temp_rows(), adsl, levels=LEVELS, fever=38.0, hypotension=90.0))
    # highest temperature of days 1-14: 38.5, 37.1, 39.0, 37.4 (day 28 not counted)
    assert v[(ALL, "TEMP", "MAX DAYS 1-14", "median")] == pytest.approx(37.95)
    label = "temperature >= 38 C"
    assert v[(ALL, "FEVER", label, "n")] == 2 and v[(ALL, "FEVER", label, "N")] == 4
    assert (v[(ALL, "FEVER", label, "ci_lower")], v[(ALL, "FEVER", label, "ci_upper")]) == pytest.approx(cp(2, 4))
    hyp = "systolic blood pressure < 90 mmHg"
    assert v[(ALL, "HYPOTENS", hyp, "n")] == 1 and v[("A", "HYPOTENS", hyp, "N")] == 2
    assert (v[("A", "HYPOTENS", hyp, "ci_lower")], v[("A", "HYPOTENS", hyp, "ci_upper")]) == pytest.approx(cp(1, 2))


def test_serology_among_subjects_abnormal_at_baseline(adsl):
    rows = []
    for s, a, base, bnr in (("S1", "A", 300, "HIGH"), ("S2", "A", 200, "HIGH"), ("S3", "B", 150, "HIGH"),
                            ("S4", "B", 10, "NORMAL")):
        rows.append(dict(USUBJID=s, ARM=a, PARAMCD="DSDNA", AVISIT="BASELINE", AVISITN=2.0, ADY=-6, AVAL=base,
                         ABLFL="Y", ONTRTFL="", ANRLO=np.nan, ANRHI=30.0, BNRIND=bnr))
    for s, a, val in (("S1", "A", 20.0), ("S2", "A", 50.0), ("S4", "B", 5.0)):  # S3 has no Month 1 value
        rows.append(dict(USUBJID=s, ARM=a, PARAMCD="DSDNA", AVISIT="MONTH 1", AVISITN=101.0, ADY=31, AVAL=val,
                         ABLFL="", ONTRTFL="Y", ANRLO=np.nan, ANRHI=30.0, BNRIND="HIGH" if s != "S4" else "NORMAL"))
    rows.append(dict(USUBJID="S1", ARM="A", PARAMCD="C3", AVISIT="BASELINE", AVISITN=2.0, ADY=-6, AVAL=0.5,
                     ABLFL="Y", ONTRTFL="", ANRLO=0.9, ANRHI=1.8, BNRIND="LOW"))
    rows.append(dict(USUBJID="S1", ARM="A", PARAMCD="C3", AVISIT="MONTH 1", AVISITN=101.0, ADY=31, AVAL=0.9,
                     ABLFL="", ONTRTFL="Y", ANRLO=0.9, ANRHI=1.8, BNRIND="LOW"))
    frame = pd.DataFrame(rows).assign(CHG=np.nan)
    v = ard_lookup(F.summarize_serology(frame, adsl, levels=LEVELS))
    assert (v[(ALL, "DSDNA", "MONTH 1", "n")], v[(ALL, "DSDNA", "MONTH 1", "N")]) == (1, 2)  # S4 was not positive
    assert (v[(ALL, "DSDNA", "MONTH 1", "ci_lower")], v[(ALL, "DSDNA", "MONTH 1", "ci_upper")]) == \
        pytest.approx(cp(1, 2))
    assert v[("B", "DSDNA", "MONTH 1", "N")] == 0
    assert (v[(ALL, "C3", "MONTH 1", "n")], v[(ALL, "C3", "MONTH 1", "N")]) == (1, 1)  # at the LLN is normal


def test_immunosuppressants_stopped_and_prophylaxis(adsl):
    adcm = pd.DataFrame([
        dict(USUBJID="S1", CMCAT="IMMUNOSUPPRESSANT", ASTDY=-300, AENDY=-8, AENDT=pd.Timestamp("2024-01-01"),
             ONTRTFL=""),
        dict(USUBJID="S2", CMCAT="IMMUNOSUPPRESSANT", ASTDY=-300, AENDY=np.nan, AENDT=pd.NaT, ONTRTFL="Y"),
        dict(USUBJID="S3", CMCAT="IMMUNOSUPPRESSANT", ASTDY=-400, AENDY=-200, AENDT=pd.Timestamp("2023-06-01"),
             ONTRTFL=""),
        dict(USUBJID="S1", CMCAT="ANTIVIRAL", ASTDY=-5, AENDY=150, AENDT=pd.Timestamp("2024-06-01"), ONTRTFL="Y"),
        dict(USUBJID="S3", CMCAT="ANTIVIRAL", ASTDY=-5, AENDY=np.nan, AENDT=pd.NaT, ONTRTFL="Y"),
        dict(USUBJID="S2", CMCAT="ANTIVIRAL", ASTDY=-50, AENDY=-20, AENDT=pd.Timestamp("2023-12-01"), ONTRTFL=""),
    ])
    ard = summarize_cm_special(adcm, adsl, levels=LEVELS)
    v = ard_lookup(ard)
    rows = dict(zip(ard["variable"], ard["variable_level"]))
    assert (v[(ALL, "ISBKGRD", rows["ISBKGRD"], "n")], v[(ALL, "ISBKGRD", rows["ISBKGRD"], "N")]) == (2, 4)
    assert (v[(ALL, "ISSTOP", rows["ISSTOP"], "n")], v[(ALL, "ISSTOP", rows["ISSTOP"], "N")]) == (1, 2)
    assert (v[(ALL, "ISRESTRT", rows["ISRESTRT"], "n")], v[(ALL, "ISRESTRT", rows["ISRESTRT"], "N")]) == (1, 2)
    assert v[("B", "ISSTOP", rows["ISSTOP"], "N")] == 0  # S3 stopped 200 days before: not background therapy
    assert (v[(ALL, "ANTIVIRAL", rows["ANTIVIRAL"], "n")], v[("A", "ANTIVIRAL", rows["ANTIVIRAL"], "n")]) == (2, 1)
    assert (v[(ALL, "ANTIVIRAL", rows["ANTIVIRAL"], "ci_lower")],
            v[(ALL, "ANTIVIRAL", rows["ANTIVIRAL"], "ci_upper")]) == pytest.approx(cp(2, 4))
    assert v[(ALL, "IMMUNOGLOBULIN", rows["IMMUNOGLOBULIN"], "n")] == 0


def test_gvhd_worst_stage_grade_and_severity(adsl):
    def ae(s, arm, syn, day, **q):
        return dict(USUBJID=s, ARM=arm, SAFFL="Y", TRTEMFL="Y", SYNDROME=syn,
                    ASTDT=pd.Timestamp("2024-01-01") + pd.Timedelta(days=day), **q)

    adae = pd.DataFrame([
        ae("S1", "A", "AGVHD", 20, AGVHSKIN="2", AGVHLIVR="0", AGVHUGI="1", AGVHLGI="0", AGVHGR="II"),
        ae("S1", "A", "AGVHD", 40, AGVHSKIN="3", AGVHLIVR="0", AGVHUGI="0", AGVHLGI="0", AGVHGR="III"),
        ae("S3", "B", "AGVHD", 30),
        ae("S2", "A", "CGVHD", 150, CGVHSEV="MODERATE"), ae("S2", "A", "CGVHD", 250, CGVHSEV="MILD"),
    ])
    cm = pd.DataFrame({"USUBJID": ["S1", "S3"], "CMTRT": ["HYDROCORTISONE"] * 2, "CMCAT": ["GVHD THERAPY"] * 2,
                       "CMSTDTC": ["2024-01-25", "2023-12-01"]})  # S3 treated before its onset: not counted
    v = ard_lookup(summarize_gvhd(adae, adsl, cm, levels=LEVELS))
    assert v[(ALL, "AGVHD", "", "n")] == 2 and v[(ALL, "AGVHD", "", "N")] == 4
    assert v[(ALL, "AGVHSKIN", "STAGE 3", "n")] == 1 and v[(ALL, "AGVHSKIN", "STAGE 2", "n")] == 0
    assert v[(ALL, "AGVHUGI", "STAGE 1", "n")] == 1
    assert v[(ALL, "AGVHGR", "III", "n")] == 1 and v[(ALL, "AGVHGR", "NOT STAGED", "n")] == 1
    assert v[("B", "AGVHSKIN", "NOT STAGED", "n")] == 1
    assert v[(ALL, "AGVHD", "", "n_treated")] == 1
    assert v[(ALL, "CGVHSEV", "MODERATE", "n")] == 1 and v[(ALL, "CGVHSEV", "MILD", "n")] == 0
    assert v[("B", "CGVHD", "", "n")] == 0


def test_ctcae_increases_by_multiples_of_uln():
    uln = 40.0  # ALT: > ULN 1, > 3x 2, > 5x 3, > 20x 4; at the bound the lower grade
    values = [40.0, 40.1, 120.0, 120.1, 200.0, 200.1, 800.0, 800.1]
    assert compute_ctcae_high_grade(values, [uln] * 8, ["ALT"] * 8).tolist() == [0, 1, 1, 2, 2, 3, 3, 4]
    assert compute_ctcae_high_grade([31.0, 32.0, 211.0], [21.0] * 3, ["BILI"] * 3).tolist() == [1, 2, 4]
    got = compute_ctcae_high_grade([2.0, 2.0, 5.0], [np.nan, 1.0, 1.0], ["CREAT", "CREAT", "NEUT"])
    assert np.isnan(got[0]) and got[1] == 2 and np.isnan(got[2])  # no ULN, no grade; NEUT is not an increase


def test_igg_categories_and_shift():
    assert igg_category([8.0, 6.9, 3.9, 4.0, np.nan], [7.0] * 5).tolist()[:4] == [0, 1, 2, 1]
    adlb = pd.DataFrame({"USUBJID": ["S1", "S1", "S1", "S2", "S2"], "ARM": ["A"] * 5, "PARAMCD": ["IGG"] * 5,
                         "AVAL": [9.0, 6.0, 3.5, 6.5, 7.5], "ANRLO": [7.0] * 5,
                         "ABLFL": ["Y", "", "", "Y", ""], "ONTRTFL": ["", "Y", "Y", "", "Y"]})
    v = ard_lookup(summarize_igg_shift(adlb, levels=["A"]))
    assert v[(ALL, "IGG", "GRADE 0", "n_worst2")] == 1  # S1: normal at baseline, lowest 3.5 g/L
    assert v[(ALL, "IGG", "GRADE 1", "n_worst0")] == 1  # S2: below the LLN at baseline, 7.5 after


def test_phenotype_parameters_from_cp():
    adsl = pd.DataFrame({"STUDYID": ["X"], "USUBJID": ["S1"], "TRT01P": ["A"], "TRT01A": ["A"], "SAFFL": ["Y"],
                         "TRTSDT": [pd.Timestamp("2024-01-01")], "LDSTDT": [pd.Timestamp("2023-12-27")]})
    cp_ = pd.DataFrame({"USUBJID": ["S1"] * 4, "CPSEQ": [1, 2, 3, 4],
                        "CPTESTCD": ["CD4CD8", "TLYMSUB", "TLYMSUB", "TLYMSUB"],
                        "CPCSMRKS": [None, "PD-1+", "CTLA-4+", "CTLA-4+"], "CPSTRESN": [1.5, 20.0, 7.0, 8.0],
                        "VISIT": ["DAY 7"] * 4, "VISITNUM": [5.0] * 4,
                        "CPDTC": ["2024-01-07", "2024-01-07", "2024-01-07", "2024-01-14"]})
    out = build_adcp(cp_, adsl)
    assert out.set_index("SRCSEQ")["PARAMCD"].to_dict() == {1: "CD4CD8", 2: "PD1", 3: "CP01", 4: "CP01"}
    assert out.loc[out["PARAMCD"] == "CP01", "PARAM"].iloc[0].endswith("CTLA-4+")
    assert len(out) == 4  # nothing dropped


def test_concomitant_medications_by_category_and_name(adsl):
    """Subjects once per category and per name, on-treatment records only; a record without CMCAT is counted
    under UNCATEGORISED."""
    from cartrial.summaries.medications import summarize_cm_by_class

    adcm = pd.DataFrame({"USUBJID": ["S1", "S1", "S2", "S3", "S4"],
                         "CMTRT": ["ACICLOVIR", "ACICLOVIR", "VALACICLOVIR", "ACICLOVIR", "PARACETAMOL"],
                         "CMDECOD": ["ACICLOVIR", "ACICLOVIR", "VALACICLOVIR", "ACICLOVIR", None],
                         "CMCAT": ["ANTIVIRAL", "ANTIVIRAL", "ANTIVIRAL", "ANTIVIRAL", None],
                         "ONTRTFL": ["Y", "Y", "Y", "", "Y"]})  # S3's record ended before the infusion
    ard = summarize_cm_by_class(adcm, adsl, levels=LEVELS)
    v = ard_lookup(ard, ("group_level", "group2_level", "variable", "variable_level", "stat_name"))
    assert v[(ALL, "", "ANY", "ANY", "n")] == 3 and v[(ALL, "", "ANY", "ANY", "N")] == 4
    assert v[(ALL, "", "CMCAT", "ANTIVIRAL", "n")] == 2 and v[("A", "", "CMCAT", "ANTIVIRAL", "n")] == 2
    assert v[(ALL, "ANTIVIRAL", "CMDECOD", "ACICLOVIR", "n")] == 1  # S1 twice: once
    assert v[(ALL, "UNCATEGORISED", "CMDECOD", "PARACETAMOL", "n")] == 1  # no CMDECOD: the reported name
    assert "n_grade3plus" not in set(ard["stat_name"])
