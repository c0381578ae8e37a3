"""Rule ard_tte: Kaplan-Meier ARD."""
import pandas as pd

from cartrial.ard import write_ard
from cartrial.io import job_log
from cartrial.summaries.efficacy import arm_levels
from cartrial.summaries.tte import summarize_time_to_event

with job_log(snakemake.log[0], "ard_tte"):  # noqa: F821
    inp, par = snakemake.input, snakemake.params  # noqa: F821
    adsl, adtte = pd.read_parquet(inp.adsl), pd.read_parquet(inp.adtte, filters=[("PARCAT1", "==", "EFFICACY")])
    # the efficacy set (the catalogue's population of Table 14.2.6 and Figure 14.2.5)
    adtte = adtte[adtte["USUBJID"].isin(adsl.loc[adsl["EFFFL"] == "Y", "USUBJID"])]
    levels = arm_levels(adsl, arm_order=list(par.arm_order), population="EFFFL")
    ard = summarize_time_to_event(adtte, levels=levels, conf_type=par.km["conf_type"],
                                  landmark_months=list(par.km["landmark_months"]))
    write_ard(ard, snakemake.output.tte)  # noqa: F821
