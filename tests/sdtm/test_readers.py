import pandas as pd
import pyreadstat
import pytest

from cartrial.sdtm.errors import InputDataError
from cartrial.sdtm.readers import find_domain_files, read_domain

DM = pd.DataFrame({"STUDYID": ["S1", "S1"], "USUBJID": ["S1-001", "S1-002"], "AGE": [34, 51],
                   "SEX": ["F", "M"], "RFICDTC": ["2025-01-05", ""]})
EXPECTED = {"STUDYID": ["S1", "S1"], "USUBJID": ["S1-001", "S1-002"], "AGE": ["34", "51"], "SEX": ["F", "M"],
            "RFICDTC": ["2025-01-05", None]}


def _check(frame):
    got = frame.astype(object).where(frame.notna(), None).to_dict(orient="list")
    assert got == EXPECTED


def test_csv_xpt_parquet_read_alike(tmp_path):
    DM.to_csv(tmp_path / "dm.csv", index=False)
    _check(read_domain(tmp_path / "dm.csv"))
    pyreadstat.write_xport(DM, str(tmp_path / "dm.xpt"), file_format_version=5, table_name="DM")
    _check(read_domain(tmp_path / "dm.xpt"))
    DM.replace("", None).to_parquet(tmp_path / "dm.parquet")
    _check(read_domain(tmp_path / "dm.parquet"))


def test_bom_and_lowercase_headers_and_blanks(tmp_path):
    path = tmp_path / "dm.csv"
    path.write_bytes("\ufeffstudyid,usubjid,age,sex,rficdtc\nS1, S1-001 ,34,F,2025-01-05\nS1,S1-002,51,M,  \n"
                     .encode("utf-8"))
    _check(read_domain(path))


def test_latin1_file_is_rejected_with_file_name(tmp_path):
    path = tmp_path / "ae.csv"
    path.write_bytes("USUBJID,AEDECOD\nS1-001,Ecz\xe9ma\n".encode("latin-1"))
    with pytest.raises(InputDataError, match=r"ae\.csv.*not UTF-8"):
        read_domain(path)


def test_truncated_line_is_rejected_with_row(tmp_path):
    path = tmp_path / "ae.csv"
    path.write_text("USUBJID,AEDECOD,AESTDTC\nS1-001,Nausea,2025-01-01\nS1-002,Headache\n")
    with pytest.raises(InputDataError, match=r"ae\.csv, row 3: row has 2 fields but the header has 3"):
        read_domain(path)


def test_empty_file_is_rejected(tmp_path):
    path = tmp_path / "ae.csv"
    path.write_text("")
    with pytest.raises(InputDataError, match="file is empty"):
        read_domain(path)


def test_domain_in_two_formats_is_rejected(tmp_path):
    DM.to_csv(tmp_path / "dm.csv", index=False)
    DM.to_parquet(tmp_path / "dm.parquet")
    with pytest.raises(InputDataError, match="more than one file"):
        find_domain_files(tmp_path)


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        find_domain_files(tmp_path / "nope")
