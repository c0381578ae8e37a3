import numpy as np
import pytest
import pandas as pd

from cartrial.adam.adlb import build_adlb, compute_ctcae_low_grade, compute_time_below, derive_icaht


def test_ctcae_grades_at_boundaries():
    # neutrophils, LLN 2.0: 2.0 -> 0; 1.5 -> 1 (<LLN, >= 1.5); 1.49 -> 2; 1.0 -> 2; 0.99 -> 3; 0.5 -> 3; 0.49 -> 4
    g = compute_ctcae_low_grade([2.0, 1.5, 1.49, 1.0, 0.99, 0.5, 0.49], [2.0] * 7, ["NEUT"] * 7)
    assert g.tolist() == [0, 1, 2, 2, 3, 3, 4]
    # platelets LLN 150: 75 -> 1, 74 -> 2, 50 -> 2, 49 -> 3, 25 -> 3, 24 -> 4
    assert compute_ctcae_low_grade([75, 74, 50, 49, 25, 24], [150] * 6, ["PLAT"] * 6).tolist() == [1, 2, 2, 3, 3, 4]
    # haemoglobin has no laboratory grade 4: 60 g/L is grade 3
    assert compute_ctcae_low_grade([100, 99, 80, 79, 60], [120] * 5, ["HGB"] * 5).tolist() == [1, 2, 2, 3, 3]
    assert np.isnan(compute_ctcae_low_grade([np.nan], [2.0], ["NEUT"])[0])


def test_time_below_threshold():
    days = np.array([1, 4, 7, 10, 14, 21])
    assert compute_time_below(days, np.array([3, 0.4, 0.3, 0.6, 2, 3]), 0.5) == 6     # day 4 -> day 10
    assert compute_time_below(days, np.array([3, 0.4, 0.3, 0.2, 0.2, 0.4]), 0.5) == 17  # not recovered: to day 21
    assert compute_time_below(days, np.array([3, 1, 1, 1, 1, 1]), 0.5) == 0


def test_icaht_grades_and_prolonged_cytopenia():
    trt = pd.Timestamp("2025-01-01")
    adsl = pd.DataFrame({"USUBJID": ["A", "B"], "TRT01P": "Arm", "TRT01A": "Arm", "SAFFL": "Y", "TRTSDT": trt,
                         "LDSTDT": trt - pd.Timedelta(days=5)})

    def rows(subj, test, values):
        return [dict(USUBJID=subj, LBTESTCD=test, LBDTC=(trt + pd.Timedelta(days=d - 1 if d > 0 else d)).strftime("%Y-%m-%d"),
                     LBSTRESN=v, LBSTNRLO=2.0 if test == "NEUT" else 150.0) for d, v in values]

    lb = pd.DataFrame(
        rows("A", "NEUT", [(-10, 3.0), (4, 0.4), (7, 0.3), (14, 0.2), (21, 0.8), (35, 0.9), (95, 2.5)])  # 17 days
        + rows("B", "NEUT", [(-10, 3.0), (4, 0.4), (7, 0.8), (92, 2.0)])                                 # 3 days
        + rows("B", "PLAT", [(-10, 200.0), (92, 40.0)]))
    adlb = build_adlb(lb, adsl)
    base = adlb[adlb["ABLFL"] == "Y"]
    assert base["ADY"].tolist() == [-10.0, -10.0, -10.0]   # before lymphodepletion
    icaht = derive_icaht(adlb).set_index("USUBJID")
    assert icaht.loc["A", "ICAHTGR"] == 3 and icaht.loc["A", "ANCLODUR"] == 17
    assert icaht.loc["B", "ICAHTGR"] == 1
    assert (icaht.loc["A", "PC30FL"], icaht.loc["A", "PC90FL"]) == ("Y", "N")   # ANC 0.9 on day 35
    assert (icaht.loc["B", "PC30FL"], icaht.loc["B", "PC90FL"]) == ("Y", "Y")   # platelets 40 on day 92


def test_adlb_bds_variables_by_hand():
    """Baseline, change, reference-range indicators and grades on two creatinine and three ANC records."""
    trt = pd.Timestamp("2025-01-01")
    adsl = pd.DataFrame({"STUDYID": "S", "USUBJID": ["A"], "TRT01P": "Low", "TRT01A": "High", "SAFFL": "Y",
                         "TRTSDT": trt, "LDSTDT": pd.NaT})
    lb = pd.DataFrame({
        "STUDYID": "S", "USUBJID": "A", "LBSEQ": [1, 2, 3, 4, 5], "LBCAT": ["CHEMISTRY"] * 2 + ["HEMATOLOGY"] * 3,
        "LBTESTCD": ["CREAT", "CREAT", "NEUT", "NEUT", "NEUT"], "LBTEST": ["Creatinine"] * 2 + ["Neutrophils"] * 3,
        "LBSTRESU": ["mg/dL"] * 2 + ["10^9/L"] * 3, "VISIT": ["BASELINE", "MONTH 1", "BASELINE", "DAY 7", "MONTH 1"],
        "VISITNUM": [2, 10, 2, 5, 10], "LBDTC": ["2024-12-30", "2025-01-31", "2024-12-30", "2025-01-07", "2025-01-31"],
        "LBSTRESN": [0.5, 1.2, 1.8, 0.4, 2.5], "LBSTNRLO": [0.3, 0.3, 2.0, 2.0, 2.0], "LBSTNRHI": [1.0, 1.0, 7.5, 7.5, 7.5]})
    adlb = build_adlb(lb, adsl).set_index(["PARAMCD", "AVISIT"])
    creat = adlb.loc[("CREAT", "MONTH 1")]
    # 1.2 - 0.5 = 0.7 (+140 %); above the upper limit 1.0 from a normal baseline
    assert (creat["BASE"], creat["CHG"], creat["PCHG"]) == (0.5, pytest.approx(0.7), pytest.approx(140.0))
    assert (creat["ANRIND"], creat["BNRIND"], creat["PARAM"], creat["PARCAT1"]) == (
        "HIGH", "NORMAL", "Creatinine (mg/dL)", "CHEMISTRY")
    assert (creat["TRTP"], creat["TRTA"], creat["SRCDOM"], creat["SRCSEQ"]) == ("Low", "High", "LB", 2)
    assert creat["ATOXGR"] == "1"  # 1.2 > ULN 1.0 and <= 1.5 x ULN: CTCAE v5.0 creatinine increased, grade 1
    # ANC 1.8 at baseline (< LLN 2.0: grade 1, LOW); 0.4 on Day 7: grade 4; 2.5 at Month 1: grade 0
    base = adlb.loc[("NEUT", "BASELINE")]
    assert (base["ABLFL"], base["ANRIND"], base["ATOXGR"], pd.isna(base["CHG"])) == ("Y", "LOW", "1", True)
    day7 = adlb.loc[("NEUT", "DAY 7")]
    assert (day7["ATOXGR"], day7["BTOXGR"], day7["BNRIND"], day7["ANRIND"]) == ("4", "1", "LOW", "LOW")
    assert adlb.loc[("NEUT", "MONTH 1"), "ATOXGR"] == "0"


def test_advs_limits_baseline_and_change():
    from cartrial.adam.advs import build_advs
    trt = pd.Timestamp("2025-01-01")
    adsl = pd.DataFrame({"STUDYID": "S", "USUBJID": ["A"], "TRT01P": "Low", "TRT01A": "Low", "SAFFL": "Y",
                         "TRTSDT": trt, "LDSTDT": trt - pd.Timedelta(days=3)})
    vs = pd.DataFrame({"STUDYID": "S", "USUBJID": "A", "VSSEQ": [1, 2, 3, 4], "VSTESTCD": ["TEMP", "TEMP", "TEMP", "SYSBP"],
                       "VSSTRESN": [36.8, 37.0, 39.2, 150.0], "VSSTRESU": ["C", "C", "C", "mmHg"],
                       "VISIT": ["SCREENING", "BASELINE", "DAY 3", "DAY 3"], "VISITNUM": [1, 2, 4, 4],
                       "VSDTC": ["2024-12-20", "2024-12-27", "2025-01-03", "2025-01-03"]})
    advs = build_advs(vs, adsl, limits={"TEMP": [36.0, 38.0], "SYSBP": [90, 140]}).set_index(["PARAMCD", "AVISIT"])
    # baseline: the last value before lymphodepletion (Dec 29): Dec 27; day 3 fever 39.2 -> +2.2, HIGH
    fever = advs.loc[("TEMP", "DAY 3")]
    assert advs.loc[("TEMP", "BASELINE"), "ABLFL"] == "Y" and advs.loc[("TEMP", "SCREENING"), "ABLFL"] == ""
    assert (fever["BASE"], fever["CHG"], fever["ANRIND"], fever["BNRIND"]) == (37.0, pytest.approx(2.2), "HIGH", "NORMAL")
    assert (fever["PARAM"], fever["ADY"], fever["ONTRTFL"]) == ("Temperature (C)", 3, "Y")
    # no baseline blood pressure: no change, no baseline indicator
    bp = advs.loc[("SYSBP", "DAY 3")]
    assert pd.isna(bp["BASE"]) and pd.isna(bp["CHG"]) and bp["BNRIND"] == "" and bp["ANRIND"] == "HIGH"


def test_adcm_prednisone_equivalent_per_record():
    from cartrial.adam.adcm import build_adcm
    adsl = pd.DataFrame({"STUDYID": "S", "USUBJID": ["A"], "TRT01P": "X", "TRT01A": "X",
                         "TRTSDT": pd.Timestamp("2025-01-01")})
    cm = pd.DataFrame({"USUBJID": "A", "CMSEQ": [1, 2, 3, 4], "CMTRT": ["Medrol", "Prednisone", "Tocilizumab", "X"],
                       "CMDECOD": ["METHYLPREDNISOLONE", "PREDNISONE", "TOCILIZUMAB", "UNKNOWNSTEROID"],
                       "CMCAT": ["GLUCOCORTICOID", "GLUCOCORTICOID", "CRS THERAPY", "GLUCOCORTICOID"],
                       "CMDOSE": [4.0, 5.0, 8.0, 1.0], "CMDOSFRQ": ["BID", "QD", "ONCE", "QD"],
                       "CMROUTE": ["ORAL", "ORAL", "INTRAVENOUS", "ORAL"],
                       "CMSTDTC": "2025-01-02", "CMENDTC": "2025-01-05"})
    adcm = build_adcm(cm, adsl).set_index("CMSEQ")
    # methylprednisolone 4 mg twice a day = 8 mg x 1.25 = 10 mg prednisone; prednisone 5 mg once = 5
    assert adcm.loc[1, "PREDEQ"] == 10.0 and adcm.loc[2, "PREDEQ"] == 5.0
    assert pd.isna(adcm.loc[3, "PREDEQ"]) and pd.isna(adcm.loc[4, "PREDEQ"])  # not a steroid; no potency factor
    assert (adcm.loc[3, "CRSTHFL"], adcm.loc[1, "GCFL"]) == ("Y", "Y")
