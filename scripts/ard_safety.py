"""Rule ard_safety: every safety ARD and the interim monitoring ARD."""
import pandas as pd

from cartrial.adam.adlb import derive_worst_grades
from cartrial.ard import read_ard, write_ard
from cartrial.io import job_log
from cartrial.summaries import findings as F
from cartrial.summaries import labs as L
from cartrial.summaries import medications as M
from cartrial.summaries import safety as S
from cartrial.summaries.efficacy import arm_levels

with job_log(snakemake.log[0], "ard_safety"):  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    adsl, adae, adlb, icaht, adcm = (pd.read_parquet(p) for p in (inp.adsl, inp.adae, inp.adlb, inp.icaht, inp.adcm))
    levels = arm_levels(adsl, arm_order=list(par.arm_order))
    mon, eff = par.safety["monitoring"], par.safety["efficacy_monitoring"]
    write_ard(S.summarize_safety_overview(adae, adsl, levels=levels), out.safety_overview)
    write_ard(S.summarize_ae_by_soc_pt(adae, adsl, levels=levels), out.ae_by_soc_pt)
    write_ard(S.summarize_ae_by_soc_pt(adae, adsl, levels=levels, flag="LDEMFL", analysis="ae_lymphodepletion"),
              out.ae_lymphodepletion)
    write_ard(S.summarize_ae_by_pt_grade(adae, adsl, levels=levels), out.ae_by_pt_grade)
    write_ard(S.summarize_ae_by_soc_pt(adae, adsl, levels=levels, also=("RELFL",), analysis="ae_related_by_soc_pt"),
              out.ae_related_by_soc_pt)
    write_ard(S.summarize_ae_by_pt_grade(adae, adsl, levels=levels, also=("RELFL",),
                                         analysis="ae_related_by_pt_grade"), out.ae_related_by_pt_grade)
    write_ard(S.summarize_aesi(adae, adsl, levels=levels), out.aesi)
    write_ard(S.summarize_syndromes(adae, adsl, adcm, levels=levels), out.syndromes)
    write_ard(S.summarize_gvhd(adae, adsl, adcm, levels=levels), out.gvhd)
    advs, adqs = pd.read_parquet(inp.advs), pd.read_parquet(inp.adqs, filters=[("PARAMCD", "==", "PREDEQ")])
    vs_params = [p for p in par.safety["vital_signs_by_visit"] if p in set(advs["PARAMCD"])]
    write_ard(F.summarize_by_visit(advs, adsl, levels=levels, analysis="vs_by_visit", params=vs_params),
              out.vs_by_visit)
    write_ard(F.summarize_outside_limits(advs, adsl, levels=levels, analysis="vs_outside", params=vs_params),
              out.vs_outside)
    limits = par.safety["vital_sign_limits"]
    fever, hypotension = (limits.get("TEMP") or [None, None])[1], (limits.get("SYSBP") or [None, None])[0]
    write_ard(F.summarize_early_vitals(advs, adsl, levels=levels, fever=38.0 if fever is None else fever,
                                       hypotension=90.0 if hypotension is None else hypotension), out.vs_early)
    write_ard(F.summarize_by_visit(adlb, adsl, levels=levels, analysis="lab_by_visit",
                                   params=list(par.safety["labs_by_visit"])), out.lab_by_visit)
    predeq = adqs[(adqs["ANL01FL"] == "Y") | (adqs["ABLFL"] == "Y")]
    write_ard(F.summarize_by_visit(predeq, adsl, levels=levels, analysis="steroid_taper", params=["PREDEQ"],
                                   thresholds={"PREDEQ": {"le5": 5.0, "off": 0.0}}), out.steroid_taper)
    write_ard(M.summarize_cm_by_class(adcm, adsl, levels=levels), out.cm_by_class)
    write_ard(M.summarize_cm_special(adcm, adsl, levels=levels, groups=par.safety["cm_groups"]), out.cm_special)
    write_ard(pd.concat([L.summarize_lab_shift(derive_worst_grades(adlb), levels=levels),
                         L.summarize_igg_shift(adlb, levels=levels)], ignore_index=True), out.lab_shift)
    write_ard(L.summarize_icaht(icaht, adsl, levels=levels), out.icaht)
    tox = L.summarize_toxicity_monitoring(
        adae, adsl, syndromes=list(mon["syndromes"]), min_grade=mon["min_grade"],
        prior=tuple(mon["prior"]), threshold=mon["threshold"], cutoff=mon["cutoff"],
        planned_n=par.safety["planned_n"])
    pp = L.summarize_predictive_probability(
        read_ard(inp.rates), paramcd=par.primary["paramcd"], visit=par.primary["visits"][0],
        prior=tuple(eff["prior"]), p0=eff["p0"], cutoff=eff["cutoff"], planned_n=par.safety["planned_n"])
    write_ard(pd.concat([tox, pp], ignore_index=True), out.monitoring)
