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

from cartrial.adam.xpt import DATASET_LABELS, LABELS, text_length

VERSION = "1.1.0"
#: key variables of each dataset, in order (Dataset-JSON keySequence)
KEYS = {"ADSL": ["USUBJID"], "ADAE": ["USUBJID", "AESEQ"], "ADCM": ["USUBJID", "CMSEQ"],
        "ADTTE": ["USUBJID", "PARAMCD"], "ADPP": ["USUBJID", "PARCAT1", "PARAMCD"],
        "ADPC": ["USUBJID", "PARAMCD", "AFRLT"], "ADLB": ["USUBJID", "PARAMCD", "ADT", "SRCSEQ"],
        "ADVS": ["USUBJID", "PARAMCD", "ADT", "SRCSEQ"], "ADCP": ["USUBJID", "PARAMCD", "ADT", "SRCSEQ"]}


def _column(name: str, col: pd.Series, dataset: str) -> tuple[dict, list]:
    meta = {"itemOID": f"IT.{dataset}.{name}", "name": name, "label": LABELS.get(name, name)}
    if pd.api.types.is_datetime64_any_dtype(col):
        has_time = bool(((col.dropna() - col.dropna().dt.normalize()) != pd.Timedelta(0)).any())
        fmt = "%Y-%m-%dT%H:%M:%S" if has_time else "%Y-%m-%d"
        meta["dataType"] = "datetime" if has_time else "date"
        values = [None if pd.isna(v) else v.strftime(fmt) for v in col]
    elif pd.api.types.is_bool_dtype(col):
        meta["dataType"] = "boolean"
        values = [None if pd.isna(v) else bool(v) for v in col]
    elif pd.api.types.is_integer_dtype(col):
        meta["dataType"] = "integer"
        values = [None if pd.isna(v) else int(v) for v in col]
    elif pd.api.types.is_numeric_dtype(col):
        meta["dataType"] = "double"
        arr = col.to_numpy(dtype="float64")
        values = [None if not np.isfinite(v) else float(v) for v in arr]
    else:
        meta["dataType"] = "string"
        values = [None if pd.isna(v) else str(v) for v in col.astype(object)]
        meta["length"] = text_length(col)
    return meta, values


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cartrial")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def to_dataset_json(frame: pd.DataFrame, *, name: str, study: str, created: dt.datetime) -> dict:
    """The Dataset-JSON v1.1 document of one dataset."""
    dataset = name.upper()
    columns, data = [], []
    keys = KEYS.get(dataset, [])
    for col in frame.columns:
        meta, values = _column(str(col), frame[col], dataset)
        if col in keys:
            meta["keySequence"] = keys.index(col) + 1
        columns.append(meta)
        data.append(values)
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
        "rows": [list(r) for r in zip(*data)] if data else [],
    }


def write_dataset_json(frame: pd.DataFrame, path: str | Path, *, study: str, created: dt.datetime) -> None:
    """Write one dataset as Dataset-JSON (UTF-8, one row per line, deterministic bytes)."""
    doc = to_dataset_json(frame, name=Path(path).stem, study=study, created=created)
    rows = doc.pop("rows")
    head = json.dumps(doc, ensure_ascii=False)[:-1]
    body = ",\n".join(json.dumps(r, ensure_ascii=False, allow_nan=False) for r in rows)
    Path(path).write_text(f'{head}, "rows": [\n{body}\n]}}\n', encoding="utf-8")


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
