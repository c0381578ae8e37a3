"""ADaM datasets as CDISC Dataset-JSON v1.1 (the JSON exchange format of CDISC's DataExchange standard).

One file per dataset: the dataset's metadata (name, label, record count, the OID of its ItemGroupDef in
Define-XML) and, per variable, its OID, name, label, data type and, for text, its length; then the rows as
arrays in column order. Types: text is ``string`` (length = the longest value in UTF-8 bytes), whole
numbers stored as integers are ``integer``, other numbers ``double``, dates ``date`` (ISO 8601 text),
date-times ``datetime``; a missing value is ``null``. OIDs follow Define-XML conventions
(``IG.ADSL``, ``IT.ADSL.USUBJID``). The creation date-time is the run's report date (``SOURCE_DATE_EPOCH`` or
the data cut), so the same inputs give the same bytes.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from cartrial.adam.xpt import DATASET_LABELS, LABELS, text_codes, utf8_length
from cartrial.distinct import per_distinct

VERSION = "1.1.0"
#: key variables of each dataset, in order (Dataset-JSON keySequence)
KEYS = {"ADSL": ["USUBJID"], "ADAE": ["USUBJID", "AESEQ"], "ADCM": ["USUBJID", "CMSEQ"],
        "ADTTE": ["USUBJID", "PARAMCD"], "ADPP": ["USUBJID", "PARCAT1", "PARAMCD"],
        "ADPC": ["USUBJID", "PARAMCD", "AFRLT"], "ADLB": ["USUBJID", "PARAMCD", "ADT", "SRCSEQ"],
        "ADVS": ["USUBJID", "PARAMCD", "ADT", "SRCSEQ"], "ADCP": ["USUBJID", "PARAMCD", "ADT", "SRCSEQ"]}


CHUNK_ROWS = 100_000  # rows encoded at a time (bounded memory)


def _encoded(col: pd.Series, encode) -> list[str]:
    """The JSON text of each value of ``col`` (``null`` when missing), ``encode`` applied once per distinct
    value: a column of a million records holds a few thousand distinct values."""
    return per_distinct(col, lambda v: v.map(lambda x: "null" if pd.isna(x) else encode(x))).tolist()


def _finite(col: pd.Series) -> pd.Series:
    arr = col.to_numpy(dtype="float64", na_value=np.nan)
    return pd.Series(np.where(np.isfinite(arr), arr, np.nan))


def _column(name: str, col: pd.Series, dataset: str) -> tuple[dict, callable]:
    """The variable's metadata and the function that gives the JSON text of each value of the rows
    ``first:stop`` of the column (as :func:`json.dumps` writes them)."""
    meta = {"itemOID": f"IT.{dataset}.{name}", "name": name, "label": LABELS.get(name, name)}
    if pd.api.types.is_datetime64_any_dtype(col):
        has_time = bool(((col.dropna() - col.dropna().dt.normalize()) != pd.Timedelta(0)).any())
        fmt = "%Y-%m-%dT%H:%M:%S" if has_time else "%Y-%m-%d"
        meta["dataType"] = "datetime" if has_time else "date"
        return meta, lambda first, stop: _encoded(col.iloc[first:stop], lambda v: f'"{v.strftime(fmt)}"')
    if pd.api.types.is_bool_dtype(col):
        meta["dataType"] = "boolean"
        return meta, lambda first, stop: _encoded(col.iloc[first:stop].astype(object),
                                                  lambda v: "true" if v else "false")
    if pd.api.types.is_integer_dtype(col):
        meta["dataType"] = "integer"
        return meta, lambda first, stop: _encoded(col.iloc[first:stop], lambda v: str(int(v)))
    if pd.api.types.is_numeric_dtype(col):
        meta["dataType"] = "double"
        return meta, lambda first, stop: _encoded(_finite(col.iloc[first:stop]), lambda v: json.dumps(float(v)))
    # text: each distinct value encoded once for the whole column, each record's code taken per slice
    codes, texts = text_codes(col)  # missing: the last text
    meta["dataType"] = "string"
    meta["length"] = utf8_length(texts[:-1])
    encoded = np.array([json.dumps(t, ensure_ascii=False) for t in texts[:-1]] + ["null"], dtype=object)
    return meta, lambda first, stop: encoded[codes[first:stop]].tolist()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cartrial")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def _document(frame: pd.DataFrame, *, name: str, study: str, created: dt.datetime) -> tuple[dict, list]:
    """The Dataset-JSON v1.1 document of one dataset without its rows, and each column's value encoder."""
    dataset = name.upper()
    columns, encoders = [], []
    keys = KEYS.get(dataset, [])
    for col in frame.columns:
        meta, encode = _column(str(col), frame[col], dataset)
        if col in keys:
            meta["keySequence"] = keys.index(col) + 1
        columns.append(meta)
        encoders.append(encode)
    stamp = created.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return {
        "datasetJSONCreationDateTime": stamp,
        "datasetJSONVersion": VERSION,
        "fileOID": f"www.cartrial.org/{study}/{dataset}",
        "originator": "cartrial",
        "sourceSystem": {"name": "cartrial", "version": _version()},
        "studyOID": study,
        "metaDataVersionOID": f"MDV.{study}.ADaM",
        "metaDataRef": "define.xml",
        "itemGroupOID": f"IG.{dataset}",
        "records": len(frame),
        "name": dataset,
        "label": DATASET_LABELS.get(dataset, dataset),
        "columns": columns,
    }, encoders


def write_dataset_json(frame: pd.DataFrame, path: str | Path, *, study: str, created: dt.datetime) -> None:
    """Write one dataset as Dataset-JSON (UTF-8, one row per line, deterministic bytes: each row as
    ``json.dumps`` writes a list), :data:`CHUNK_ROWS` rows at a time."""
    doc, encoders = _document(frame, name=Path(path).stem, study=study, created=created)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(doc, ensure_ascii=False)[:-1] + ', "rows": [\n')
        for first in range(0, len(frame) if encoders else 0, CHUNK_ROWS):
            values = [encode(first, first + CHUNK_ROWS) for encode in encoders]
            if first:
                handle.write(",\n")
            handle.write(",\n".join("[" + ", ".join(row) + "]" for row in zip(*values)))
        handle.write("\n]}\n")


def read_dataset_json(path: str | Path) -> pd.DataFrame:
    """A Dataset-JSON file as a frame (dates as datetime64, numbers as float64 or int64, text as object)."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    frame = pd.DataFrame(doc["rows"], columns=[c["name"] for c in doc["columns"]])
    for c in doc["columns"]:
        if c["dataType"] in ("date", "datetime"):
            frame[c["name"]] = pd.to_datetime(frame[c["name"]])
        elif c["dataType"] == "double":
            frame[c["name"]] = frame[c["name"]].astype("float64")
    return frame
