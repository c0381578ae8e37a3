"""Rule export_xpt: the ADaM datasets of one analysis as XPT v5 (largest first, in the rule's threads) and
their define.xml."""
import os
from pathlib import Path

import pandas as pd

from cartrial.adam.define import describe_dataset, write_define
from cartrial.adam.methods import derivation_methods
from cartrial.adam.xpt import write_xpt_files
from cartrial.io import job_log
from cartrial.dates import report_timestamp

with job_log(snakemake.log[0], "export_xpt") as log:  # noqa: F821
    stamp = report_timestamp(os.environ.get("SOURCE_DATE_EPOCH"), cut=snakemake.params.cut)  # noqa: F821
    pairs = list(zip(snakemake.input.parquet, snakemake.output.xpt))  # noqa: F821
    write_xpt_files(pairs, timestamp=stamp, workers=snakemake.threads)  # noqa: F821
    described = {Path(p).stem: describe_dataset(pd.read_parquet(p)) for p in snakemake.input.parquet}  # noqa: F821
    write_define(described, snakemake.output.define, study=snakemake.params.study,  # noqa: F821
                 description=snakemake.params.title, created=stamp,  # noqa: F821
                 methods=derivation_methods(dict(snakemake.params.kinetics)))  # noqa: F821
    log.info("%d XPT files written in %d process(es); define.xml", len(pairs), snakemake.threads)  # noqa: F821
