"""Tables 14.2: primary endpoint, response rates, differences, change from baseline."""
from __future__ import annotations

import pandas as pd

from cartrial.ard import ALL, ard_lookup
from cartrial.tables.display import DisplayTable
from cartrial.tables.format import fmt_ci, fmt_mean_sd, fmt_n_of_N_pct, fmt_num, fmt_p, fmt_rate_ci

PARAM_LABELS = {
    "SRI4": "SRI-4", "SRI5": "SRI-5", "SRI6": "SRI-6", "SRI7": "SRI-7", "SRI8": "SRI-8", "BICLA": "BICLA",
    "DORIS": "DORIS 2021 remission", "DORISSF": "Steroid-free DORIS remission", "LLDAS": "LLDAS", "CRR": "Complete renal response (CRR)",
    "PRR": "Partial renal response (PRR)", "ORR": "Overall renal response (CRR or PRR)",
}
PARAM_ORDER = list(PARAM_LABELS)
RENAL_PARAMS = ("CRR", "PRR", "ORR")


def ordered_params(present) -> list[str]:
    """The responder parameters ``present`` in display order: SRI-k by k (every k the configuration derives,
    not only 4-8), then BICLA, DORIS, LLDAS and renal response, then any other in alphabetical order."""
    present = set(present)
    sri = sorted((p for p in present if p.startswith("SRI") and p[3:].isdigit()), key=lambda p: int(p[3:]))
    known = [p for p in PARAM_ORDER if p in present and p not in sri]
    return sri + known + sorted(present - set(sri) - set(known))


def param_label(paramcd: str) -> str:
    if paramcd.startswith("SRI") and paramcd[3:].isdigit():
        return f"SRI-{paramcd[3:]}"
    return PARAM_LABELS.get(paramcd, paramcd)
QS_LABELS = {
    "SLEDAI": "SLEDAI total", "CSLEDAI": "Clinical SLEDAI", "PGA": "PGA (0-3)", "BILAG": "BILAG-2004 global score",
    "SDI": "SDI", "UPCR": "UPCR (g/g)", "EGFR": "eGFR (mL/min/1.73 m2)", "C3": "C3 (g/L)", "C4": "C4 (g/L)",
    "DSDNA": "Anti-dsDNA (IU/mL)", "PREDEQ": "Prednisone-equivalent (mg/day)",
}
QS_PRECISION = {"SLEDAI": 0, "CSLEDAI": 0, "PGA": 2, "BILAG": 0, "SDI": 0, "UPCR": 2, "EGFR": 0, "C3": 2,
                "C4": 2, "DSDNA": 0, "PREDEQ": 1}
NRI_NOTE = ("Non-responder imputation: an infused subject whose visit window closed by the data cut without a "
            "determinable response (missed, withdrawn, died) counts as a non-responder.")
CP_NOTE = "95% CI: exact Clopper-Pearson."
RESCUE_NOTE = "A subject who started rescue therapy on or before the assessment is a non-responder."



def display_levels(ard: pd.DataFrame) -> list[str]:
    """Arm levels then ALL; a single-arm study shows its arm column only."""
    levels = [lvl for lvl in dict.fromkeys(ard["group_level"]) if lvl != ALL]
    return levels if len(levels) == 1 else levels + [ALL]


def _visits(ard: pd.DataFrame, param: str) -> list[str]:
    sub = ard[ard["variable"] == param]
    return sorted(dict.fromkeys(sub["variable_level"]), key=_visit_key)


def _visit_key(visit: str) -> float:
    return 0.0 if visit == "BASELINE" else float(visit.split()[-1])


def _rate_cell(v, lvl, param, visit) -> str:
    return fmt_rate_ci(v, (lvl, param, visit)) if v.get((lvl, param, visit, "N")) else ""


def population_n(populations: pd.DataFrame, flag: str) -> dict[str, float]:
    """Big N per arm label (and ALL) of a population flag, from the ``populations`` ARD."""
    sub = populations[(populations["variable"] == flag) & (populations["stat_name"] == "n")]
    return dict(zip(sub["group_level"], sub["stat_value"]))


def _col_header(lvl: str, bign: dict[str, float] | None = None) -> str:
    name = "Total" if lvl == ALL else lvl
    if bign is not None and lvl in bign:
        return f"{name} (N={fmt_num(bign[lvl])})"
    return name


def build_primary_table(ard: pd.DataFrame, *, paramcd: str, visits: list[str], source: str,
                        bign: dict[str, float] | None = None) -> DisplayTable:
    """Table 14.2.1: the primary endpoint at its visits (NRI, Clopper-Pearson)."""
    v = ard_lookup(ard)
    levels = display_levels(ard)
    label = param_label(paramcd)
    table = DisplayTable("t14_2_1_primary", "14.2.1", f"Primary endpoint: {label}", _population(bign),
                         [_col_header(lvl, bign) for lvl in levels], source=source)
    available = set(_visits(ard, paramcd))
    for visit in visits:
        table.add(visit.title())
        if visit not in available:
            table.add("Not yet evaluable at this data cut", [""] * len(levels), level=1)
            continue
        table.add("Responders, n/N (%)", [fmt_n_of_N_pct(v.get((lvl, paramcd, visit, "n"), 0),
                                                         v.get((lvl, paramcd, visit, "N"), 0)) for lvl in levels],
                  level=1)
        table.add("95% CI (Clopper-Pearson)", [fmt_ci(v.get((lvl, paramcd, visit, "ci_lower")),
                                                      v.get((lvl, paramcd, visit, "ci_upper")), 1, scale=100)
                                               for lvl in levels], level=1)
    table.footnotes = [f"N: efficacy-set subjects whose {label} visit window closed by the data cut.", NRI_NOTE,
                       CP_NOTE, RESCUE_NOTE]
    return table


def build_response_table(ard: pd.DataFrame, *, number: str, table_id: str, title: str, source: str,
                         observed: bool = False, bign: dict[str, float] | None = None,
                         renal_upcr: float | None = None) -> DisplayTable:
    """Response rates of every parameter by visit: ``n/N (%)`` over the CI (``renal_upcr``: the configured
    baseline UPCR of the renal-response population, g/g)."""
    v = ard_lookup(ard)
    levels = display_levels(ard)
    table = DisplayTable(table_id, number, title, _population(bign), [_col_header(lvl, bign) for lvl in levels],
                         source=source)
    params = ordered_params(ard["variable"])
    for param in params:
        table.add(param_label(param))
        for visit in _visits(ard, param):
            table.add(visit.title(), [_rate_cell(v, lvl, param, visit) for lvl in levels], level=1)
    table.footnotes = [
        "Cells: responders n/N (%) and the exact 95% Clopper-Pearson CI (%).",
        ("Observed cases: only visits with a determinable response are counted (sensitivity analysis)."
         if observed else NRI_NOTE),
        RESCUE_NOTE,
    ]
    if renal_upcr is not None and set(params) & set(RENAL_PARAMS):
        table.footnotes.append(f"Renal response is derived for subjects with baseline UPCR >= {renal_upcr:g} g/g.")
    if not params:
        table.footnotes.insert(0, "No responder endpoint could be derived from the available data.")
    return table


def build_difference_table(ard: pd.DataFrame, *, source: str, bign: dict[str, float] | None = None) -> DisplayTable:
    """Dose-group differences (descriptive): difference, MN and Newcombe CIs, Fisher p."""
    table = DisplayTable("t14_2_4_response_differences", "14.2.4",
                         "Differences in response rates between dose groups (descriptive)", _population(bign),
                         ["Difference (%)", "95% CI Miettinen-Nurminen", "95% CI Newcombe", "Fisher exact p"],
                         source=source)
    if not len(ard):
        table.footnotes = ["Not applicable: the study has a single treatment group."]
        return table
    v = ard_lookup(ard, ("group_level", "variable", "variable_level", "stat_name", "method"))
    comparisons = list(dict.fromkeys(ard["group_level"]))
    for comp in comparisons:
        table.add(comp)
        sub = ard[ard["group_level"] == comp]
        for param in ordered_params(sub["variable"]):
            table.add(param_label(param), level=1)
            for visit in _visits(sub, param):
                mn = [v.get((comp, param, visit, s, "miettinen-nurminen")) for s in ("diff", "ci_lower", "ci_upper")]
                nc = [v.get((comp, param, visit, s, "newcombe")) for s in ("ci_lower", "ci_upper")]
                p = next((val for (c, pa, vi, s, _), val in v.items()
                          if (c, pa, vi, s) == (comp, param, visit, "p_fisher")), None)
                table.add(visit.title(), [fmt_num(100 * mn[0], 1), fmt_ci(mn[1], mn[2], 1, scale=100),
                                          fmt_ci(nc[0], nc[1], 1, scale=100), fmt_p(p)], level=2)
    table.footnotes = [
        "The dose groups were not randomised: differences, CIs and p-values are descriptive and do not test a "
        "hypothesis.",
        "Difference: response rate of the first-named group minus that of the second (percentage points), NRI.",
        "Miettinen-Nurminen score interval with the N/(N-1) variance correction; Newcombe hybrid score interval "
        "(method 10); Fisher exact two-sided p-value.",
    ]
    return table


def build_change_table(ard: pd.DataFrame, *, source: str, bign: dict[str, float] | None = None) -> DisplayTable:
    """Value and change from baseline by visit: n, mean (SD) and median for each arm."""
    v = ard_lookup(ard)
    levels = display_levels(ard)
    cols = ["n", "Mean (SD)", "Change, mean (SD)"] * len(levels)
    table = DisplayTable("t14_2_5_change_from_baseline", "14.2.5", "Disease activity and change from baseline "
                         "by visit", _population(bign), cols, source=source,
                         spanners=[[_col_header(lvl, bign), 3] for lvl in levels])
    params = [p for p in QS_LABELS if p in set(ard["variable"])]
    for param in params:
        d = QS_PRECISION.get(param, 1)
        table.add(QS_LABELS[param])
        for visit in _visits(ard, param):
            cells = []
            for lvl in levels:
                n = v.get((lvl, param, visit, "n"))
                cells += [fmt_num(n) if n is not None else "",
                          fmt_mean_sd(v.get((lvl, param, visit, "mean"), float("nan")),
                                      v.get((lvl, param, visit, "sd"), float("nan")), d),
                          fmt_mean_sd(v.get((lvl, param, visit, "chg_mean"), float("nan")),
                                      v.get((lvl, param, visit, "chg_sd"), float("nan")), d)
                          if visit != "BASELINE" else ""]
            table.add(visit.title(), cells, level=1)
    table.footnotes = [
        "Analysed records of the efficacy set: one per subject and visit window (closest to the target day).",
        "Baseline: last value on or before the infusion date. SD: standard deviation.",
        "Prednisone-equivalent dose on the date of the SLEDAI assessment.",
    ]
    table.orientation = "landscape"
    return table


def _population(bign: dict[str, float] | None) -> str:
    if bign and ALL in bign:
        return f"Efficacy set (N={fmt_num(bign[ALL])})"
    return "Efficacy set"


# Builders of the catalogue's outputs (cartrial/catalogue.yaml; called by cartrial/produce.py)


def _renal_upcr(ctx) -> float | None:
    from cartrial.endpoints.rules import EndpointRules

    return EndpointRules.from_config(dict(ctx.shared["endpoints"])).renal_population_upcr


def primary(ctx) -> DisplayTable:
    return build_primary_table(ctx.ard("response_rates"), paramcd=ctx.primary["paramcd"],
                               visits=list(ctx.primary["visits"]), source=ctx.source, bign=ctx.bign())


def response_rates(ctx) -> DisplayTable:
    """Response rates by visit from the output's one ARD (NRI, or observed cases with ``observed``)."""
    (name,) = ctx.spec.ards
    return build_response_table(ctx.ard(name), number=ctx.spec.number, table_id=ctx.spec.id, title=ctx.spec.title,
                                source=ctx.source, observed=bool(ctx.options.get("observed")), bign=ctx.bign(),
                                renal_upcr=_renal_upcr(ctx))


def differences(ctx) -> DisplayTable:
    return build_difference_table(ctx.ard("response_differences"), source=ctx.source, bign=ctx.bign())


def change_from_baseline(ctx) -> DisplayTable:
    return build_change_table(ctx.ard("change_from_baseline"), source=ctx.source, bign=ctx.bign())
