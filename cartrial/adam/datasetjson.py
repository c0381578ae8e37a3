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

from cartrial.adam.xpt import DATASET_LABELS, LABELS, distinct_texts, text_codes, text_variables, utf8_length
from cartrial.distinct import PAIR_RECORDS, distinct_codes, paired_codes

VERSION = "1.1.0"
#: key variables of each dataset, in order (Dataset-JSON keySequence)
KEYS = {"ADSL": ["USUBJID"], "ADAE": ["USUBJID", "AESEQ"], "ADCM": ["USUBJID", "CMSEQ"],
        "ADTTE": ["USUBJID", "PARAMCD"], "ADPP": ["USUBJID", "PARCAT1", "PARAMCD"],
        "ADPC": ["USUBJID", "PARAMCD", "AFRLT"], "ADLB": ["USUBJID", "PARAMCD", "ADT", "SRCSEQ"],
        "ADVS": ["USUBJID", "PARAMCD", "ADT", "SRCSEQ"], "ADCP": ["USUBJID", "PARAMCD", "ADT", "SRCSEQ"]}


CHUNK_ROWS = 100_000  # rows joined at a time (bounded memory)


def _finite(col: pd.Series) -> pd.Series:
    arr = col.to_numpy(dtype="float64", na_value=np.nan)
    return pd.Series(np.where(np.isfinite(arr), arr, np.nan))


def _coded(codes: np.ndarray, texts: list[str]) -> tuple[np.ndarray, list[str]]:
    """Codes in the smallest integer type that holds them (a column of 20 million records coded in one byte
    each where it has fewer than 128 distinct values)."""
    return codes.astype(np.min_scalar_type(-len(texts))), texts


def _encoded(values: pd.Series, encode) -> tuple[np.ndarray, list[str]]:
    """Each record's code and the JSON text of each code: ``encode`` applied once per distinct non-missing
    value, ``null`` (the last text) for a missing one. A column of a million records holds a few thousand
    distinct values."""
    codes, uniques = distinct_codes(values)
    return _coded(np.where(codes < 0, len(uniques), codes), [encode(v) for v in uniques] + ["null"])


def column_meta(name: str, col: pd.Series, dataset: str, texts: list[str] | None = None) -> dict:
    """A variable's metadata, from its whole column: OID, name, label, data type (a date-time column is
    ``datetime`` when any value has a time of day, else ``date``) and, for text, its length (``texts``: its
    distinct texts, when the caller has them)."""
    meta = {"itemOID": f"IT.{dataset}.{name}", "name": name, "label": LABELS.get(name, name)}
    if pd.api.types.is_datetime64_any_dtype(col):
        has_time = bool(((col.dropna() - col.dropna().dt.normalize()) != pd.Timedelta(0)).any())
        meta["dataType"] = "datetime" if has_time else "date"
    elif pd.api.types.is_bool_dtype(col):
        meta["dataType"] = "boolean"
    elif pd.api.types.is_integer_dtype(col):
        meta["dataType"] = "integer"
    elif pd.api.types.is_numeric_dtype(col):
        meta["dataType"] = "double"
    else:
        meta["dataType"] = "string"
        meta["length"] = utf8_length(distinct_texts(col) if texts is None else texts)
    return meta


def _values(col: pd.Series, meta: dict, text: tuple[np.ndarray, list[str]] | None = None
            ) -> tuple[np.ndarray, list[str]]:
    """Each record's code and the JSON text of each code (as :func:`json.dumps` writes the value), for a
    variable of metadata ``meta`` (:func:`column_meta`; ``col`` may be part of the column; ``text``: a text
    variable's :func:`text_codes`, when the caller has them)."""
    kind = meta["dataType"]
    if kind in ("date", "datetime"):
        fmt = "%Y-%m-%dT%H:%M:%S" if kind == "datetime" else "%Y-%m-%d"
        return _encoded(col, lambda v: f'"{v.strftime(fmt)}"')
    if kind == "boolean":
        return _encoded(col.astype(object), lambda v: "true" if v else "false")
    if kind == "integer":
        return _encoded(col, lambda v: str(int(v)))
    if kind == "double":
        return _encoded(_finite(col), lambda v: json.dumps(float(v)))
    codes, texts = text_codes(col) if text is None else text  # missing: the last text
    return _coded(codes, [json.dumps(t, ensure_ascii=False) for t in texts[:-1]] + ["null"])


def _paired(columns: list[tuple[np.ndarray, list[str]]]) -> list[tuple[np.ndarray, list[str]]]:
    """Adjacent variables whose records hold few distinct pairs of values taken as one: each pair's text is
    the two texts joined by ``, `` as in the row, and each record's code that of its pair. A subject's
    identifier, arm and dates, or a parameter's code, name and category, then cost Arrow one text per record
    instead of one per variable."""
    paired = []
    most = len(columns[0][0]) // PAIR_RECORDS if columns else 0
    for codes, texts in columns:
        found = paired_codes(paired[-1][0], len(paired[-1][1]), codes, len(texts), most) if paired else None
        if found is None:
            paired.append((codes, texts))
            continue
        pair, firsts, seconds = found
        first_texts = paired[-1][1]
        paired[-1] = _coded(pair, [f"{first_texts[i]}, {texts[j]}" for i, j in zip(firsts, seconds)])
    return paired


def _rows(columns: list[tuple[np.ndarray, list[str]]]):
    """The UTF-8 bytes of the rows, :data:`CHUNK_ROWS` at a time, each row ``[v1, v2, ...]`` followed by
    ``,\\n``. Each record's texts are taken by code and joined by Arrow, not by Python per record; adjacent
    variables with few distinct pairs of values are taken as one (:func:`_paired`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = _paired(columns)
    last = len(columns) - 1
    texts = [pa.array([("[" if i == 0 else "") + t + ("],\n" if i == last else "") for t in words],
                      type=pa.large_string()) for i, (_, words) in enumerate(columns)]
    records = len(columns[0][0]) if columns else 0
    for first in range(0, records, CHUNK_ROWS):
        taken = [pc.take(t, pa.array(codes[first:first + CHUNK_ROWS])) for t, (codes, _) in zip(texts, columns)]
        rows = pc.binary_join_element_wise(*taken, pa.scalar(", ", pa.large_string()))
        offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64, count=len(rows) + 1, offset=8 * rows.offset)
        yield memoryview(rows.buffers()[2])[offsets[0]:offsets[-1]]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cartrial")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def _document(frame: pd.DataFrame, *, name: str, study: str, created: dt.datetime) -> tuple[dict, list]:
    """The Dataset-JSON v1.1 document of one dataset without its rows, and each column's codes and texts."""
    metas, text = _metas(frame, name)
    return _header(metas, name=name, study=study, created=created, records=len(frame)), [
        _values(frame[col], meta, text.get(col)) for col, meta in zip(frame.columns, metas)]


def _metas(frame: pd.DataFrame, name: str) -> tuple[list[dict], dict[str, tuple[np.ndarray, list[str]]]]:
    """Each variable's metadata, and the :func:`text_codes` of the text variables (found once for both)."""
    text = text_variables(frame)
    return [column_meta(str(c), frame[c], name.upper(), text[c][1][:-1] if c in text else None)
            for c in frame.columns], text


def _header(metas: list[dict], *, name: str, study: str, created: dt.datetime, records: int) -> dict:
    """The Dataset-JSON v1.1 document of one dataset without its rows, from its variables' metadata."""
    dataset = name.upper()
    keys = KEYS.get(dataset, [])
    columns = [{**meta, "keySequence": keys.index(meta["name"]) + 1} if meta["name"] in keys else meta
               for meta in metas]
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
        "records": records,
        "name": dataset,
        "label": DATASET_LABELS.get(dataset, dataset),
        "columns": columns,
    }


class DatasetJsonWriter:
    """A Dataset-JSON file written a piece of the dataset at a time (UTF-8, one row per line, the bytes of
    :func:`write_dataset_json` for the whole dataset): the document from the variables' metadata
    (:func:`column_meta`, each from its whole column) and the record count, then each piece's rows
    (:meth:`write`), :data:`CHUNK_ROWS` at a time."""

    def __init__(self, path: str | Path, metas: list[dict], *, study: str, created: dt.datetime, records: int):
        self.metas = metas
        doc = _header(metas, name=Path(path).stem, study=study, created=created, records=records)
        self.handle = open(path, "wb")
        self.handle.write((json.dumps(doc, ensure_ascii=False)[:-1] + ', "rows": [\n').encode("utf-8"))
        self.tail = b""  # the separator after a row is written once the next row follows it

    def write(self, piece: pd.DataFrame, text: dict | None = None) -> None:
        """Write the rows of ``piece`` (``text``: the :func:`text_codes` of its text variables, those the caller
        has)."""
        text = text or {}
        for chunk in _rows([_values(piece[meta["name"]], meta, text.get(meta["name"])) for meta in self.metas]):
            self.handle.write(self.tail)
            self.handle.write(chunk[:-2])
            self.tail = bytes(chunk[-2:])

    def close(self) -> None:
        self.handle.write(b"\n]}\n")
        self.handle.close()


def write_dataset_json(frame: pd.DataFrame, path: str | Path, *, study: str, created: dt.datetime) -> None:
    """Write one dataset as Dataset-JSON (UTF-8, one row per line, deterministic bytes: each row as
    ``json.dumps`` writes a list), :data:`CHUNK_ROWS` rows at a time."""
    metas, text = _metas(frame, Path(path).stem)
    writer = DatasetJsonWriter(path, metas, study=study, created=created, records=len(frame))
    writer.write(frame, text)
    writer.close()


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
