"""Rule figures_efficacy: Figures 14.2.1-14.2.4."""
from pathlib import Path

import pandas as pd

from cartrial.ard import read_ard
from cartrial.figures import efficacy as F
from cartrial.io import job_log
from cartrial.summaries.efficacy import arm_levels

with job_log(snakemake.log[0], "figures_efficacy"):  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    folder = Path(out.figures[0]).parent
    adsl, adqs = pd.read_parquet(inp.adsl), pd.read_parquet(inp.adqs)
    levels = arm_levels(adsl, arm_order=list(par.arm_order), population="EFFFL")
    primary = par.primary["paramcd"]
    chosen = par.figure_endpoints
    params = list(dict.fromkeys([primary, *chosen["response_over_time"]]))
    F.plot_response_over_time(read_ard(inp.rates), params=params, stem=folder / F.EFFICACY_FIGURES[0])
    F.plot_trajectories(adqs, adsl, levels=levels, param="SLEDAI", stem=folder / F.EFFICACY_FIGURES[1],
                        max_subjects=par.max_subjects)
    F.plot_waterfall(adqs, adsl, levels=levels, param="SLEDAI", visit=par.primary["visits"][0],
                     stem=folder / F.EFFICACY_FIGURES[2], max_subjects=par.max_subjects)
    F.plot_median_iqr(adqs, adsl, levels=levels, params=list(chosen["median_iqr"]),
                      stem=folder / F.EFFICACY_FIGURES[3])
