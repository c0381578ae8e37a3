"""The submission files of an analysis's ADaM datasets: each dataset is read once and written as XPT v5 and
Dataset-JSON v1.1, and described for Define-XML, in a pool of forked processes, largest dataset first."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from cartrial.adam.datasetjson import write_dataset_json
from cartrial.adam.define import describe_dataset
from cartrial.adam.xpt import write_xpt
from cartrial.parallel import run_forked


def _export_one(source: str, xpt: str, json_path: str, study: str, timestamp: dt.datetime) -> dict:
    frame = pd.read_parquet(source)
    write_xpt(frame, xpt, table_name=Path(source).stem, timestamp=timestamp)
    write_dataset_json(frame, json_path, study=study, created=timestamp)
    return describe_dataset(frame)


def export_datasets(jobs: list[tuple[str, str, str]], *, study: str, timestamp: dt.datetime,
                    workers: int = 1) -> dict[str, dict]:
    """Write each (Parquet source, XPT target, Dataset-JSON target) and return the Define-XML
    description of each dataset (by name, in the order of ``jobs``). With ``workers`` > 1 the datasets are
    spread over that many forked processes (cartrial.parallel), largest first."""
    order = sorted(jobs, key=lambda job: -Path(job[0]).stat().st_size)
    described = dict(zip((job[0] for job in order),
                         run_forked([(_export_one, (*job, study, timestamp)) for job in order], workers)))
    return {Path(source).stem: described[source] for source, _, _ in jobs}
