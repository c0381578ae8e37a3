"""The submission files of an analysis's ADaM datasets: each dataset written as XPT v5 and as Dataset-JSON
v1.1, and described for Define-XML, in a pool of forked processes. The XPT file (with the description) and
the JSON file of a dataset are two tasks, so the largest dataset's two files are written side by side; each
task reads its dataset, text dictionary-encoded (each distinct text held and converted once), and the
largest datasets go first."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from cartrial.adam.datasetjson import write_dataset_json
from cartrial.adam.define import describe_dataset
from cartrial.adam.xpt import write_xpt
from cartrial.io import read_parquet_text_encoded, release_frames
from cartrial.parallel import run_forked


def _export_xpt(source: str, xpt: str, timestamp: dt.datetime) -> dict:
    frame = read_parquet_text_encoded(source)
    write_xpt(frame, xpt, table_name=Path(source).stem, timestamp=timestamp)
    described, rows = describe_dataset(frame), len(frame)
    del frame
    release_frames(rows)  # freed before the process's next dataset
    return described


def _export_json(source: str, json_path: str, study: str, timestamp: dt.datetime) -> None:
    frame = read_parquet_text_encoded(source)
    write_dataset_json(frame, json_path, study=study, created=timestamp)
    rows = len(frame)
    del frame
    release_frames(rows)


def export_datasets(jobs: list[tuple[str, str, str]], *, study: str, timestamp: dt.datetime,
                    workers: int = 1) -> dict[str, dict]:
    """Write each (Parquet source, XPT target, Dataset-JSON target) and return the Define-XML
    description of each dataset (by name, in the order of ``jobs``). With ``workers`` > 1 the files are
    spread over that many forked processes (cartrial.parallel), largest dataset first."""
    order = sorted(jobs, key=lambda job: -Path(job[0]).stat().st_size)
    calls = [call for source, xpt, json_path in order
             for call in ((_export_xpt, (source, xpt, timestamp)), (_export_json, (source, json_path, study, timestamp)))]
    done = run_forked(calls, workers)
    described = {source: found for (_, (source, *_)), found in zip(calls[::2], done[::2])}
    return {Path(source).stem: described[source] for source, _, _ in jobs}
