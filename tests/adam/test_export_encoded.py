"""The export reads each ADaM dataset with its text dictionary-encoded (pandas categoricals). The files must
not depend on how the text is held: a categorical column whose categories are out of order and include a
value no record holds gives the bytes of the plain text column (XPT: the file pyreadstat writes itself), and
the lengths and code lists describe the records only."""
import datetime as dt
import json

import numpy as np
import pandas as pd

import cartrial.adam.xpt as xpt
from cartrial.adam.datasetjson import write_dataset_json
from cartrial.adam.define import describe_dataset
from cartrial.io import read_parquet_text_encoded

WHEN = dt.datetime(2026, 3, 31, tzinfo=dt.timezone.utc)
UNUSED = "an unused category far longer than any value a record holds"


def _frames():
    """The same dataset with plain text and with categorical text (unused, longer category; reversed
    order)."""
    plain = pd.DataFrame({
        "USUBJID": ["S-2", "S-1", "S-1", None, "S-3", "S-2"],
        "PARAMCD": ["NEUT", "HGB", "NEUT", "HGB", "NEUT", "HCG"],
        "PARAM": [None, "Haemoglobin (g/L)", "Neutrophils (10^9/L)", "Hemoglobin", "Neutrophils", None],
        "AVAL": [1.5, 120.0, 2.0, np.nan, 0.25, np.nan],
        "ANRIND": ["LOW", "NORMAL", None, "NORMAL", "Élevé", None],
    })
    encoded = plain.copy()
    for col in ("USUBJID", "PARAMCD", "PARAM", "ANRIND"):
        values = sorted(plain[col].dropna().unique(), reverse=True)
        encoded[col] = pd.Categorical(plain[col], categories=values + [UNUSED])
    return plain, encoded


def _pyreadstat_bytes(frame, path):
    import pyreadstat

    text = frame.copy()
    for col in ("USUBJID", "PARAMCD", "PARAM", "ANRIND"):
        text[col] = text[col].fillna("")  # XPT has no missing text: a blank
    pyreadstat.write_xport(text, str(path), file_format_version=5, table_name="ADLB",
                           file_label=xpt.DATASET_LABELS["ADLB"],
                           column_labels=[xpt.LABELS.get(c, c) for c in frame.columns])
    return xpt.STAMP.sub(b"X", path.read_bytes())


def test_xpt_of_categorical_text_is_pyreadstats_file_of_the_plain_text(tmp_path):
    plain, encoded = _frames()
    xpt.write_xpt(encoded, tmp_path / "adlb.xpt", table_name="adlb")
    assert xpt.STAMP.sub(b"X", (tmp_path / "adlb.xpt").read_bytes()) == _pyreadstat_bytes(plain, tmp_path / "r.xpt")


def test_dataset_json_of_categorical_text_is_that_of_the_plain_text(tmp_path):
    plain, encoded = _frames()
    for name, frame in (("a", plain), ("b", encoded)):
        (tmp_path / name).mkdir()
        write_dataset_json(frame, tmp_path / name / "adlb.json", study="S", created=WHEN)
    assert (tmp_path / "a" / "adlb.json").read_bytes() == (tmp_path / "b" / "adlb.json").read_bytes()
    doc = json.loads((tmp_path / "b" / "adlb.json").read_text(encoding="utf-8"))
    lengths = {c["name"]: c.get("length") for c in doc["columns"]}
    assert lengths["PARAM"] == len("Neutrophils (10^9/L)") and lengths["ANRIND"] == len("Élevé".encode())
    assert doc["rows"][4] == ["S-3", "NEUT", "Neutrophils", 0.25, "Élevé"]


def test_description_counts_the_records_only():
    plain, encoded = _frames()
    # by hand: parameters in code order; PARAM the first one given for the code; AVAL whole for HGB only
    # (HCG has no value: float); ANRIND's code list as the records hold it
    expected_parameters = [("HCG", "HCG", "float"), ("HGB", "Haemoglobin (g/L)", "integer"),
                           ("NEUT", "Neutrophils (10^9/L)", "float")]
    for frame in (plain, encoded):
        described = describe_dataset(frame)
        assert described["parameters"] == expected_parameters
        assert described["codes"] == {"ANRIND": ["LOW", "NORMAL", "Élevé"]}
        assert dict((v[0], v[2]) for v in described["variables"]) == {
            "USUBJID": 3, "PARAMCD": 4, "PARAM": 20, "AVAL": 8, "ANRIND": 7}  # Élevé: 7 bytes


def test_parquet_text_is_read_as_categories_of_the_same_values(tmp_path):
    plain, _ = _frames()
    plain.to_parquet(tmp_path / "adlb.parquet", index=False)
    back = read_parquet_text_encoded(tmp_path / "adlb.parquet")
    assert isinstance(back["PARAM"].dtype, pd.CategoricalDtype) and back["AVAL"].dtype == "float64"
    for col in plain.columns:
        assert [None if pd.isna(v) else v for v in back[col]] == [None if pd.isna(v) else v for v in plain[col]]


def test_xpt_with_text_variables_taken_as_pairs_is_pyreadstats_file(tmp_path, monkeypatch):
    # adjacent text variables with few distinct pairs of values are written as one segment of the record
    # (USUBJID, PARAMCD and PARAM here): the file is still the one pyreadstat writes
    monkeypatch.setattr(xpt, "PAIR_RECORDS", 2)
    plain, encoded = (pd.concat([frame] * 50, ignore_index=True) for frame in _frames())
    text = {c: xpt.text_codes(encoded[c]) for c in ("USUBJID", "PARAMCD", "PARAM", "ANRIND")}
    fields = [(2, 3), (2, 4), (2, 20), (1, 8), (2, 7)]  # 'Élevé' is 7 bytes in UTF-8
    assert [segment[1] for segment in xpt._segments(encoded, text, fields)] == [27, 8, 7]
    for frame in (plain, encoded):
        xpt.write_xpt(frame, tmp_path / "adlb.xpt", table_name="adlb")
        assert xpt.STAMP.sub(b"X", (tmp_path / "adlb.xpt").read_bytes()) == \
            _pyreadstat_bytes(plain, tmp_path / "r.xpt")


def test_a_long_dataset_is_exported_a_row_group_at_a_time_as_it_would_be_whole(tmp_path, monkeypatch):
    """A dataset longer than the export holds whole is read a column, then a row group, at a time. Its files
    must be those of the whole frame (XPT as pyreadstat writes it), whatever each row group holds alone: here
    the first row group has no missing sequence number (alone, an integer column) or flag (alone, booleans), no
    time of day and not the longest text; the last holds only missing text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    import cartrial.adam.export as export
    from cartrial.adam.datasetjson import write_dataset_json

    frame = pd.DataFrame({
        "USUBJID": ["S-1", "S-1", "S-2", "S-2", "S-3", None],
        "SRCSEQ": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0],
        "ADTM": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03 08:30", None, "2025-01-05", "2025-01-06"],
                               format="ISO8601"),
        "PARAMCD": ["HGB", "HGB", "NEUT", "NEUT", "HGB", "NEUT"],
        "PARAM": ["Hb", None, "Neutrophils (10^9/L)", "Neutrophils", "Hb", None],
        "AVAL": [120.0, 118.5, 2.0, np.nan, 130.0, 1.0],
        "ANRIND": ["NORMAL", "LOW", "Élevé — très élevé", None, None, None],
    })
    source = tmp_path / "adlb.parquet"
    table = pa.Table.from_pandas(frame, preserve_index=False)  # SRCSEQ as whole numbers with a missing one:
    table = table.set_column(1, "SRCSEQ", pa.array([1, 2, None, 4, 5, 6], type=pa.int64()))  # read as floats
    # a flag with a missing value: pandas reads the whole column as objects, the first row group as booleans
    table = table.append_column("FLAG", pa.array([True, False, None, True, False, True]))
    frame = table.to_pandas()
    pq.write_table(table, source, row_group_size=2)
    assert pq.ParquetFile(source).num_row_groups == 3
    monkeypatch.setattr(export, "WHOLE_ROWS", 0)
    (tmp_path / "rows").mkdir()
    (tmp_path / "whole").mkdir()
    got = export._export(str(source), WHEN, str(tmp_path / "rows" / "adlb.xpt"), str(tmp_path / "rows" / "adlb.json"),
                         study="S")
    xpt.write_xpt(frame, tmp_path / "whole" / "adlb.xpt", table_name="adlb", timestamp=WHEN)
    write_dataset_json(frame, tmp_path / "whole" / "adlb.json", study="S", created=WHEN)
    for name in ("adlb.xpt", "adlb.json"):
        assert (tmp_path / "rows" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    assert got == describe_dataset(frame)
    doc = json.loads((tmp_path / "rows" / "adlb.json").read_text(encoding="utf-8"))
    assert [c["dataType"] for c in doc["columns"]][:3] == ["string", "double", "datetime"]
    assert doc["rows"][0][:3] == ["S-1", 1.0, "2025-01-01T00:00:00"]
