"""The one-page synopsis: key results read from the ARDs (no statistic is computed here)."""
from __future__ import annotations

import pandas as pd

from cartrial.ard import ALL
from cartrial.tables.efficacy import param_label
from cartrial.tables.format import fmt_ci, fmt_n_of_N_pct, fmt_n_pct, fmt_num


def _get(ard: pd.DataFrame | None, **where) -> float | None:
    if ard is None or not len(ard):
        return None
    m = pd.Series(True, index=ard.index)
    for k, v in where.items():
        m &= ard[k] == v
    hit = ard.loc[m, "stat_value"]
    return float(hit.iloc[0]) if len(hit) == 1 else None


def build_synopsis(ards: dict[str, pd.DataFrame], *, primary: dict, analysis_type: str = "final") -> list[dict]:
    """Rows ``{section, label, value}`` of the synopsis page (the predictive probability of success at an
    interim analysis only)."""
    interim = analysis_type == "interim"
    rows = []
    disp = ards.get("disposition")
    add = lambda section, label, value: rows.append({"section": section, "label": label, "value": value})  # noqa: E731
    g = lambda var, lvl="", stat="n": _get(disp, group_level=ALL, variable=var, variable_level=lvl,  # noqa: E731
                                          stat_name=stat)
    add("Subjects", "Screened / enrolled / infused",
        f"{fmt_num(g('SCREENED'))} / {fmt_num(g('ENROLLED'))} / {fmt_num(g('SAFFL', 'Y'))}")
    add("Subjects", "Infused subjects ongoing / completed / discontinued at the cut",
        " / ".join(fmt_num(g("EOSSTT", s) or 0) for s in ("ONGOING", "COMPLETED", "DISCONTINUED")))
    rates = ards.get("response_rates")
    label = param_label(primary["paramcd"])
    for visit in primary["visits"]:
        r = lambda stat: _get(rates, group_level=ALL, variable=primary["paramcd"], variable_level=visit,  # noqa: E731
                              stat_name=stat)
        if r("N"):
            value = f"{fmt_n_of_N_pct(r('n'), r('N'))}, 95% CI {fmt_ci(r('ci_lower'), r('ci_upper'), 1, scale=100)}"
        else:
            value = "not yet evaluable at this data cut"
        add("Primary endpoint", f"{label} at {visit.title()} (NRI, Clopper-Pearson)", value)
    over = ards.get("safety_overview")
    for code, text in (("ANY", "Any TEAE"), ("GR3PLUS", "Grade >= 3 TEAE"), ("SERIOUS", "Serious TEAE"),
                       ("CRS", "CRS, any grade"), ("CRSGR3", "CRS, grade >= 3"), ("ICANS", "ICANS, any grade"),
                       ("ICANSGR3", "ICANS, grade >= 3"), ("FATAL", "TEAE leading to death")):
        n = _get(over, group_level=ALL, variable=code, stat_name="n")
        N = _get(over, group_level=ALL, variable=code, stat_name="N")
        if N is not None:
            add("Safety (safety set)", text, fmt_n_pct(n, N))
    mon = ards.get("monitoring")
    tox = mon[mon["variable"] == "TOXICITY"] if mon is not None and len(mon) else pd.DataFrame()
    if len(tox):
        v = dict(zip(tox["stat_name"], tox["stat_value"]))
        status = "BOUNDARY CROSSED - stopping rule met" if v["crossed"] else "not crossed"
        add("Interim safety monitoring", f"Stopping rule ({tox['variable_level'].iloc[0]})",
            f"{fmt_num(v['x'])} events in {fmt_num(v['n'])} evaluable subjects; P(rate > {v['threshold']:g}) = "
            f"{fmt_num(v['posterior_prob'], 3)} (stop if > {v['cutoff']:g}): {status}")
    eff = mon[mon["variable"] == "EFFICACY"] if mon is not None and len(mon) and interim else pd.DataFrame()
    if len(eff):
        v = dict(zip(eff["stat_name"], eff["stat_value"]))
        add("Interim safety monitoring", f"Predictive probability of success at N = {fmt_num(v['planned_n'])}",
            fmt_num(v["predictive_prob"], 3))
    return rows
