"""Rule export_json: the ADaM datasets of one analysis as Dataset-JSON v1.1."""
import os

import pandas as pd

from cartrial.adam.datasetjson import write_dataset_json
from cartrial.io import job_log
from cartrial.dates import report_timestamp

with job_log(snakemake.log[0], "export_json") as log:  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    stamp = report_timestamp(os.environ.get("SOURCE_DATE_EPOCH"), cut=par.cut)
    for source, target in zip(inp.parquet, out.json):
        write_dataset_json(pd.read_parquet(source), target, study=par.study, created=stamp)
    log.info("%d Dataset-JSON files written", len(out.json))
