"""Rule ard_kinetics: kinetics, cytokine and B-cell ARDs."""
import pandas as pd

from cartrial.ard import write_ard
from cartrial.io import job_log
from cartrial.summaries import kinetics as K
from cartrial.adam.adcp import PARAM_ORDER
from cartrial.summaries.efficacy import arm_levels
from cartrial.summaries.findings import summarize_by_visit

with job_log(snakemake.log[0], "ard_kinetics"):  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    adsl, adpp, adae = (pd.read_parquet(p) for p in (inp.adsl, inp.adpp, inp.adae))
    adlb = pd.read_parquet(inp.adlb)
    levels = arm_levels(adsl, arm_order=list(par.arm_order))
    below = par.kinetics["bcell_aplasia_below"]
    write_ard(K.summarize_kinetics(adpp, levels=levels), out.kinetics)
    write_ard(K.summarize_cytokines(K.derive_cytokine_peaks(adlb, adsl, adae)), out.cytokines)
    write_ard(K.summarize_bcells(pd.read_parquet(inp.adtte, filters=[("PARCAT1", "==", "B-CELL")]), adlb, adsl,
                                 levels=levels, below=below, conf_type=par.km["conf_type"],
                                 landmark_months=list(par.km["landmark_months"])), out.bcells)
    adcp = pd.read_parquet(inp.adcp)
    params = [p for p in PARAM_ORDER if p in set(adcp["PARAMCD"])] + sorted(set(adcp["PARAMCD"]) - set(PARAM_ORDER))
    write_ard(summarize_by_visit(adcp, adsl, levels=levels, analysis="phenotype", params=params), out.phenotype)
