"""Time-to-event ARD: events, censoring, median and quartiles with CIs, landmark rates (Kaplan-Meier)."""
from __future__ import annotations

import pandas as pd

from cartrial.dates import MONTH_DAYS

from cartrial.ard import ALL, make_ard
from cartrial.stats.km import compute_km, compute_landmark, summarize_quantile



def summarize_time_to_event(adtte: pd.DataFrame, *, levels: list[str], conf_type: str = "log-log",
                            landmark_months: list[int] = (3, 6, 12)) -> pd.DataFrame:
    """Per parameter and arm (and ALL): n, events, censored, median/q25/q75 (days) with CIs, landmark rates."""
    rows = []
    method = f"kaplan-meier; {conf_type} CI; Brookmeyer-Crowley quantile CI"
    for param, d in adtte.groupby("PARAMCD", sort=True):
        for lvl in [*levels, ALL]:
            sub = d if lvl == ALL else d[d["ARM"] == lvl]
            if not len(sub):
                continue
            table = compute_km(sub["AVAL"], 1 - sub["CNSR"], conf_type=conf_type)
            stats = {"n": len(sub), "events": int((sub["CNSR"] == 0).sum()), "censored": int((sub["CNSR"] == 1).sum())}
            for name, prob in (("median", 0.5), ("q25", 0.25), ("q75", 0.75)):
                est, lo, hi = summarize_quantile(table, prob)
                stats.update({name: est, f"{name}_ci_lower": lo, f"{name}_ci_upper": hi})
            for m in landmark_months:
                lm = compute_landmark(table, m * MONTH_DAYS)
                stats.update({f"rate_m{m}": lm["surv"], f"rate_m{m}_ci_lower": lm["lower"],
                              f"rate_m{m}_ci_upper": lm["upper"], f"n_risk_m{m}": lm["n_risk"]})
            for stat, value in stats.items():
                rows.append(dict(analysis="time_to_event", group="ARM", group_level=lvl, variable=param,
                                 variable_level=d["PARAM"].iloc[0], stat_name=stat, stat_value=value,
                                 unit="days" if stat.startswith(("median", "q25", "q75")) else "",
                                 method=method))
    return make_ard(rows)
