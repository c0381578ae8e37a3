"""Rule adam: every ADaM dataset of one analysis from its cut SDTM domains, in dependency order - ADSL; ADQS
and ADRS; ADAE, ADLB, ADCM, ADVS and the cytopenia dataset; ADTTE; ADPC, ADPP and ADCP. One job: ADSL reads
every domain, so no step could be cached apart from it, and the job's start-up is paid once.

Each dataset is written as soon as it is built and later steps read it back from its file, so every step
sees exactly what the next job (and a reader of the package) sees. After ADSL, five groups of datasets do not
read each other: in a large study (the rule's threads) two forked processes share them, each taking the next
group when it is free, the two longest first. ADTTE reads ADRS and ADLB: the group that writes each derives its
parameters from it, and the job puts them together.

A study of more than ``cartrial.slices.SLICE_SUBJECTS`` subjects has its large datasets (ADQS, ADRS, ADLB, the
cytopenia dataset, ADVS, ADPC, ADPP, ADCP) built a slice of subjects at a time, each domain read once and each
dataset's pieces written as the file of the dataset built whole (cartrial.slices), so a process holds a slice,
not the study.
"""
from cartrial.worker import run_in_worker

run_in_worker(snakemake)  # noqa: F821  (a local run's jobs run in its warm job server: cartrial/worker.py)

import json
from pathlib import Path
from typing import NamedTuple, Sequence

import numpy as np
import pandas as pd

from cartrial.adam.adae import build_adae
from cartrial.adam.adcm import build_adcm
from cartrial.adam.adcp import build_adcp
from cartrial.adam.adlb import build_adlb, derive_icaht
from cartrial.adam.adpc import build_adpc, build_adpp
from cartrial.adam.adsl import build_adsl, sdtm_columns as adsl_columns
from cartrial.adam.adtte import adrs_columns, assemble_adtte, derive_bcell_recovery, efficacy_parameters
from cartrial.adam.advs import build_advs
from cartrial.adam.efficacy import Evaluable, build_efficacy, evaluable, join_issues, \
    sdtm_columns as efficacy_columns
from cartrial.adam.visits import make_month_windows
from cartrial.csvsafe import write_csv
from cartrial.endpoints.rules import EndpointRules
from cartrial.io import job_log, read_frame, read_records, read_sdtm, release_frames, write_parquet
from cartrial.slices import SLICE_SUBJECTS, DomainSlices, SlicedWriter, read_slices, remove_pieces, slice_bounds, \
    subject_slices
from cartrial.parallel import run_forked
from cartrial.sdtm.errors import findings_frame


class Built(NamedTuple):
    """What a group of datasets reports to the job: lines for its log, and its parameters of ADTTE with the
    reasons for those not derived (ADTTE reads ADRS and ADLB, so each group derives its own)."""
    notes: list[str]
    adtte: Sequence[pd.DataFrame] = ()
    skipped: Sequence[str] = ()


def efficacy_datasets(inp, out, par, rules, adsl, bounds) -> Built:
    """ADQS and ADRS: disease activity and responder flags by visit window (NRI); ADTTE's efficacy
    parameters. Whether the SLEDAI-based and renal endpoints are derived is the study's: should slices of
    its subjects disagree, every slice is built again as the study's."""
    domains = read_slices(inp.efficacy, bounds, efficacy_columns)
    adsl_slices = subject_slices(adsl, bounds)
    windows = make_month_windows(list(par.months))
    settled = None
    while True:
        adqs_out, adrs_out = SlicedWriter(out.adqs, paramn=True), SlicedWriter(out.adrs, paramn=True)
        issues, found, rows, imputed = [], set(), 0, 0
        for k, part in enumerate(adsl_slices):
            adqs, adrs, slice_issues, skipped = build_efficacy(
                {d: s.frame(k) for d, s in domains.items()}, part, version=par.sledai_version, windows=windows,
                rules=rules, cut=par.cut, evaluable=settled)
            found.add(evaluable(skipped))
            issues.append(slice_issues)
            built = len(adqs) + len(adrs)
            rows += built
            imputed += int((adrs["DTYPE"] == "NRI").sum()) if len(adrs) else 0
            adqs_out.add(adqs)
            adrs_out.add(adrs)
            del adqs, adrs
            release_frames(built)  # the slice's intermediate frames freed before the next slice's
        if len(found) == 1 or settled is not None:
            break
        settled = Evaluable(*(any(flags) for flags in zip(*found)))
        adqs_out.abort()
        adrs_out.abort()
    adqs_out.close()
    adrs_out.close()
    del domains
    write_csv(findings_frame(join_issues(issues)), out.efficacy_issues)
    Path(out.efficacy_notes).write_text(json.dumps({"skipped": skipped}, indent=1) + "\n", encoding="utf-8")
    notes = [f"ADQS and ADRS {rows} records ({imputed} imputed)"] + (
        ["slices of subjects differed in the endpoints they could derive: each was built again as the study's"
         ] if settled is not None else [])
    specs = [dict(s) for s in par.tte_specs]
    parts, tte_skipped = efficacy_parameters(adsl, read_records(out.adrs, adrs_columns(specs)), specs)
    release_frames(rows)  # freed before the process's next group
    return Built(notes, parts, tte_skipped)


def laboratory_datasets(inp, out, par, rules, adsl, bounds) -> Built:
    """ADLB and the per-subject cytopenia dataset (ICAHT, prolonged cytopenia); ADTTE's time to B-cell
    recovery."""
    lb = DomainSlices(inp.lb, bounds)
    adlb_out, icaht_out = SlicedWriter(out.adlb, paramn=True), SlicedWriter(out.icaht)
    rows = 0
    for k, part in enumerate(subject_slices(adsl, bounds)):
        adlb = build_adlb(lb.frame(k), part)
        adlb_out.add(adlb)
        icaht_out.add(derive_icaht(adlb))
        built = len(adlb)
        rows += built
        del adlb
        release_frames(built)  # each slice's (or the whole dataset's) frames freed before the next is built
    del lb
    adlb_out.close()
    icaht_out.close()
    bcell = derive_bcell_recovery(read_records(out.adlb, values=["BCELL"]), adsl,
                                  below=par.kinetics["bcell_aplasia_below"])
    return Built([f"ADLB {rows} records"], [bcell])


def vital_signs_dataset(inp, out, par, rules, adsl, bounds) -> Built:
    """ADVS: every numeric vital-sign record of an infused subject."""
    vs = read_slices([inp.vs], bounds).get("VS")
    advs_out = SlicedWriter(out.advs, paramn=True)
    rows = 0
    for k, part in enumerate(subject_slices(adsl, bounds)):
        advs = build_advs(vs.frame(k) if vs else None, part, limits=dict(par.safety["vital_sign_limits"]))
        advs_out.add(advs)
        rows += len(advs)
    advs_out.close()
    return Built([f"ADVS {rows} records"])


def kinetics_datasets(inp, out, par, rules, adsl, bounds) -> Built:
    """ADPC, ADPP (non-compartmental parameters) and ADCP (CAR-T cell phenotype)."""
    k = par.kinetics
    pc, ex, cp = (DomainSlices(path, bounds) for path in (inp.pc, inp.ex, inp.cp))
    adpc_out, adpp_out, adcp_out = SlicedWriter(out.adpc), SlicedWriter(out.adpp), SlicedWriter(out.adcp)
    counts = np.zeros(3, dtype=np.int64)
    for n, part in enumerate(subject_slices(adsl, bounds)):
        adpc = build_adpc(pc.frame(n), part, ex.frame(n))
        adpp = build_adpp(adpc, auc_end=k["auc_interval_days"], tolerance=k["auc_end_tolerance_days"],
                          persistence_months=tuple(k["persistence_months"]), window_days=k["persistence_window_days"])
        adcp = build_adcp(cp.frame(n), part)
        for writer, frame in zip((adpc_out, adpp_out, adcp_out), (adpc, adpp, adcp)):
            writer.add(frame)
        counts += (len(adpc), len(adpp), len(adcp))
    for writer in (adpc_out, adpp_out, adcp_out):
        writer.close()
    return Built([f"ADPC {counts[0]} samples, ADPP {counts[1]} parameters, ADCP {counts[2]} results"])


def events_datasets(inp, out, par, rules, adsl, bounds) -> Built:
    """ADAE and ADCM (built whole: a large study's are a small part of its records)."""
    safety = par.safety
    adae = build_adae(read_frame(inp.ae), adsl, cut=par.cut, aesi_terms=list(safety["aesi_terms"]),
                      aesi_socs=list(safety["aesi_socs"]), related_terms=tuple(safety["related_terms"]))
    write_parquet(adae, out.adae)
    adcm = build_adcm(read_sdtm([inp.cm]).get("CM"), adsl, factors=rules.steroid_factors,
                      frequencies=rules.steroid_frequencies, routes=list(rules.steroid_routes))
    write_parquet(adcm, out.adcm)
    return Built([f"ADAE {len(adae)} records ({int((adae['TRTEMFL'] == 'Y').sum())} treatment-emergent)",
                  f"ADCM {len(adcm)} records"])


#: the groups of datasets built after ADSL, which do not read each other (10,000 subjects alone: ADQS and ADRS
#: 14 s, ADLB 10 s, ADVS and the kinetics 2-3 s each, ADAE and ADCM under 1 s). In two processes each takes the
#: next group when it is free, so the two longest start first. In one process (a study too large for two) the
#: order sets the job's peak memory: ADLB is built before ADQS and ADRS, as it was before these groups
#: existed (100,000 subjects: 15.2 GB); with ADQS and ADRS first the job reached 23.4 GB and was stopped.
AFTER_ADSL = (laboratory_datasets, efficacy_datasets, vital_signs_dataset, kinetics_datasets, events_datasets)


with job_log(snakemake.log[0], "adam") as log:  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    rules = EndpointRules.from_config(dict(par.endpoints))

    # ADSL: populations, key dates, disposition, baseline characteristics
    adsl = build_adsl(read_sdtm(inp.sdtm, columns=adsl_columns), cut=par.cut, sledai_version=par.sledai_version,
                      age_breaks=list(par.age_breaks), monitoring=dict(par.safety["monitoring"]))
    write_parquet(adsl, out.adsl)
    log.info("ADSL: %d subjects, %d infused", len(adsl), int((adsl["SAFFL"] == "Y").sum()))
    adsl = read_frame(out.adsl)  # as every later step, and a reader of the package, sees it

    # a large study's subjects in slices, each dataset built a slice at a time (cartrial.slices)
    bounds = slice_bounds(adsl["USUBJID"], SLICE_SUBJECTS)
    if bounds:
        log.info("ADaM datasets built in %d slices, up to %d subject(s) each", len(bounds) + 1, SLICE_SUBJECTS)
    try:
        built = run_forked([(build, (inp, out, par, rules, adsl, bounds)) for build in AFTER_ADSL],
                           snakemake.threads)  # noqa: F821
    finally:  # a group that stopped leaves no pieces of its datasets
        remove_pieces(Path(out.adsl).parent)
    for note in (note for done in built for note in done.notes):
        log.info("%s", note)

    # ADTTE: the declarative time-to-event parameters, then the time to B-cell recovery (cartrial.adam.adtte)
    adtte = assemble_adtte(adsl, [part for done in built for part in done.adtte])
    skipped = [reason for done in built for reason in done.skipped]
    write_parquet(adtte, out.adtte)
    Path(out.tte_notes).write_text(json.dumps({"skipped": skipped}, indent=1) + "\n", encoding="utf-8")
    log.info("ADTTE %d records; skipped: %s", len(adtte), skipped)
