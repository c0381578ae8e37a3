"""Efficacy ARDs: response rates with exact CIs, dose-group differences, change from baseline."""
from __future__ import annotations

import pandas as pd

from cartrial.ard import ALL, make_ard
from cartrial.stats.binomial import DIFF_METHODS, compute_diff_ci, compute_fisher_p, summarize_proportion
from cartrial.stats.descriptive import compute_continuous
from cartrial.summaries.baseline import group_columns



def arm_levels(adsl: pd.DataFrame, *, arm_order: list[str] | None, population: str = "SAFFL") -> list[str]:
    """Actual-arm labels (TRT01A) of a population, in the configured order."""
    pop = adsl[adsl[population] == "Y"]
    return [lvl for lvl, _ in group_columns(pop, "TRT01A", arm_order) if lvl != ALL]


def _columns(frame: pd.DataFrame, levels: list[str]) -> list[tuple[str, pd.DataFrame]]:
    return [(lvl, frame[frame["ARM"] == lvl]) for lvl in levels] + [(ALL, frame)]


def _counts(adrs: pd.DataFrame) -> pd.DataFrame:
    """Responders and records per ARM x PARAMCD x AVISIT (vectorised)."""
    g = adrs.assign(_y=(adrs["AVALC"] == "Y").astype(int)).groupby(["ARM", "PARAMCD", "AVISITN", "AVISIT"])
    return g["_y"].agg(n="sum", N="size").reset_index()


def summarize_response_rates(adrs: pd.DataFrame, *, levels: list[str], observed_only: bool = False,
                             conf: float = 0.95) -> pd.DataFrame:
    """Responders n, N, p and the Clopper-Pearson CI per parameter, visit and arm (and ALL).

    With ``observed_only`` the NRI records are left out (observed-case sensitivity analysis).
    """
    data = adrs[adrs["DTYPE"].fillna("") == ""] if observed_only else adrs
    analysis = "response_rates_oc" if observed_only else "response_rates"
    method = "clopper-pearson" + ("; observed cases" if observed_only else "; non-responder imputation")
    counts = _counts(data)
    total = counts.groupby(["PARAMCD", "AVISITN", "AVISIT"], as_index=False)[["n", "N"]].sum().assign(ARM=ALL)
    counts = pd.concat([counts[counts["ARM"].isin(levels)], total], ignore_index=True)
    order = {lvl: i for i, lvl in enumerate([*levels, ALL])}
    counts = counts.sort_values(["PARAMCD", "AVISITN"], kind="stable")
    counts = counts.assign(_o=counts["ARM"].map(order)).sort_values(["PARAMCD", "AVISITN", "_o"], kind="stable")
    rows = []
    for r in counts.itertuples(index=False):
        for stat, value in summarize_proportion(int(r.n), int(r.N), conf=conf).items():
            rows.append(dict(analysis=analysis, group="ARM", group_level=r.ARM, variable=r.PARAMCD,
                             variable_level=r.AVISIT, stat_name=stat, stat_value=value, method=method))
    return make_ard(rows)


def summarize_response_differences(adrs: pd.DataFrame, *, levels: list[str], conf: float = 0.95) -> pd.DataFrame:
    """Each arm minus the first (reference) arm: difference with MN and Newcombe CIs, Fisher p.

    Descriptive only when arms are not randomised. Empty for single-arm studies.
    """
    if len(levels) < 2:
        return make_ard([])
    counts = _counts(adrs).set_index(["ARM", "PARAMCD", "AVISITN", "AVISIT"])
    ref = levels[0]
    rows = []
    keys = counts.reset_index()[["PARAMCD", "AVISITN", "AVISIT"]].drop_duplicates().sort_values(
        ["PARAMCD", "AVISITN"], kind="stable")
    for k in keys.itertuples(index=False):
        if (ref, *k) not in counts.index:
            continue
        x2, n2 = counts.loc[(ref, *k)]
        for lvl in levels[1:]:
            if (lvl, *k) not in counts.index:
                continue
            x1, n1 = counts.loc[(lvl, *k)]
            base = dict(analysis="response_differences", group="ARM", group_level=f"{lvl} vs {ref}",
                        variable=k.PARAMCD, variable_level=k.AVISIT)
            for method in DIFF_METHODS:
                d, lo, hi = compute_diff_ci(int(x1), int(n1), int(x2), int(n2), method=method, conf=conf)
                for stat, value in (("diff", d), ("ci_lower", lo), ("ci_upper", hi)):
                    rows.append({**base, "stat_name": stat, "stat_value": value, "method": method})
            rows.append({**base, "stat_name": "p_fisher", "stat_value": compute_fisher_p(int(x1), int(n1), int(x2),
                                                                                          int(n2)),
                         "method": "fisher-exact (descriptive; dose groups not randomised)"})
    return make_ard(rows)


def summarize_change_from_baseline(adqs: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str],
                                   params: list[str] | None = None) -> pd.DataFrame:
    """Value and change from baseline (n, mean, SD, median, Q1, Q3, min, max) per parameter and visit.

    Analysed records (ANL01FL = Y) of the efficacy set; baseline as its own visit.
    """
    eff = set(adsl.loc[adsl["EFFFL"] == "Y", "USUBJID"])
    data = adqs[(adqs["ANL01FL"] == "Y") & adqs["USUBJID"].isin(eff) & adqs["AVISIT"].notna()]
    if params is not None:
        data = data[data["PARAMCD"].isin(params)]
    rows = []
    for lvl, sub in _columns(data, levels):
        for (param, avisitn, avisit), g in sub.groupby(["PARAMCD", "AVISITN", "AVISIT"], sort=True):
            base = dict(analysis="change_from_baseline", group="ARM", group_level=lvl, variable=param,
                        variable_level=avisit, method="descriptive (HF2 quantiles)")
            for stat, value in compute_continuous(g["AVAL"]).items():
                rows.append({**base, "stat_name": stat, "stat_value": value})
            if avisit != "BASELINE":
                for stat, value in compute_continuous(g["CHG"]).items():
                    rows.append({**base, "stat_name": f"chg_{stat}", "stat_value": value})
    return make_ard(rows)
