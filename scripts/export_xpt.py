"""Rule export_xpt: one ADaM dataset as XPT v5."""
import os

import pandas as pd

from cartrial.adam.xpt import write_xpt
from cartrial.io import job_log
from cartrial.report.render import report_timestamp

with job_log(snakemake.log[0], "export_xpt"):  # noqa: F821
    write_xpt(pd.read_parquet(snakemake.input.parquet), snakemake.output.xpt,  # noqa: F821
              table_name=snakemake.wildcards.dataset,  # noqa: F821
              timestamp=report_timestamp(os.environ.get("SOURCE_DATE_EPOCH"), cut=snakemake.params.cut))  # noqa: F821
