import pandas as pd

from cartrial.adam.visits import derive_analysis_visits, derive_baseline, make_month_windows


def test_month_windows_by_hand():
    # targets: 1 + round(30.4375 m): M1 31, M3 92, M6 184; bounds halfway between targets
    w = make_month_windows([1, 3, 6])
    assert [(x.avisit, x.target, x.lower, x.upper) for x in w] == [
        ("MONTH 1", 31, 2, 61), ("MONTH 3", 92, 62, 138), ("MONTH 6", 184, 139, 230)]


def test_windowing_baseline_and_selection():
    adsl = pd.DataFrame({"USUBJID": ["S1"], "TRTSDT": [pd.Timestamp("2025-01-01")]})
    # study days: -10, 1 (infusion day, pre-dose counts as baseline), 25, 35 (unscheduled), 40, 92
    days = [-10, 1, 25, 35, 40, 92]
    frame = pd.DataFrame({"USUBJID": "S1", "PARAMCD": "X",
                          "ADT": [pd.Timestamp("2025-01-01") + pd.Timedelta(days=d - 1 if d > 0 else d) for d in days],
                          "AVAL": [10.0, 12.0, 8.0, 6.0, 7.0, 2.0]})
    out = derive_analysis_visits(frame, adsl, make_month_windows([1, 3]), by=["PARAMCD"], value="AVAL")
    assert out["ADY"].tolist() == days
    assert out["ABLFL"].tolist() == [None, "Y", None, None, None, None]
    assert out["AVISIT"].tolist() == [None, "BASELINE", "MONTH 1", "MONTH 1", "MONTH 1", "MONTH 3"]
    # Month 1 target 31: day 35 (distance 4) beats day 25 (6) and day 40 (9) - the unscheduled one is analysed
    assert out["ANL01FL"].tolist() == [None, "Y", None, "Y", None, "Y"]
    based = derive_baseline(out, by=["PARAMCD"])
    assert based.loc[based["ANL01FL"] == "Y", "CHG"].tolist() == [0.0, -6.0, -10.0]


def test_tie_takes_the_earlier_and_missing_values_are_skipped():
    adsl = pd.DataFrame({"USUBJID": ["S1"], "TRTSDT": [pd.Timestamp("2025-01-01")]})
    days = [27, 35, 31]
    frame = pd.DataFrame({"USUBJID": "S1", "ADT": [pd.Timestamp("2025-01-01") + pd.Timedelta(days=d - 1)
                                                   for d in days], "AVAL": [1.0, 2.0, None]})
    out = derive_analysis_visits(frame, adsl, make_month_windows([1, 3]), by=[], value="AVAL")
    # day 31 (the target) has no value; days 27 and 35 are both 4 days away: the earlier wins
    assert out["ANL01FL"].tolist() == ["Y", None, None]
