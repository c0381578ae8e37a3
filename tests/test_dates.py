import pandas as pd

from cartrial.dates import classify_dtc, dtc_precision, dtc_to_date, study_day


def test_classify_statuses():
    s = pd.Series(["2025-03-14", "2025-03", "2025", "2025-02-30", "14/03/2025", None, "2025-03-14T08:30",
                   "2025-13", "2025-03-14T25:00", "2024-02-29"])
    assert list(classify_dtc(s)["status"]) == [
        "full", "partial", "partial", "impossible", "invalid", "missing", "full", "impossible", "impossible", "full"]


def test_partial_date_imputation_first_and_last():
    s = pd.Series(["2025-03", "2025", "2024-02", "2025-03-14T08:30"])
    assert list(dtc_to_date(s, impute="first").dt.strftime("%Y-%m-%d")) == [
        "2025-03-01", "2025-01-01", "2024-02-01", "2025-03-14"]
    # 2024 is a leap year: the last day of February 2024 is the 29th
    assert list(dtc_to_date(s, impute="last").dt.strftime("%Y-%m-%d")) == [
        "2025-03-31", "2025-12-31", "2024-02-29", "2025-03-14"]
    assert dtc_to_date(s).isna().tolist() == [True, True, True, False]


def test_precision():
    assert dtc_precision(pd.Series(["2025-03-14", "2025-03", "2025", None])).tolist()[:3] == ["D", "M", "Y"]


def test_study_day_has_no_day_zero():
    ref = pd.Series(pd.to_datetime(["2025-03-10"] * 3))
    d = pd.Series(pd.to_datetime(["2025-03-10", "2025-03-09", "2025-03-11"]))
    assert study_day(d, ref).tolist() == [1, -1, 2]
