"""The submission files of an analysis's ADaM datasets: each dataset written as XPT v5 and as Dataset-JSON
v1.1, and described for Define-XML, largest dataset first. Each dataset is read with its text
dictionary-encoded (each distinct text held and converted once). In a pool of forked processes the XPT file
(with the description) and the JSON file of a dataset are two tasks, so the largest dataset's two files are
written side by side; in one process a dataset is read once for both."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa

from cartrial.adam.datasetjson import DatasetJsonWriter, column_meta
from cartrial.adam.define import describe_variable, description as describe
from cartrial.adam.xpt import XptLayout, XptWriter, stored_as_text, text_codes
from cartrial.io import read_parquet_text_encoded, release_frames
from cartrial.parallel import run_forked


#: a dataset of at most this many records is read whole; a longer one a column, then a row group, at a time
WHOLE_ROWS = 4_000_000


def _export(source: str, timestamp: dt.datetime, xpt: str | None = None, json_path: str | None = None,
            study: str = "") -> dict | None:
    """Write one dataset's XPT file (returning its Define-XML description) and/or its Dataset-JSON file.

    Text is read dictionary-encoded (each distinct text converted once). A dataset longer than
    :data:`WHOLE_ROWS` is never held whole: what the files' headers and define.xml need of it (each text
    variable's distinct texts and longest value, each number's type, whether dates carry a time, each
    parameter's name and type) is read one column at a time, and the records one row group at a time, each row
    group's columns in the types of the whole columns (a row group without a missing value would read a
    whole-number column with missing values as integers)."""
    import pyarrow.parquet as pq

    file = pq.ParquetFile(source)
    schema = file.schema_arrow
    text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    rows, name = file.metadata.num_rows, Path(source).stem

    held = read_parquet_text_encoded(source) if rows <= WHOLE_ROWS else None

    def whole(columns: list[str]) -> pd.DataFrame:
        if held is not None:
            return held[columns]
        return pq.read_table(source, columns=columns, read_dictionary=[c for c in columns if c in text]).to_pandas()

    layout, metas, variables, types, coded = XptLayout(rows), [], [], {}, {}
    for var in schema.names:
        col = held[var] if held is not None else whole([var])[var]  # a column of the dataset held: no copy
        types[var] = col.dtype
        codes = text_codes(col) if stored_as_text(col) else None  # once for the headers, define.xml, records
        if xpt:
            layout.add(var, col, codes)
            variables.append(describe_variable(var, col, codes[1][:-1] if codes else None))
        if json_path:
            metas.append(column_meta(var, col, name.upper(), codes[1][:-1] if codes else None))
        if held is not None and codes is not None:
            coded[var] = codes
        del col, codes
    bds = [v for v in ("PARAMCD", "PARAM", "AVAL") if v in schema.names]
    description = (describe(variables, whole(bds) if {"PARAMCD", "AVAL"} <= set(bds) else None) if xpt
                   else None)
    writers = ([XptWriter(xpt, layout, table_name=name, timestamp=timestamp)] if xpt else []) + (
        [DatasetJsonWriter(json_path, metas, study=study, created=timestamp, records=rows)] if json_path else [])
    grouped = pq.ParquetFile(source, read_dictionary=text)
    for group in range(grouped.num_row_groups if held is None else 0):
        piece = grouped.read_row_group(group).to_pandas()
        for var, dtype in types.items():
            if not isinstance(dtype, pd.CategoricalDtype) and piece[var].dtype != dtype:
                piece[var] = piece[var].astype(dtype)
        for writer in writers:
            writer.write(piece)
        del piece
    for writer in writers:
        if held is not None:
            writer.write(held, coded)
        writer.close()
    held = coded = None
    release_frames(rows)  # freed before the process's next dataset
    return description


def export_datasets(jobs: list[tuple[str, str, str]], *, study: str, timestamp: dt.datetime,
                    workers: int = 1) -> dict[str, dict]:
    """Write each (Parquet source, XPT target, Dataset-JSON target) and return the Define-XML
    description of each dataset (by name, in the order of ``jobs``). With ``workers`` > 1 the files are
    spread over that many forked processes (cartrial.parallel), largest dataset first, a dataset's two files
    as two tasks; in one process each dataset is read once for both."""
    order = sorted(jobs, key=lambda job: -Path(job[0]).stat().st_size)
    if workers > 1:
        calls = [call for source, xpt, json_path in order
                 for call in ((_export, (source, timestamp, xpt)),
                              (_export, (source, timestamp, None, json_path, study)))]
    else:
        calls = [(_export, (source, timestamp, xpt, json_path, study)) for source, xpt, json_path in order]
    done = run_forked(calls, workers)
    described = {args[0]: found for (_, args), found in zip(calls, done) if found is not None}
    return {Path(source).stem: described[source] for source, _, _ in jobs}
