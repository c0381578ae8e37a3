"""Rule figures_tte: Kaplan-Meier curves and the swimmer plot."""
from pathlib import Path

import pandas as pd

from cartrial.figures import tte as F
from cartrial.io import job_log
from cartrial.summaries.efficacy import arm_levels

with job_log(snakemake.log[0], "figures_tte"):  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    folder = Path(out.figures[0]).parent
    adsl, adrs, adtte = (pd.read_parquet(p) for p in (inp.adsl, inp.adrs, inp.adtte))
    labels = {s["paramcd"]: s.get("param", s["paramcd"]) for s in par.specs}
    levels = arm_levels(adsl, arm_order=list(par.arm_order))
    F.plot_km_panels(adtte, levels=levels, params=list(par.figure_endpoints["km_curves"]), labels=labels,
                     stem=folder / F.TTE_FIGURES[0])
    flare = adtte[(adtte["PARAMCD"] == "TTFLARE") & (adtte["CNSR"] == 0)].set_index("USUBJID")["ADT"]
    F.plot_swimmer(adsl, adrs, adsl.set_index("USUBJID")["RESCDT"].dropna(), flare, stem=folder / F.TTE_FIGURES[1],
                   max_subjects=snakemake.params.max_subjects)  # noqa: F821
