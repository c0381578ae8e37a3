"""Rule export: the ADaM datasets of one analysis as XPT v5 (largest first, in the rule's threads) with their
define.xml, and as Dataset-JSON v1.1."""
import os
from pathlib import Path

import pandas as pd

from cartrial.adam.datasetjson import write_dataset_json
from cartrial.adam.define import describe_dataset, write_define
from cartrial.adam.methods import derivation_methods
from cartrial.adam.xpt import write_xpt_files
from cartrial.dates import report_timestamp
from cartrial.io import job_log

with job_log(snakemake.log[0], "export") as log:  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    stamp = report_timestamp(os.environ.get("SOURCE_DATE_EPOCH"), cut=par.cut)
    pairs = list(zip(inp.parquet, out.xpt))
    write_xpt_files(pairs, timestamp=stamp, workers=snakemake.threads)  # noqa: F821
    described = {Path(p).stem: describe_dataset(pd.read_parquet(p)) for p in inp.parquet}
    write_define(described, out.define, study=par.study, description=par.title, created=stamp,
                 methods=derivation_methods(dict(par.kinetics)))
    for source, target in zip(inp.parquet, out.json):
        write_dataset_json(pd.read_parquet(source), target, study=par.study, created=stamp)
    log.info("%d XPT files in %d process(es), define.xml, %d Dataset-JSON files", len(pairs),
             snakemake.threads, len(out.json))  # noqa: F821
