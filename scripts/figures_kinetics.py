"""Rule figures_kinetics: Figures 14.4.1-14.4.4."""
from pathlib import Path

import pandas as pd

from cartrial.figures import kinetics as F
from cartrial.io import job_log
from cartrial.summaries.efficacy import arm_levels

with job_log(snakemake.log[0], "figures_kinetics"):  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    folder = Path(out.figures[0]).parent
    adsl, adpc, adpp, adae = (pd.read_parquet(p) for p in (inp.adsl, inp.adpc, inp.adpp, inp.adae))
    adlb = pd.read_parquet(inp.adlb, filters=[("PARAMCD", "in", list(F.CYTOKINE_MARKERS))])
    levels = arm_levels(adsl, arm_order=list(par.arm_order))
    F.plot_profiles(adpc, levels=levels, stem=folder / F.KINETICS_FIGURES[0], max_subjects=par.max_subjects)
    F.plot_geomean(adpc, levels=levels, stem=folder / F.KINETICS_FIGURES[1])
    F.plot_cmax_by_crs(adpp, adae, stem=folder / F.KINETICS_FIGURES[2])
    F.plot_cytokines(adlb, adsl, adae, stem=folder / F.KINETICS_FIGURES[3])
