"""Table 14.2.6: time-to-event endpoints (Kaplan-Meier)."""
from __future__ import annotations

import pandas as pd

from cartrial.dates import MONTH_DAYS

from cartrial.ard import ALL, ard_lookup
from cartrial.tables.display import DisplayTable
from cartrial.tables.efficacy import display_levels
from cartrial.tables.format import fmt_ci, fmt_n_pct, fmt_num



def _months(x):
    return None if x is None or x != x else x / MONTH_DAYS


def build_tte_table(ard: pd.DataFrame, *, bign: dict[str, float], conf_type: str, landmark_months: list[int],
                    source: str) -> DisplayTable:
    """Events n (%), censored, median and quartiles (months, 95% CI), landmark rates (%, 95% CI)."""
    levels = display_levels(ard) if len(ard) else [ALL]
    v = ard_lookup(ard, ("group_level", "variable", "stat_name"))
    header = [("Total" if lvl == ALL else lvl) + (f" (N={fmt_num(bign[lvl])})" if lvl in bign else "")
              for lvl in levels]
    t = DisplayTable("t14_2_6_time_to_event", "14.2.6", "Time-to-event endpoints (Kaplan-Meier)",
                     f"Safety set (N={fmt_num(bign.get(ALL, 0))})", header, source=source)
    if not len(ard):
        t.add("No time-to-event endpoint could be derived", [""] * len(levels))
    for param, label in dict.fromkeys(zip(ard["variable"], ard["variable_level"])):
        g = lambda lvl, s: v.get((lvl, param, s))  # noqa: E731
        t.add(label)
        t.add("Subjects in the analysis, n", [fmt_num(g(lvl, "n")) for lvl in levels], level=1)
        t.add("Events, n (%)", [fmt_n_pct(g(lvl, "events"), g(lvl, "n")) for lvl in levels], level=1)
        t.add("Censored, n (%)", [fmt_n_pct(g(lvl, "censored"), g(lvl, "n")) for lvl in levels], level=1)
        t.add("Median, months (95% CI)", [_median(g, lvl, "median") for lvl in levels], level=1)
        t.add("25th, 75th percentile, months", [
            f"{fmt_num(_months(g(lvl, 'q25')), 1, missing='NE')}, {fmt_num(_months(g(lvl, 'q75')), 1, missing='NE')}"
            if g(lvl, "n") else "" for lvl in levels], level=1)
        for m in landmark_months:
            t.add(f"Event-free at Month {m}, % (95% CI)", [_rate(g, lvl, m) for lvl in levels], level=1)
    t.footnotes = [
        f"Kaplan-Meier estimates; median and percentiles with Brookmeyer-Crowley 95% CIs from the {conf_type} "
        "transformed pointwise CI (SAS/R convention); NE: not estimable (not reached or beyond follow-up).",
        "Times from infusion (or from the start of the response for durations); months = days / 30.4375.",
        "Event-free: the Kaplan-Meier probability that the event has not occurred (for time to response: not yet "
        "responded; for durations: still in response). 100.0 (NE, NE): no event yet, the CI is not estimable; "
        "0.0 (NE, NE): the last subject at risk had the event; NE: beyond the last follow-up.",
        "Subjects without an event are censored at their last assessment of the endpoint on or before the data cut "
        "(overall survival: last known alive); imputed non-responses are not events.",
    ]
    return t


def _median(g, lvl, name) -> str:
    if not g(lvl, "n"):
        return ""
    est = fmt_num(_months(g(lvl, name)), 1, missing="NE")
    return f"{est} {fmt_ci(_months(g(lvl, f'{name}_ci_lower')), _months(g(lvl, f'{name}_ci_upper')), 1)}"


def _rate(g, lvl, m) -> str:
    surv = g(lvl, f"rate_m{m}")
    if surv is None or surv != surv:
        return "NE" if g(lvl, "n") else ""
    return f"{fmt_num(100 * surv, 1)} {fmt_ci(g(lvl, f'rate_m{m}_ci_lower'), g(lvl, f'rate_m{m}_ci_upper'), 1, scale=100)}"


# Builders of the catalogue's outputs (cartrial/catalogue.yaml; called by cartrial/produce.py)


def time_to_event(ctx) -> DisplayTable:
    km = ctx.shared["km"]
    return build_tte_table(ctx.ard("time_to_event"), bign=ctx.bign(), conf_type=km["conf_type"],
                           landmark_months=list(km["landmark_months"]), source=ctx.source)
