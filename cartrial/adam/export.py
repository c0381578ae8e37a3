"""The submission files of an analysis's ADaM datasets: each dataset written as XPT v5 and as Dataset-JSON
v1.1, and described for Define-XML, largest dataset first. Each dataset is read with its text
dictionary-encoded (each distinct text held and converted once). In a pool of forked processes the XPT file
(with the description) and the JSON file of a dataset are two tasks, so the largest dataset's two files are
written side by side; in one process a dataset is read once for both."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from cartrial.adam.datasetjson import write_dataset_json
from cartrial.adam.define import describe_dataset
from cartrial.adam.xpt import write_xpt
from cartrial.io import read_parquet_text_encoded, release_frames
from cartrial.parallel import run_forked


def _export(source: str, timestamp: dt.datetime, xpt: str | None = None, json_path: str | None = None,
            study: str = "") -> dict | None:
    """Read one dataset and write its XPT file (returning its description) and/or its Dataset-JSON file."""
    frame = read_parquet_text_encoded(source)
    described = None
    if xpt:
        write_xpt(frame, xpt, table_name=Path(source).stem, timestamp=timestamp)
        described = describe_dataset(frame)
    if json_path:
        write_dataset_json(frame, json_path, study=study, created=timestamp)
    rows = len(frame)
    del frame
    release_frames(rows)  # freed before the process's next dataset
    return described


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
