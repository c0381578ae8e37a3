"""Rule ard_baseline: disposition and baseline characteristics ARDs."""
import pandas as pd

from cartrial.summaries.baseline import summarize_baseline, summarize_disposition, summarize_populations
from cartrial.ard import write_ard
from cartrial.io import job_log

with job_log(snakemake.log[0], "ard_baseline"):  # noqa: F821
    adsl = pd.read_parquet(snakemake.input.adsl)  # noqa: F821
    order = list(snakemake.params.arm_order)  # noqa: F821
    write_ard(summarize_disposition(adsl, arm_order=order), snakemake.output.disposition)  # noqa: F821
    write_ard(summarize_baseline(adsl, arm_order=order), snakemake.output.demographics)  # noqa: F821
    write_ard(summarize_populations(adsl, arm_order=order), snakemake.output.populations)  # noqa: F821
