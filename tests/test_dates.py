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


def test_iso_digits_and_the_days_a_dataset_date_can_hold():
    # ISO 8601 digits are ASCII; datetime64[ns] holds 1677-09-22 to 2262-04-11 (pandas Timestamp.min/max:
    # 1677-09-21 00:12:43 and 2262-04-11 23:47:16), so a day outside cannot be analysed
    s = pd.Series(["\u0662\u0660\u0662\u0665-\u0660\u0663-\u0661\u0664", "1677-09-21", "1677-09-22", "2262-04-11",
                   "2262-04-12"])
    assert classify_dtc(s)["status"].tolist() == ["invalid", "impossible", "full", "full", "impossible"]


def test_partial_dates_completed_beyond_the_days_a_dataset_date_can_hold_are_missing():
    # year 204 (a placeholder) is not 2040-10-01; the last day of April 2262 is past 2262-04-11
    first = dtc_to_date(pd.Series(["0204", "1677-09", "1677-10"]), impute="first")
    assert first.isna().tolist() == [True, True, False]
    assert first.iloc[2] == pd.Timestamp("1677-10-01")
    last = dtc_to_date(pd.Series(["2262-04", "2262-03", "1677"]), impute="last")
    assert last.isna().tolist() == [True, False, False]
    assert last.iloc[1:].dt.strftime("%Y-%m-%d").tolist() == ["2262-03-31", "1677-12-31"]
