import numpy as np
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
    adsl = pd.DataFrame({"USUBJID": ["A", "B"], "TRT01A": "Arm", "SAFFL": "Y", "TRTSDT": trt,
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
