"""Rule ards: every analysis results dataset (ARD) of one analysis from its ADaM datasets - populations,
disposition and baseline; efficacy (response rates, differences, change from baseline, serology); time to
event; safety (adverse events, syndromes, GVHD, laboratory tests, vital signs, concomitant treatments,
interim monitoring); kinetics, cytokines, B cells and phenotype. One job, so its start-up is paid once; the
monitoring ARD, last, reads the response rates back from their file. In a large study (the rule's threads) the
efficacy, time-to-event and kinetics ARDs and the safety ARDs are built in two forked processes."""
from cartrial.worker import run_in_worker

run_in_worker(snakemake)  # noqa: F821  (a local run's jobs run in its warm job server: cartrial/worker.py)

import pandas as pd

from cartrial.adam.adcp import PARAM_ORDER
from cartrial.adam.adlb import CTCAE_HIGH, CTCAE_LOW, CYTOKINES, derive_worst_grades
from cartrial.ard import read_ard, write_ard
from cartrial.io import job_log, read_frame, read_records
from cartrial.parallel import run_forked
from cartrial.summaries import findings as F
from cartrial.summaries import kinetics as K
from cartrial.summaries import labs as L
from cartrial.summaries import medications as M
from cartrial.summaries import safety as S
from cartrial.summaries.baseline import summarize_baseline, summarize_disposition, summarize_populations
from cartrial.summaries.efficacy import (arm_levels, summarize_change_from_baseline, summarize_response_differences,
                                         summarize_response_rates)
from cartrial.summaries.tte import summarize_time_to_event

#: the variables of the findings, questionnaire and response datasets that the ARDs use: each is read with
#: these alone (and ADLB with the parameters a process summarises), because a 100,000-subject ADLB holds
#: 20 million records of 34 variables. ARM and ONTRTFL are tested for (cartrial/summaries/findings.py).
BDS_VARIABLES = ("USUBJID", "ARM", "PARAMCD", "AVISIT", "AVISITN", "ADT", "ADY", "AVAL", "AVALC", "CHG", "ABLFL",
                 "ONTRTFL", "ANL01FL", "DTYPE", "BNRIND", "ANRLO", "ANRHI", "ATOXGRN")


def efficacy_ards(inp, out, par, adsl, levels) -> None:
    """Populations, disposition and baseline; efficacy; time to event; steroid taper; kinetics, cytokines,
    B cells and phenotype."""
    order = list(par.arm_order)
    write_ard(summarize_disposition(adsl, arm_order=order), out.disposition)
    write_ard(summarize_baseline(adsl, arm_order=order), out.demographics)
    write_ard(summarize_populations(adsl, arm_order=order), out.populations)

    adqs, adrs = read_records(inp.adqs, BDS_VARIABLES), read_records(inp.adrs, BDS_VARIABLES)
    adlb = read_records(inp.adlb, BDS_VARIABLES, values=[*F.SEROLOGY, *CYTOKINES, K.BCELL])
    write_ard(summarize_response_rates(adrs, levels=levels), out.response_rates)
    write_ard(summarize_response_rates(adrs, levels=levels, observed_only=True), out.response_rates_oc)
    write_ard(summarize_response_differences(adrs, levels=levels), out.response_differences)
    write_ard(summarize_change_from_baseline(adqs, adsl, levels=levels), out.change_from_baseline)
    visits = [f"MONTH {m}" for m in par.months] + ["EARLY TERMINATION"]
    write_ard(F.summarize_serology(adlb, adsl, levels=levels, visits=visits), out.serology)

    # time to event, on the efficacy set (the catalogue's population of Table 14.2.6 and Figure 14.2.5)
    adtte = read_records(inp.adtte, column="PARCAT1", values=["EFFICACY"])
    adtte = adtte[adtte["USUBJID"].isin(adsl.loc[adsl["EFFFL"] == "Y", "USUBJID"])]
    write_ard(summarize_time_to_event(adtte, levels=arm_levels(adsl, arm_order=order, population="EFFFL"),
                                      conf_type=par.km["conf_type"], landmark_months=list(par.km["landmark_months"])),
              out.time_to_event)

    predeq = adqs[adqs["PARAMCD"] == "PREDEQ"].reset_index(drop=True)
    predeq = predeq[(predeq["ANL01FL"] == "Y") | (predeq["ABLFL"] == "Y")]
    write_ard(F.summarize_by_visit(predeq, adsl, levels=levels, analysis="steroid_taper", params=["PREDEQ"],
                                   thresholds={"PREDEQ": {"le5": 5.0, "off": 0.0}}), out.steroid_taper)
    del adqs, adrs

    # cellular kinetics, cytokines, B cells, phenotype
    k = par.kinetics
    write_ard(K.summarize_kinetics(read_frame(inp.adpp), levels=levels), out.kinetics)
    write_ard(K.summarize_cytokines(K.derive_cytokine_peaks(adlb, adsl, read_frame(inp.adae))), out.cytokines)
    write_ard(K.summarize_bcells(read_records(inp.adtte, column="PARCAT1", values=["B-CELL"]), adlb, adsl,
                                 levels=levels, below=k["bcell_aplasia_below"], conf_type=par.km["conf_type"],
                                 landmark_months=list(par.km["landmark_months"])), out.bcells)
    adcp = read_records(inp.adcp, BDS_VARIABLES)
    params = [p for p in PARAM_ORDER if p in set(adcp["PARAMCD"])] + sorted(set(adcp["PARAMCD"]) - set(PARAM_ORDER))
    write_ard(F.summarize_by_visit(adcp, adsl, levels=levels, analysis="phenotype", params=params), out.phenotype)


def safety_ards(inp, out, par, adsl, levels) -> None:
    """Adverse events, syndromes, GVHD, laboratory tests, vital signs, concomitant treatments."""
    adae, icaht, adcm = read_frame(inp.adae), read_frame(inp.icaht), read_frame(inp.adcm)
    safety = par.safety
    adlb = read_records(inp.adlb, BDS_VARIABLES,
                        values=[*CTCAE_LOW, *CTCAE_HIGH, L.IGG, *safety["labs_by_visit"]])
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
    write_ard(pd.concat([L.summarize_lab_shift(derive_worst_grades(adlb), levels=levels),
                         L.summarize_igg_shift(adlb, levels=levels)], ignore_index=True), out.lab_shift)
    write_ard(L.summarize_icaht(icaht, adsl, levels=levels), out.icaht)
    advs = read_records(inp.advs, BDS_VARIABLES)
    vs_params = [p for p in safety["vital_signs_by_visit"] if p in set(advs["PARAMCD"])]
    write_ard(F.summarize_by_visit(advs, adsl, levels=levels, analysis="vs_by_visit", params=vs_params),
              out.vs_by_visit)
    write_ard(F.summarize_outside_limits(advs, adsl, levels=levels, analysis="vs_outside", params=vs_params),
              out.vs_outside)
    limits = safety["vital_sign_limits"]
    fever, hypotension = (limits.get("TEMP") or [None, None])[1], (limits.get("SYSBP") or [None, None])[0]
    write_ard(F.summarize_early_vitals(advs, adsl, levels=levels, fever=38.0 if fever is None else fever,
                                       hypotension=90.0 if hypotension is None else hypotension), out.vs_early)
    write_ard(F.summarize_by_visit(adlb, adsl, levels=levels, analysis="lab_by_visit",
                                   params=list(safety["labs_by_visit"])), out.lab_by_visit)
    write_ard(M.summarize_cm_by_class(adcm, adsl, levels=levels), out.cm_by_class)
    write_ard(M.summarize_cm_special(adcm, adsl, levels=levels, groups=safety["cm_groups"]), out.cm_special)


with job_log(snakemake.log[0], "ards"):  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    adsl = read_frame(inp.adsl)
    levels = arm_levels(adsl, arm_order=list(par.arm_order))
    run_forked([(efficacy_ards, (inp, out, par, adsl, levels)), (safety_ards, (inp, out, par, adsl, levels))],
               snakemake.threads)  # noqa: F821

    # interim monitoring: toxicity stopping rule and the predictive probability of success (response rates)
    safety = par.safety
    mon, eff = safety["monitoring"], safety["efficacy_monitoring"]
    tox = L.summarize_toxicity_monitoring(
        read_frame(inp.adae), adsl, syndromes=list(mon["syndromes"]), min_grade=mon["min_grade"],
        prior=tuple(mon["prior"]), threshold=mon["threshold"], cutoff=mon["cutoff"], planned_n=safety["planned_n"])
    pp = L.summarize_predictive_probability(
        read_ard(out.response_rates), paramcd=par.primary["paramcd"], visit=par.primary["visits"][0],
        prior=tuple(eff["prior"]), p0=eff["p0"], cutoff=eff["cutoff"], planned_n=safety["planned_n"])
    write_ard(pd.concat([tox, pp], ignore_index=True), out.monitoring)
