"""Findings over time as ARDs: values and change from baseline by visit (vital signs, laboratory tests, SDI,
glucocorticoid dose), vital signs outside their limits and in the first 14 days, serology, CAR-T phenotype.

Conventions (docs/spec/endpoints.md, Findings by visit):

- Baseline is the ADaM baseline record (``ABLFL`` = Y), shown as the visit ``BASELINE``; post-baseline
  visits are the on-treatment records (``ONTRTFL`` = Y) by ``AVISIT`` in ``AVISITN`` order. The ARD rows
  come in that order, which the tables keep.
- A subject with two records of one parameter in a visit contributes their mean (the ADaM keeps both).
- Counts of subjects use the safety set of ADSL as N unless a statistic says otherwise.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.ard import ALL, make_ard
from cartrial.stats.binomial import compute_clopper_pearson, summarize_proportion
from cartrial.stats.descriptive import compute_continuous
from cartrial.summaries.safety import safety_denominators

BASELINE = "BASELINE"


def _with_all(frame: pd.DataFrame, levels: list[str]) -> list[tuple[str, pd.DataFrame]]:
    return [(lvl, frame[frame["ARM"] == lvl]) for lvl in levels] + [(ALL, frame)]


def _safety(bds: pd.DataFrame, adsl: pd.DataFrame, population: str = "SAFFL") -> pd.DataFrame:
    ids = set(adsl.loc[adsl[population] == "Y", "USUBJID"])
    out = bds[bds["USUBJID"].isin(ids)]
    if "ARM" not in out:
        arm = adsl.set_index("USUBJID")["TRT01A"]
        out = out.assign(ARM=out["USUBJID"].map(arm))
    return out


def visit_records(bds: pd.DataFrame) -> pd.DataFrame:
    """One value per subject, parameter and visit: the baseline record as ``BASELINE`` and each on-treatment
    visit (the mean of a subject's records in a visit), with ``_ORDER`` the display order of the visit. A
    dataset without ``ONTRTFL`` (ADQS) counts its records from study day 2 as on treatment. Unscheduled visits
    (AVISIT ``UNSCHEDULED ...``) are not summarised by visit; their values count in the worst-value and
    out-of-limit analyses."""
    base = bds[bds["ABLFL"] == "Y"].assign(AVISIT=BASELINE, _ORDER=-np.inf)
    on = bds["ONTRTFL"] == "Y" if "ONTRTFL" in bds else bds["ADY"] >= 2
    scheduled = ~bds["AVISIT"].fillna("").astype(str).str.upper().str.startswith("UNSCHEDULED")
    post = bds[on & scheduled & (bds["ABLFL"] != "Y") & bds["AVISIT"].notna()]
    post = post.assign(_ORDER=post["AVISITN"].astype("float64"))
    both = pd.concat([base, post], ignore_index=True)
    keys = ["ARM", "USUBJID", "PARAMCD", "AVISIT", "_ORDER"]
    return both.groupby(keys, as_index=False, dropna=False)[["AVAL", "CHG"]].mean()


def summarize_by_visit(bds: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str], analysis: str,
                       params: list[str] | None = None, population: str = "SAFFL",
                       thresholds: dict[str, dict[str, float]] | None = None) -> pd.DataFrame:
    """n, mean, SD, median, Q1, Q3, min, max of the value and (after baseline) of the change from baseline,
    per parameter, visit and arm; ``thresholds``: per parameter, stat name -> bound, adding the subjects at or
    below the bound (``n_<name>``, with the exact CI of the proportion)."""
    data = _safety(bds, adsl, population)
    if params is not None:
        data = data[data["PARAMCD"].isin(params)]
    if not len(data):
        return make_ard([])
    rec = visit_records(data)
    order = rec[["PARAMCD", "AVISIT", "_ORDER"]].drop_duplicates().sort_values(["PARAMCD", "_ORDER", "AVISIT"])
    if params is not None:
        order = order.assign(_p=order["PARAMCD"].map({p: i for i, p in enumerate(params)})).sort_values(
            ["_p", "_ORDER", "AVISIT"], kind="stable")
    rows = []
    groups = {k: g for k, g in rec.groupby(["PARAMCD", "AVISIT"], sort=False)}
    for param, visit in zip(order["PARAMCD"], order["AVISIT"]):
        g = groups[(param, visit)]
        for lvl, sub in _with_all(g, levels):
            base = dict(analysis=analysis, group="ARM", group_level=lvl, variable=param, variable_level=visit,
                        method="descriptive (HF2 quantiles)")
            rows += [{**base, "stat_name": k, "stat_value": v} for k, v in compute_continuous(sub["AVAL"]).items()]
            if visit != BASELINE:
                rows += [{**base, "stat_name": f"chg_{k}", "stat_value": v}
                         for k, v in compute_continuous(sub["CHG"]).items()]
            for name, bound in ((thresholds or {}).get(param) or {}).items():
                values = sub["AVAL"].dropna()
                x, n = int((values <= bound).sum()), len(values)
                _, lo, hi = compute_clopper_pearson(x, n)
                rule = dict(base, method=f"subjects with a value <= {bound:g}; exact Clopper-Pearson 95% CI")
                rows += [{**rule, "stat_name": f"n_{name}", "stat_value": x},
                         {**rule, "stat_name": f"{name}_ci_lower", "stat_value": lo},
                         {**rule, "stat_name": f"{name}_ci_upper", "stat_value": hi}]
    return make_ard(rows)


def summarize_outside_limits(bds: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str], analysis: str,
                             params: list[str] | None = None, days: tuple[int, int] | None = None) -> pd.DataFrame:
    """Subjects with at least one on-treatment value below ``ANRLO`` (LOW) or above ``ANRHI`` (HIGH), per
    parameter and arm, of the subjects with an on-treatment value (N; ``days``: only study days in that closed
    range), with the limits as ``low``/``high``."""
    data = _safety(bds, adsl)
    data = data[(data["ONTRTFL"] == "Y") & data["AVAL"].notna()]
    if days is not None:
        data = data[data["ADY"].between(*days)]
    if params is not None:
        data = data[data["PARAMCD"].isin(params)]
    rows = []
    for param in (params or sorted(data["PARAMCD"].unique())):
        g = data[data["PARAMCD"] == param]
        if not len(g):
            continue
        for lvl, sub in _with_all(g, levels):
            base = dict(analysis=analysis, group="ARM", group_level=lvl, variable=param,
                        method="subjects with >= 1 on-treatment value outside the limit; N = subjects with a value")
            rows.append({**base, "variable_level": "", "stat_name": "N", "stat_value": sub["USUBJID"].nunique()})
            for level, hit in (("LOW", sub["AVAL"] < sub["ANRLO"]), ("HIGH", sub["AVAL"] > sub["ANRHI"])):
                rows.append({**base, "variable_level": level, "stat_name": "n",
                             "stat_value": sub.loc[hit, "USUBJID"].nunique()})
            for name, col in (("low", "ANRLO"), ("high", "ANRHI")):
                limits = g[col].dropna().unique()
                rows.append({**base, "variable_level": "", "stat_name": name,
                             "stat_value": float(limits[0]) if len(limits) == 1 else np.nan})
    return make_ard(rows)


def summarize_early_vitals(advs: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str], days: int = 14,
                           fever: float = 38.0, hypotension: float = 90.0) -> pd.DataFrame:
    """The first ``days`` days after the infusion (study days 1 to ``days``): per subject the highest
    temperature and the lowest systolic blood pressure (median, range), and subjects with fever (>= ``fever``
    degrees C) and with hypotension (systolic < ``hypotension`` mmHg), with exact CIs; N = safety set."""
    denom = safety_denominators(adsl, levels)
    data = _safety(advs, adsl)
    data = data[data["ADY"].between(1, days) & data["AVAL"].notna()]
    rows = []
    specs = (("TEMP", "max", "FEVER", lambda v: v >= fever, f"temperature >= {fever:g} C"),
             ("SYSBP", "min", "HYPOTENS", lambda v: v < hypotension, f"systolic blood pressure < {hypotension:g} mmHg"))
    for param, how, flag, rule, text in specs:
        g = data[data["PARAMCD"] == param]
        per = g.groupby(["ARM", "USUBJID"])["AVAL"].agg(how).reset_index()
        for lvl, sub in _with_all(per, levels):
            base = dict(analysis="vs_early", group="ARM", group_level=lvl, variable=param,
                        variable_level=f"{how.upper()} DAYS 1-{days}", method=f"per-subject {how} of days 1-{days}")
            rows += [{**base, "stat_name": k, "stat_value": v} for k, v in compute_continuous(sub["AVAL"]).items()]
            hit = dict(base, variable=flag, variable_level=text, method="subjects; N = safety set; exact "
                       "Clopper-Pearson 95% CI")
            rows += [{**hit, "stat_name": k, "stat_value": v}
                     for k, v in summarize_proportion(int(rule(sub["AVAL"]).sum()), denom[lvl]).items()]
    return make_ard(rows)


#: serology: parameter -> (the abnormal baseline, the normal result at a visit)
SEROLOGY = {"DSDNA": ("HIGH", "anti-dsDNA negative (<= ULN)"), "C3": ("LOW", "C3 normal (>= LLN)"),
            "C4": ("LOW", "C4 normal (>= LLN)")}


def summarize_serology(adlb: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str],
                       visits: list[str] | None = None) -> pd.DataFrame:
    """Serological response by visit among subjects abnormal at baseline (``BNRIND``: anti-dsDNA above the
    ULN, C3 or C4 below the LLN): n normal at the visit / N with a value at the visit, exact 95% CI."""
    data = _safety(adlb, adsl, "EFFFL")
    data = data[data["PARAMCD"].isin(list(SEROLOGY))]
    rec = visit_records(data)
    bnr = data.drop_duplicates(["USUBJID", "PARAMCD"]).set_index(["USUBJID", "PARAMCD"])["BNRIND"]
    lim = data.groupby(["USUBJID", "PARAMCD", "AVISIT"])[["ANRLO", "ANRHI"]].first()
    rec = rec.join(bnr, on=["USUBJID", "PARAMCD"]).join(lim, on=["USUBJID", "PARAMCD", "AVISIT"])
    rows = []
    for param, (abnormal, label) in SEROLOGY.items():
        g = rec[(rec["PARAMCD"] == param) & (rec["BNRIND"] == abnormal) & (rec["AVISIT"] != BASELINE)]
        if visits is not None:
            g = g[g["AVISIT"].isin(visits)]
        normal = g["AVAL"] <= g["ANRHI"] if abnormal == "HIGH" else g["AVAL"] >= g["ANRLO"]
        g = g.assign(_ok=normal)
        for visit in g.sort_values("_ORDER")["AVISIT"].unique():
            v = g[g["AVISIT"] == visit]
            for lvl, sub in _with_all(v, levels):
                base = dict(analysis="serology", group="ARM", group_level=lvl, variable=param, variable_level=visit,
                            method=f"{label}; N = subjects abnormal at baseline with a value at the visit; exact "
                                   "Clopper-Pearson 95% CI")
                rows += [{**base, "stat_name": k, "stat_value": val}
                         for k, val in summarize_proportion(int(sub["_ok"].sum()), len(sub)).items()]
    return make_ard(rows)
