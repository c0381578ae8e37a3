"""ADaM -> ARD summaries of subjects: disposition and baseline characteristics.

Percentages are of the column's population stated in each ARD row's
``method``; column N comes from ADSL, never from event data.
"""
from __future__ import annotations

import pandas as pd

from cartrial.ard import ALL, make_ard
from cartrial.stats.descriptive import compute_continuous


def group_columns(adsl: pd.DataFrame, group: str, arm_order: list[str] | None) -> list[tuple[str, pd.DataFrame]]:
    """(group level, subjects) per level of ``group``, then ``ALL``.

    Levels follow ``arm_order`` (ARMCD codes) and then ARMCD alphabetically.
    """
    order = {code: i for i, code in enumerate(arm_order or [])}
    rank = adsl["ARMCD"].map(lambda c: (order.get(c, len(order)), str(c)))
    ranked = adsl.assign(_rank=rank).sort_values("_rank", kind="stable")
    levels = [lvl for lvl in pd.unique(ranked[group]) if pd.notna(lvl)]
    return [(lvl, adsl[adsl[group] == lvl]) for lvl in levels] + [(ALL, adsl)]


def count_rows(analysis, group, level, variable, var_level, n, denom, method) -> list[dict]:
    base = dict(analysis=analysis, group=group, group_level=level, variable=variable, variable_level=var_level,
                method=method)
    rows = [{**base, "stat_name": "n", "stat_value": n}]
    if denom is not None:
        rows += [{**base, "stat_name": "N", "stat_value": denom},
                 {**base, "stat_name": "p", "stat_value": n / denom if denom else float("nan")}]
    return rows


def summarize_disposition(adsl: pd.DataFrame, *, arm_order: list[str] | None = None) -> pd.DataFrame:
    """Subject disposition from every DM subject to the infused set.

    Rows: screened (all DM subjects), screen failures, enrolled, enrolled but
    not infused by reason (``DCSREAS``, or awaiting infusion at the cut),
    infused (safety set), efficacy set, and for infused subjects the study
    status at the cut (completed, ongoing, discontinued by reason).
    Columns: planned arm (``TRT01P``) of enrolled subjects and ``ALL``.
    """
    a = "disposition"
    rows: list[dict] = []
    rows += count_rows(a, "TRT01P", ALL, "SCREENED", "", len(adsl), None, "count of DM subjects")
    rows += count_rows(a, "TRT01P", ALL, "SCRNFAIL", "", int((adsl["SCRNFL"] == "Y").sum()), len(adsl),
                        "percent of screened")
    enrolled = adsl[adsl["ENRLFL"] == "Y"]
    for level, sub in group_columns(enrolled, "TRT01P", arm_order):
        n_enr = len(sub)
        rows += count_rows(a, "TRT01P", level, "ENROLLED", "", n_enr, None, "count of enrolled")
        not_inf = sub[sub["SAFFL"] != "Y"]
        reasons = not_inf["DCSREAS"].fillna("AWAITING INFUSION AT DATA CUT")
        for reason, cnt in reasons.value_counts().sort_index().items():
            rows += count_rows(a, "TRT01P", level, "NOT_INFUSED", reason, int(cnt), n_enr, "percent of enrolled")
        infused = sub[sub["SAFFL"] == "Y"]
        n_inf = len(infused)
        rows += count_rows(a, "TRT01P", level, "SAFFL", "Y", n_inf, n_enr, "percent of enrolled")
        rows += count_rows(a, "TRT01P", level, "EFFFL", "Y", int((infused["EFFFL"] == "Y").sum()), n_inf,
                            "percent of infused")
        for status in ("COMPLETED", "ONGOING", "DISCONTINUED"):
            rows += count_rows(a, "TRT01P", level, "EOSSTT", status, int((infused["EOSSTT"] == status).sum()),
                                n_inf, "percent of infused")
        disc = infused[infused["EOSSTT"] == "DISCONTINUED"]["DCSREAS"]
        for reason, cnt in disc.value_counts().sort_index().items():
            rows += count_rows(a, "TRT01P", level, "DCSREAS", reason, int(cnt), n_inf, "percent of infused")
    return make_ard(rows)


BASELINE_CONTINUOUS = ("AGE", "HEIGHTBL", "WEIGHTBL", "BMIBL", "DOSE", "FUPMO")
BASELINE_CATEGORICAL = ("AGEGR1", "SEX", "RACE", "ETHNIC", "COUNTRY")


def summarize_baseline(adsl: pd.DataFrame, *, continuous: tuple[str, ...] = BASELINE_CONTINUOUS,
                       categorical: tuple[str, ...] = BASELINE_CATEGORICAL,
                       population: str = "SAFFL", arm_order: list[str] | None = None) -> pd.DataFrame:
    """Demographics and baseline characteristics of a population by actual arm.

    Continuous variables: n, mean, SD, median, Q1, Q3, min, max
    (``compute_continuous``). Categorical variables: n, N and p per level,
    N = subjects of the column in the population (missing values form a
    ``MISSING`` level so that the levels add up to N).
    """
    a = "demographics"
    pop = adsl[adsl[population] == "Y"]
    rows: list[dict] = []
    for level, sub in group_columns(pop, "TRT01A", arm_order):
        rows += count_rows(a, "TRT01A", level, "BIGN", "", len(sub), None, f"subjects with {population} = Y")
        for var in continuous:
            if var not in sub:
                continue
            for stat, value in compute_continuous(sub[var]).items():
                rows.append(dict(analysis=a, group="TRT01A", group_level=level, variable=var, variable_level="",
                                 stat_name=stat, stat_value=value, method="descriptive (HF2 quantiles)"))
        for var in categorical:
            if var not in sub:
                continue
            counts = sub[var].fillna("MISSING").value_counts()
            all_levels = pop[var].fillna("MISSING").unique()
            for cat in sorted(all_levels):
                rows += count_rows(a, "TRT01A", level, var, str(cat), int(counts.get(cat, 0)), len(sub),
                                    "percent of column N")
    return make_ard(rows)


POPULATION_FLAGS = ("ENRLFL", "SAFFL", "EFFFL")


def summarize_populations(adsl: pd.DataFrame, *, arm_order: list[str] | None = None) -> pd.DataFrame:
    """Big N of each analysis population per actual arm (planned arm for the enrolled) and ALL.

    The column headers of every table take their N from here, never from event data.
    """
    rows: list[dict] = []
    for flag in POPULATION_FLAGS:
        if flag not in adsl:
            continue
        pop = adsl[adsl[flag] == "Y"]
        group = "TRT01P" if flag == "ENRLFL" else "TRT01A"
        for level, sub in group_columns(pop, group, arm_order):
            rows += count_rows("populations", "ARM", level, flag, "Y", len(sub), None, f"subjects with {flag} = Y")
    return make_ard(rows)
