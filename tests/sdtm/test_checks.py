"""Data checks of the input (cartrial/sdtm/checks.py, settings in checksettings.py): every expected value is worked out by hand."""
import pandas as pd
import pytest

from cartrial.sdtm.checks import DataChecks, check_dm, check_findings, normalise_numbers
from cartrial.sdtm.checksettings import problems
from cartrial.sdtm.terms import normalise_column
from cartrial.sdtm.contract import DOMAINS


def _lb(rows):
    cols = ["USUBJID", "LBTESTCD", "LBSTRESN", "LBORRES", "VISITNUM", "VISIT", "LBDTC"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["LBSTRESN"] = frame["LBSTRESN"].astype(float)
    return frame


SUBJECTS = pd.DataFrame({"USUBJID": ["A", "B"], "ENROLLED": [True, True], "AGE": [10.0, 40.0],
                         "DTHDTC": [None, "2024-03-01"]})
TWO = [["A", "NEUT", 1.0, "1.0", 9, "DAY 28", "2024-01-29"], ["A", "NEUT", 3.0, "3.0", 101, "MONTH 1", "2024-01-29"]]


@pytest.mark.parametrize("rule, used, kept", [("first", 1.0, 1), ("last", 3.0, 1), ("mean", 2.0, 1)])
def test_conflict_rules(rule, used, kept):
    out, found, excluded = check_findings(_lb(TWO), "LB", file="lb.csv", settings=DataChecks(conflicts=rule),
                                          subjects=SUBJECTS)
    assert out["LBSTRESN"].tolist() == [used] and excluded == 1
    [f] = found
    assert f.rule.startswith("[conflict] 2 different NEUT results at one time (rows 2, 3; VISIT DAY 28, MONTH 1)")
    assert f.value == "1 | 3" and f"{used:g} used" in f.action and f.severity == "warning"


def test_conflict_rule_stop_and_duplicates():
    _, found, _ = check_findings(_lb(TWO), "LB", file="lb.csv", settings=DataChecks(conflicts="stop"),
                                 subjects=SUBJECTS)
    assert [f.severity for f in found] == ["error"]
    same = [TWO[0], TWO[0]]
    out, found, excluded = check_findings(_lb(same), "LB", file="lb.csv", settings=DataChecks(), subjects=SUBJECTS)
    assert len(out) == 1 and excluded == 1 and found[0].rule.startswith("[duplicate_record]") and found[0].row == 3


def test_limits_depend_on_age():
    # creatinine 16 mg/dL: above the children's limit (15), within the adults' (25)
    rows = [["A", "CREAT", 16.0, "16", 1, "DAY 1", "2024-01-01"], ["B", "CREAT", 16.0, "16", 1, "DAY 1", "2024-01-01"]]
    _, found, _ = check_findings(_lb(rows), "LB", file="lb.csv", settings=DataChecks(), subjects=SUBJECTS)
    assert [(f.usubjid, f.row, f.severity) for f in found] == [("A", 2, "error")]
    assert "0.05-15 (age 0-18 years)" in found[0].rule
    # age unknown: the widest limits of the test (0.05-25)
    unknown = SUBJECTS.assign(AGE=[float("nan"), 40.0])
    _, found, _ = check_findings(_lb([rows[0], ["A", "CREAT", 26.0, "26", 2, "DAY 2", "2024-01-02"]]), "LB",
                                 file="lb.csv", settings=DataChecks(), subjects=unknown)
    assert [(f.row, f.value) for f in found] == [(3, "26.0")] and "age unknown" in found[0].rule
    keep = DataChecks(actions={**DataChecks().actions, "limits": "exclude"})
    out, found, excluded = check_findings(_lb(rows), "LB", file="lb.csv", settings=keep, subjects=SUBJECTS)
    assert out["USUBJID"].tolist() == ["B"] and excluded == 1 and found[0].action == "record excluded"


def test_non_numeric_result_and_record_after_death():
    rows = [["B", "CREAT", None, "POSITIVE", 1, "DAY 1", "2024-04-01"]]
    _, found, excluded = check_findings(_lb(rows), "LB", file="lb.csv", settings=DataChecks(), subjects=SUBJECTS)
    rules = sorted(f.rule.split("]")[0] + "]" for f in found)
    assert rules == ["[non_numeric]", "[record_after_death]"] and excluded == 1


def test_weight_jump_needs_three_values():
    vs = pd.DataFrame({"USUBJID": ["B"] * 3, "VSTESTCD": ["WEIGHT"] * 3, "VSSTRESN": [60.0, 61.0, 132.3],
                       "VSDTC": ["2024-01-01", "2024-02-01", "2024-03-01"]})
    _, found, _ = check_findings(vs, "VS", file="vs.csv", settings=DataChecks(), subjects=SUBJECTS)
    # median 61: 132.3 / 61 = 2.17 > 1.6; 60 / 61 and 61 / 61 are within
    assert [(f.row, f.value) for f in found] == [(4, "132.3")]
    _, found, _ = check_findings(vs.iloc[[0, 2]], "VS", file="vs.csv", settings=DataChecks(), subjects=SUBJECTS)
    assert found == []


def test_dm_age_units_and_date_order():
    dm = pd.DataFrame({"USUBJID": ["A", "B"], "AGE": [110.0, 30.0], "AGEU": ["MONTHS", "YEARS"],
                       "RFICDTC": ["2024-01-10", "2024-01-01"], "RFXSTDTC": ["2024-01-05", "2024-02-01T10:00"],
                       "DTHDTC": [None, "2024-01-20"]})
    out, found, _ = check_dm(dm, file="dm.csv", settings=DataChecks())
    assert out["AGE"].tolist() == [9.0, 30.0] and out["AGEU"].tolist() == ["YEARS", "YEARS"]  # 110 / 12 = 9.17
    rules = {f.rule.split("]")[0][1:]: f.severity for f in found}
    assert rules == {"age_unit": "warning", "death_before_infusion": "error", "consent_after_infusion": "warning"}


def test_ae_end_before_start_drops_the_end_date_only():
    ae = pd.DataFrame({"USUBJID": ["A"], "AESTDTC": ["2024-05-10"], "AEENDTC": ["2023-05-11"]})
    out, found, excluded = check_findings(ae, "AE", file="ae.csv", settings=DataChecks(), subjects=SUBJECTS)
    assert pd.isna(out["AEENDTC"].iloc[0]) and excluded == 0 and found[0].action == "AEENDTC not used"


def test_decimal_commas():
    lb = pd.DataFrame({"USUBJID": ["A"] * 3, "LBSTRESN": ["0,56", "1,234", "12"], "LBORRES": ["0,56", "x", "12"]})
    out, found = normalise_numbers(lb, "LB", file="lb.csv", settings=DataChecks())
    assert out["LBSTRESN"].tolist() == ["0.56", "1,234", "12"] and out["LBORRES"].tolist() == ["0.56", "x", "12"]
    assert sorted((f.column, f.row, f.severity) for f in found) == [
        ("LBORRES", 2, "warning"), ("LBSTRESN", 2, "warning"), ("LBSTRESN", 3, "error")]


def test_config_problems():
    assert problems({"actions": {"death_before_infusion": "exclude"}}) == [
        "data_checks.actions.death_before_infusion: this rule cannot exclude a record (use stop or keep)"]
    assert "no such rule" in problems({"actions": {"bogus": "keep"}})[0]
    limits = DataChecks.from_config({"limits": {"CREAT": [{"low": 0.2, "high": 9}]}}).limits["CREAT"]
    assert limits == [(0, 200, 0.2, 9)]


def test_terms_normalised_to_their_lists():
    col = DOMAINS["DS"].column("DSDECOD")
    out, found = normalise_column(pd.Series(["Completed", " completed ", "Lost  to follow-up", "Moved away"]), col,
                                  domain="DS", file="ds.csv")
    assert out.tolist() == ["COMPLETED", "COMPLETED", "LOST TO FOLLOW-UP", "MOVED AWAY"] and found == []
    pt = DOMAINS["AE"].column("AEDECOD")
    out, found = normalise_column(pd.Series(["CYTOKINE RELEASE SYNDROME", "Pyrexia", "PYREXIA", "Pyrexia"]), pt,
                                  domain="AE", file="ae.csv")
    assert out.tolist() == ["Cytokine release syndrome", "Pyrexia", "Pyrexia", "Pyrexia"]
    assert [(f.row, f.value, f.action) for f in found] == [(3, "PYREXIA | Pyrexia", "analysed as 'Pyrexia'")]
    unit = DOMAINS["LB"].column("LBSTRESU")
    assert normalise_column(pd.Series(["MG/DL", "10^9/l"]), unit, domain="LB", file="lb.csv")[0].tolist() == [
        "mg/dL", "10^9/L"]
