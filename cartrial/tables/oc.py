"""Table of the operating characteristics of the interim decision rules (report appendix)."""
from __future__ import annotations

import pandas as pd

from cartrial.tables.display import DisplayTable


def build_oc_table(table: pd.DataFrame, *, settings: dict) -> DisplayTable:
    s, e, oc = settings["safety"], settings["efficacy"], settings["oc"]
    out = DisplayTable(
        id="oc_table", number="D.1", title="Operating characteristics of the interim safety rule and final analysis",
        population=f"{oc['n_trials']} simulated trials of {settings['planned_n']} infused subjects per scenario",
        columns=["True response rate", "True toxicity rate", "P(stop early)", "P(false stop)", "P(success)",
                 "Mean subjects treated"],
        stub_header="Scenario",
        footnotes=[
            f"Safety rule: stop when P(toxicity rate > {s['threshold']:.2f} | data) > {s['cutoff']:.2f}, Beta"
            f"({s['prior'][0]:g}, {s['prior'][1]:g}) prior, checked after each subject. Success: trial not stopped "
            f"and P(response rate > {e['p0']:.2f} | data) > {e['cutoff']:.2f} at the planned size.",
            "False stop: a stop although the true toxicity rate is not above the unacceptable rate (- where it is). "
            "P(success) under a true response rate at or below p0 is the type I error. Monte Carlo standard error "
            "of a probability p: sqrt(p(1-p)/trials), at most 0.005 for 10,000 trials.",
            "Toxicity and response are simulated independently; chunks of trials are reproducible from the seed "
            f"({oc['seed']}).",
        ],
        source="results/<study>/oc/operating_characteristics.csv (rule oc)",
    )
    for r in table.itertuples():
        false_stop = "-" if pd.isna(r.p_false_stop) else f"{r.p_false_stop:.3f}"
        out.add(r.scenario, [f"{r.p_response:g}", f"{r.p_toxicity:g}", f"{r.p_stop_early:.3f}", false_stop,
                             f"{r.p_success:.3f}", f"{r.mean_enrolled:.1f}"])
    return out
