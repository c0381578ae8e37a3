"""Laboratory safety and interim monitoring ARDs."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.ard import ALL, make_ard
from cartrial.stats.monitoring import (compute_posterior_exceedance, compute_predictive_probability,
                                       compute_stopping_boundary)
from cartrial.summaries.safety import safety_denominators


CTCAE_SHIFT = "CTCAE v5.0; baseline before lymphodepletion; worst post-infusion"


def summarize_lab_shift(worst: pd.DataFrame, *, levels: list[str], grades: int = 5,
                        method: str = CTCAE_SHIFT) -> pd.DataFrame:
    """Subjects by baseline grade (variable_level) and worst post-infusion grade (stat ``n_worst<g>``, g below
    ``grades``); ``method`` names the grading."""
    rows = []
    w = worst.assign(B=worst["BTOXGRN"].map(lambda g: "MISSING" if pd.isna(g) else f"GRADE {int(g)}"))
    for lvl in [*levels, ALL]:
        sub = w if lvl == ALL else w[w["ARM"] == lvl]
        for param, g in sub.groupby("PARAMCD"):
            counts = pd.crosstab(g["B"], g["WTOXGRN"].fillna(-1))
            for base_level in sorted(set(w["B"])):
                for grade in range(0, grades):
                    n = int(counts.loc[base_level, float(grade)]) if (base_level in counts.index and float(grade)
                                                                      in counts.columns) else 0
                    rows.append(dict(analysis="lab_shift", group="ARM", group_level=lvl, variable=param,
                                     variable_level=base_level, stat_name=f"n_worst{grade}", stat_value=n,
                                     method=method))
                rows.append(dict(analysis="lab_shift", group="ARM", group_level=lvl, variable=param,
                                 variable_level=base_level, stat_name="N", stat_value=g["USUBJID"].nunique(),
                                 method="subjects with the test"))
    return make_ard(rows)


#: serum IgG in ADLB (hypogammaglobulinaemia)
IGG = "IGG"
#: IgG categories (not CTCAE, which grades hypogammaglobulinaemia clinically): 0 at or above the LLN, 1 below
#: the LLN, 2 below the replacement threshold
IGG_SEVERE = 4.0


def igg_category(value, lln) -> np.ndarray:
    """0 (>= LLN), 1 (< LLN), 2 (< 4 g/L); NaN where the value is missing (without an LLN only 0 or 2)."""
    value, lln = np.asarray(value, dtype="float64"), np.asarray(lln, dtype="float64")
    cat = np.where(value < IGG_SEVERE, 2.0, np.where(~np.isnan(lln) & (value < lln), 1.0, 0.0))
    return np.where(np.isnan(value), np.nan, cat)


def summarize_igg_shift(adlb: pd.DataFrame, *, levels: list[str]) -> pd.DataFrame:
    """IgG: subjects by baseline category and lowest post-infusion category (the lab_shift layout, variable
    IGG, stats ``n_worst0``-``n_worst2``)."""
    igg = adlb[adlb["PARAMCD"] == IGG]
    if not len(igg):
        return make_ard([])
    cat = igg.assign(CAT=igg_category(igg["AVAL"], igg["ANRLO"]))
    base = cat[cat["ABLFL"] == "Y"].set_index("USUBJID")["CAT"].rename("BTOXGRN")
    worst = cat[cat["ONTRTFL"] == "Y"].groupby("USUBJID")["CAT"].max().rename("WTOXGRN")
    arm = cat.groupby("USUBJID")["ARM"].first()
    frame = pd.concat([arm, base, worst], axis=1).reset_index().assign(PARAMCD=IGG)
    return summarize_lab_shift(frame, levels=levels, grades=3,
                               method=f"IgG category (0 >= LLN, 1 < LLN, 2 < {IGG_SEVERE:g} g/L); lowest post-infusion")


def summarize_icaht(icaht: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str]) -> pd.DataFrame:
    """Early ICAHT grade distribution and prolonged grade >= 3 cytopenia beyond Day 30 and Day 90."""
    denom = safety_denominators(adsl, levels)
    rows = []
    for lvl in [*levels, ALL]:
        sub = icaht if lvl == ALL else icaht[icaht["ARM"] == lvl]
        base = dict(analysis="icaht", group="ARM", group_level=lvl)
        for g in range(0, 5):
            rows.append({**base, "variable": "ICAHTGR", "variable_level": f"GRADE {g}", "stat_name": "n",
                         "stat_value": int((sub["ICAHTGR"] == g).sum()), "method": "EHA/EBMT 2023 early ICAHT"})
        rows.append({**base, "variable": "ICAHTGR", "variable_level": "", "stat_name": "N",
                     "stat_value": denom[lvl], "method": "safety set"})
        for flag, label in (("PC30FL", "DAY 30"), ("PC90FL", "DAY 90")):
            evaluable = sub[sub[flag] != ""]
            rows += [{**base, "variable": flag, "variable_level": label, "stat_name": "n",
                      "stat_value": int((evaluable[flag] == "Y").sum()), "method": "ANC < 1.0 or platelets < 50"},
                     {**base, "variable": flag, "variable_level": label, "stat_name": "N",
                      "stat_value": len(evaluable), "method": "subjects followed to the day or with the event"}]
    return make_ard(rows)


def summarize_toxicity_monitoring(adae: pd.DataFrame, adsl: pd.DataFrame, *, syndromes: list[str],
                                  min_grade: int, prior: tuple[float, float], threshold: float, cutoff: float,
                                  planned_n: int) -> pd.DataFrame:
    """Beta-binomial safety stopping rule on subjects with a grade >= ``min_grade`` event of ``syndromes``.

    Evaluable subjects: ADSL ``MONEVLFL`` = Y (infused at least ``min_followup_days`` before the cut, or with
    the event; derived in ADSL by the same settings).
    """
    a, b = prior
    events = adae[(adae["TRTEMFL"] == "Y") & adae["SYNDROME"].isin(syndromes) & (adae["ATOXGRN"] >= min_grade)]
    with_event = set(events["USUBJID"])
    evaluable = adsl[(adsl["SAFFL"] == "Y") & (adsl["MONEVLFL"] == "Y")]
    n, x = len(evaluable), len(with_event & set(evaluable["USUBJID"]))
    post = compute_posterior_exceedance(x, n, a=a, b=b, threshold=threshold)
    bound = compute_stopping_boundary(planned_n, a=a, b=b, threshold=threshold, cutoff=cutoff)
    label = f"{'/'.join(syndromes)} grade >= {min_grade}"
    method = f"beta-binomial; prior Beta({a:g}, {b:g}); stop if P(rate > {threshold:g}) > {cutoff:g}"
    base = dict(analysis="monitoring", group="ARM", group_level=ALL, variable="TOXICITY", variable_level=label,
                method=method)
    bound_now = bound[n - 1] if 0 < n <= planned_n else np.nan
    rows = [{**base, "stat_name": k, "stat_value": v} for k, v in (
        ("x", x), ("n", n), ("posterior_prob", post), ("threshold", threshold), ("cutoff", cutoff),
        ("boundary_at_n", bound_now), ("crossed", float(post > cutoff)), ("planned_n", planned_n))]
    rows += [dict(analysis="monitoring", group="ARM", group_level=ALL, variable="BOUNDARY", variable_level=str(k),
                  stat_name="min_events", stat_value=bound[k - 1], method=method) for k in range(1, planned_n + 1)]
    return make_ard(rows)


def summarize_predictive_probability(rates: pd.DataFrame, *, paramcd: str, visit: str, prior: tuple[float, float],
                                     p0: float, cutoff: float, planned_n: int) -> pd.DataFrame:
    """Predictive probability of success of the primary endpoint at the planned sample size."""
    sel = rates[(rates["group_level"] == ALL) & (rates["variable"] == paramcd) & (rates["variable_level"] == visit)]
    v = dict(zip(sel["stat_name"], sel["stat_value"]))
    x, n = int(v.get("n", 0)), int(v.get("N", 0))
    a, b = prior
    pp = compute_predictive_probability(x, n, planned_n=planned_n, a=a, b=b, p0=p0, cutoff=cutoff) if n else np.nan
    post = compute_posterior_exceedance(x, n, a=a, b=b, threshold=p0)
    method = f"beta-binomial predictive; prior Beta({a:g}, {b:g}); success if P(rate > {p0:g}) > {cutoff:g} at N"
    base = dict(analysis="monitoring", group="ARM", group_level=ALL, variable="EFFICACY",
                variable_level=f"{paramcd} at {visit}", method=method)
    return make_ard([{**base, "stat_name": k, "stat_value": val} for k, val in (
        ("x", x), ("n", n), ("posterior_prob", post), ("p0", p0), ("cutoff", cutoff), ("planned_n", planned_n),
        ("predictive_prob", pp))])
