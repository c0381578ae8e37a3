"""Rule export_xpt: the ADaM datasets of one analysis as XPT v5 (largest first, in the rule's threads)."""
import os
from pathlib import Path

from cartrial.adam.xpt import write_xpt_files
from cartrial.io import job_log
from cartrial.report.render import report_timestamp

with job_log(snakemake.log[0], "export_xpt") as log:  # noqa: F821
    stamp = report_timestamp(os.environ.get("SOURCE_DATE_EPOCH"), cut=snakemake.params.cut)  # noqa: F821
    pairs = list(zip(snakemake.input.parquet, snakemake.output.xpt))  # noqa: F821
    write_xpt_files(pairs, timestamp=stamp, workers=snakemake.threads)  # noqa: F821
    log.info("%d XPT files written in %d process(es)", len(pairs), snakemake.threads)  # noqa: F821
