"""Dataset-JSON v1.1 export: valid against CDISC's schema, types and values as the dataset holds them."""
import datetime as dt
import json
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

from cartrial.adam.datasetjson import read_dataset_json, write_dataset_json

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "reference" / "dataset-json-1.1.schema.json").read_text())
WHEN = dt.datetime(2026, 3, 31, tzinfo=dt.timezone.utc)


def test_document_is_valid_and_round_trips(tmp_path):
    frame = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "AETERM": ["Grüße", None], "AGE": [34.0, np.nan],
                          "N": pd.Series([1, 2], dtype="int64"), "TRTSDT": pd.to_datetime(["2024-06-06", None])})
    path = tmp_path / "adsl.json"
    write_dataset_json(frame, path, study="CHT101-SLE", created=WHEN)
    doc = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(doc, SCHEMA)
    cols = {c["name"]: c for c in doc["columns"]}
    assert (doc["name"], doc["label"], doc["records"], doc["itemGroupOID"]) == (
        "ADSL", "Subject-Level Analysis Dataset", 2, "IG.ADSL")
    assert doc["datasetJSONCreationDateTime"] == "2026-03-31T00:00:00" and doc["datasetJSONVersion"] == "1.1.0"
    assert cols["USUBJID"]["keySequence"] == 1 and cols["USUBJID"]["itemOID"] == "IT.ADSL.USUBJID"
    assert cols["AETERM"]["length"] == 7  # 'Grüße' is 7 bytes in UTF-8
    assert [cols[c]["dataType"] for c in ("AGE", "N", "TRTSDT")] == ["double", "integer", "date"]
    assert doc["rows"] == [["S-1", "Grüße", 34.0, 1, "2024-06-06"], ["S-2", None, None, 2, None]]
    back = read_dataset_json(path)
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_same_input_same_bytes(tmp_path):
    frame = pd.DataFrame({"USUBJID": ["S-1"], "AVAL": [0.1 + 0.2]})
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        write_dataset_json(frame, tmp_path / run / "adrs.json", study="X", created=WHEN)
    assert (tmp_path / "a" / "adrs.json").read_bytes() == (tmp_path / "b" / "adrs.json").read_bytes()
    assert json.loads((tmp_path / "a" / "adrs.json").read_text())["rows"] == [["S-1", 0.30000000000000004]]


@pytest.mark.parametrize("rows", [0, 1, 5, 23])
def test_rows_written_in_chunks_are_the_rows_of_the_frame(tmp_path, rows, monkeypatch):
    import cartrial.adam.datasetjson as datasetjson

    monkeypatch.setattr(datasetjson, "CHUNK_ROWS", 5)  # chunk boundaries at 5, 10, 15, 20
    frame = pd.DataFrame({"USUBJID": [f"S-{i % 4}" for i in range(rows)],
                          "AVAL": [i / 3 if i % 6 else np.nan for i in range(rows)],
                          "AVALC": ['say "hi"\n' if i % 2 else None for i in range(rows)],
                          "ADT": pd.to_datetime(["2024-06-06"] * rows)})
    path = tmp_path / "adlb.json"
    write_dataset_json(frame, path, study="S", created=WHEN)
    doc = json.loads(path.read_text(encoding="utf-8"))
    expected = [[f"S-{i % 4}", i / 3 if i % 6 else None, 'say "hi"\n' if i % 2 else None, "2024-06-06"]
                for i in range(rows)]
    assert doc["records"] == rows and doc["rows"] == expected
    assert path.read_text(encoding="utf-8").count("\n") == max(rows, 1) + 2  # one row per line (none: one blank)


def test_a_single_column_of_any_type_gives_json_dumps_rows(tmp_path):
    # one variable is both the first and the last of its row; text beyond ASCII is written as UTF-8
    columns = {"AVALC": ["Süß", None, "日本", "Süß"], "ANL01FL": [True, False, True, True],
               "AVAL": pd.array([3, None, 12, 3], dtype="Int64"), "CHG": [0.1, np.inf, -2.5, np.nan]}
    expected = {"AVALC": ["Süß", None, "日本", "Süß"], "ANL01FL": [True, False, True, True],
                "AVAL": [3, None, 12, 3], "CHG": [0.1, None, -2.5, None]}
    for name, values in columns.items():
        path = tmp_path / f"{name}.json"
        write_dataset_json(pd.DataFrame({name: values}), path, study="S", created=WHEN)
        text = path.read_text(encoding="utf-8")
        rows = text[text.index('"rows": [\n') + len('"rows": [\n'):-len("\n]}\n")]
        assert rows == ",\n".join(json.dumps([v], ensure_ascii=False) for v in expected[name])


@pytest.mark.parametrize("pair_records", [1, 10, 10_000])
def test_variables_taken_as_pairs_give_json_dumps_rows(tmp_path, monkeypatch, pair_records):
    # adjacent variables with few distinct pairs of values (a subject's identifier and arm, a parameter's code
    # and name) are taken as one text: the rows are those json.dumps writes whether or not they are paired
    import cartrial.adam.datasetjson as datasetjson

    monkeypatch.setattr(datasetjson, "PAIR_RECORDS", pair_records)
    monkeypatch.setattr(datasetjson, "CHUNK_ROWS", 70)
    rows = 600
    frame = pd.DataFrame({"STUDYID": ["S"] * rows, "USUBJID": [f"S-{i % 20}" for i in range(rows)],
                          "ARM": ["Löw" if i % 20 < 10 else None for i in range(rows)],
                          "PARAMCD": [["CRP", "IL6", "B, C"][i % 3] for i in range(rows)],
                          "AVAL": [i / 7 if i % 11 else np.nan for i in range(rows)],
                          "ONTRTFL": ["Y" if i % 4 else "" for i in range(rows)]})
    expected = [[f"S-{i % 20}" if k == 1 else v for k, v in enumerate(
        ["S", None, "Löw" if i % 20 < 10 else None, ["CRP", "IL6", "B, C"][i % 3], i / 7 if i % 11 else None,
         "Y" if i % 4 else ""])] for i in range(rows)]
    path = tmp_path / "adlb.json"
    write_dataset_json(frame, path, study="S", created=WHEN)
    text = path.read_text(encoding="utf-8")
    body = text[text.index('"rows": [\n') + len('"rows": [\n'):-len("\n]}\n")]
    assert body == ",\n".join(json.dumps(row, ensure_ascii=False) for row in expected)
    _, coded = datasetjson._document(frame, name="adlb", study="S", created=WHEN)
    taken = len(datasetjson._paired(coded))
    # 600 records: all in one (at most 600 distinct rows); at most 60 pairs: the subject and parameter
    # variables, then AVAL, then ONTRTFL (AVAL has 546 values); at most 0: none paired
    assert taken == {1: 1, 10: 3, 10_000: 6}[pair_records]
