import pandas as pd
import pytest

from cartrial.sdtm.errors import InputDataError
from cartrial.sdtm.validate import check_subjects_in_dm, validate_domain
from tests.conftest import text_frame

DM_ROWS = [
    {"STUDYID": "S1", "USUBJID": "S1-001", "AGE": "34", "SEX": "F", "ARMCD": "A", "ARM": "Arm A",
     "RFICDTC": "2025-01-05"},
    {"STUDYID": "S1", "USUBJID": "S1-002", "AGE": "51", "SEX": "M", "ARMCD": "A", "ARM": "Arm A",
     "RFICDTC": "2025-02"},
]


def _errors(frame, domain):
    with pytest.raises(InputDataError) as info:
        validate_domain(frame, domain, file=f"{domain.lower()}.csv")
    return info.value.findings


def test_valid_dm_is_typed():
    out = validate_domain(text_frame(DM_ROWS), "DM", file="dm.csv")
    assert out["AGE"].dtype == "float64" and out["AGE"].tolist() == [34.0, 51.0]
    assert out["RFICDTC"].tolist() == ["2025-01-05", "2025-02"]  # partial date kept as text


def test_missing_required_column_names_file_and_column():
    frame = text_frame(DM_ROWS).drop(columns=["ARMCD"])
    (finding,) = _errors(frame, "DM")
    assert (finding.file, finding.column, finding.row) == ("dm.csv", "ARMCD", None)
    assert "required column is missing" in finding.rule


@pytest.mark.parametrize("column, value, rule", [
    ("SEX", "X", "is one of M, F, U"),
    ("AGE", "thirty", "is a number"),
    ("AGE", "-1", "is at least 0"),
    ("RFICDTC", "2025-02-30", "ISO 8601"),
    ("RFICDTC", "05/01/2025", "ISO 8601"),
    ("USUBJID", None, "required value is missing"),
])
def test_bad_values_name_row_column_and_rule(column, value, rule):
    rows = [dict(r) for r in DM_ROWS]
    rows[1][column] = value
    findings = _errors(text_frame(rows), "DM")
    assert [(f.row, f.column) for f in findings] == [(3, column)]  # the second record: spreadsheet row 3 (header = row 1)
    assert rule in findings[0].rule
    assert "dm.csv, row 3, column " + column in findings[0].describe()


def test_duplicate_subject_in_dm():
    rows = [DM_ROWS[0], dict(DM_ROWS[0])]
    findings = _errors(text_frame(rows), "DM")
    assert {f.row for f in findings} == {2, 3}
    assert all("duplicate key" in f.rule for f in findings)


def _rs(testcd, cat, stresc=None, stresn=None):
    return {"USUBJID": "S1-001", "RSCAT": cat, "RSTESTCD": testcd, "RSSTRESC": stresc, "RSSTRESN": stresn,
            "RSDTC": "2025-01-01"}


@pytest.mark.parametrize("row, column", [
    (_rs("ARTHRIT", "SLEDAI-2K", "MAYBE"), "RSSTRESC"),
    (_rs("RENAL", "BILAG-2004", "F"), "RSSTRESC"),
    (_rs("PGA", "PGA", stresn="3.5"), "RSSTRESN"),
    (_rs("SDITOT", "SLICC/ACR DI", stresn="48"), "RSSTRESN"),
    (_rs("KNEE", "SELENA-SLEDAI", "Y"), "RSTESTCD"),
])
def test_instrument_value_rules(row, column):
    good = _rs("RASH", "SLEDAI-2K", "Y")
    findings = _errors(text_frame([good, row]), "RS")
    assert [(f.row, f.column) for f in findings] == [(3, column)]  # the second record: spreadsheet row 3 (header = row 1)


def test_pga_limits_are_inclusive():
    rows = [_rs("PGA", "PGA", stresn="0"), {**_rs("PGA", "PGA", stresn="3"), "RSDTC": "2025-02-01"}]
    assert validate_domain(text_frame(rows), "RS", file="rs.csv")["RSSTRESN"].tolist() == [0.0, 3.0]


def test_subject_not_in_dm_is_an_error():
    dm = pd.DataFrame({"USUBJID": ["S1-001"]})
    ae = pd.DataFrame({"USUBJID": ["S1-001", "S1-999"]})
    with pytest.raises(InputDataError, match=r"ae\.csv, row 3, column USUBJID: subject is not in DM"):
        check_subjects_in_dm({"DM": dm, "AE": ae}, {"DM": "dm.csv", "AE": "ae.csv"})


def test_each_record_of_a_bad_value_is_listed_with_every_rule_it_breaks_in_the_rules_order():
    """Values are checked once per distinct value and the failures spread back to their records: a value that
    repeats is listed on each of its records, and a value that breaks two rules of its column is listed
    under each, in the column's order of rules (a number, finite, at least, at most), row by row."""
    rows = [dict(DM_ROWS[k % 2], USUBJID=f"S1-00{k}") for k in range(1, 6)]
    rows[0]["AGE"] = "-inf"  # not finite, and below 0
    rows[2]["AGE"] = "old"
    rows[4]["AGE"] = "old"
    rows[3]["SEX"] = "X"
    rows[3]["AGE"] = "-2"
    findings = _errors(text_frame(rows), "DM")
    assert [(f.row, f.column, f.value, f.rule.split(": ")[-1]) for f in findings] == [
        (2, "AGE", "-inf", "is a finite number (not inf)"),
        (2, "AGE", "-inf", "is at least 0"),
        (4, "AGE", "old", "is a number"),
        (5, "AGE", "-2", "is at least 0"),
        (5, "SEX", "X", "is one of M, F, U, UNDIFFERENTIATED"),
        (6, "AGE", "old", "is a number"),
    ]
    assert [f.usubjid for f in findings] == ["S1-001", "S1-001", "S1-003", "S1-004", "S1-004", "S1-005"]


def test_a_column_of_many_distinct_bad_values_lists_every_record():
    """Dates in another format: each of 1,000 distinct values fails, each on three records; every record is
    listed once, in row order, with its own value (the records of one value are found in one pass per rule)."""
    rows = [dict(DM_ROWS[0], USUBJID=f"S1-{k:04d}", RFICDTC=f"{k % 1000 + 1:04d}/01/2025") for k in range(3000)]
    findings = _errors(text_frame(rows), "DM")
    assert [f.row for f in findings] == list(range(2, 3002))
    assert all(f.column == "RFICDTC" and "ISO 8601" in f.rule for f in findings)
    assert [f.value for f in findings] == [r["RFICDTC"] for r in rows]
    assert [f.usubjid for f in findings] == [r["USUBJID"] for r in rows]
