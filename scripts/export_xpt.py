"""Rule export_xpt: the ADaM datasets of one analysis as XPT v5."""
import os
from pathlib import Path

import pandas as pd

from cartrial.adam.xpt import write_xpt
from cartrial.io import job_log
from cartrial.report.render import report_timestamp

with job_log(snakemake.log[0], "export_xpt"):  # noqa: F821
    stamp = report_timestamp(os.environ.get("SOURCE_DATE_EPOCH"), cut=snakemake.params.cut)  # noqa: F821
    for source, target in zip(snakemake.input.parquet, snakemake.output.xpt):  # noqa: F821
        write_xpt(pd.read_parquet(source), target, table_name=Path(source).stem, timestamp=stamp)
