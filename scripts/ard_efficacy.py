"""Rule ard_efficacy: response rates, differences and change from baseline as ARDs."""
import pandas as pd

from cartrial.ard import write_ard
from cartrial.io import job_log
from cartrial.summaries.findings import summarize_serology
from cartrial.summaries.efficacy import (arm_levels, summarize_change_from_baseline, summarize_response_differences,
                                         summarize_response_rates)

with job_log(snakemake.log[0], "ard_efficacy"):  # noqa: F821
    inp, out = snakemake.input, snakemake.output  # noqa: F821
    adsl, adqs, adrs = (pd.read_parquet(p) for p in (inp.adsl, inp.adqs, inp.adrs))
    levels = arm_levels(adsl, arm_order=list(snakemake.params.arm_order))  # noqa: F821
    write_ard(summarize_response_rates(adrs, levels=levels), out.rates)
    write_ard(summarize_response_rates(adrs, levels=levels, observed_only=True), out.rates_oc)
    write_ard(summarize_response_differences(adrs, levels=levels), out.differences)
    write_ard(summarize_change_from_baseline(adqs, adsl, levels=levels), out.change)
    visits = [f"MONTH {m}" for m in snakemake.params.months] + ["EARLY TERMINATION"]  # noqa: F821
    write_ard(summarize_serology(pd.read_parquet(inp.adlb), adsl, levels=levels, visits=visits), out.serology)
