"""Concomitant treatments as ARDs: medications by category and preferred name, immunosuppressants stopped,
anti-infective prophylaxis and immunoglobulin replacement (docs/spec/endpoints.md, Concomitant treatments).

- A medication is concomitant when taken on or after the infusion day (ADCM ``ONTRTFL`` = Y); subjects are
  counted once per category and per preferred name; N = safety set.
- Background immunosuppressant: a record of a configured immunosuppressant category taken in the 90 days
  before the infusion (ongoing at, or ended within 90 days before, Day 1). Stopped: every such record ended
  before the infusion and none started after it by the data cut (restarted otherwise).
- Prophylaxis and replacement: a record of the configured category taken on or after the infusion.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.ard import ALL, make_ard
from cartrial.stats.binomial import summarize_proportion
from cartrial.summaries.safety import _term_rows, safety_denominators

#: the default categories (CMCAT) of each row of the concomitant-treatment summary
DEFAULT_GROUPS = {
    "IMMUNOSUPPRESSANT": ["IMMUNOSUPPRESSANT", "BIOLOGIC"],
    "ANTIVIRAL": ["ANTIVIRAL"], "ANTIBACTERIAL": ["ANTIBACTERIAL"], "ANTIFUNGAL": ["ANTIFUNGAL"],
    "IMMUNOGLOBULIN": ["IMMUNOGLOBULIN"],
}
BACKGROUND_DAYS = 90


def _adcm(adcm: pd.DataFrame, adsl: pd.DataFrame) -> pd.DataFrame:
    """Safety-set records with ARM; CMCAT (permissible in SDTM) empty where the input has none."""
    saf = adsl.loc[adsl["SAFFL"] == "Y", ["USUBJID", "TRT01A"]].rename(columns={"TRT01A": "ARM"})
    out = adcm.merge(saf, on="USUBJID", how="inner")
    return out if "CMCAT" in out else out.assign(CMCAT=pd.Series(pd.NA, index=out.index, dtype=object))


def summarize_cm_by_class(adcm: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str]) -> pd.DataFrame:
    """Subjects with a concomitant medication (ONTRTFL = Y) by category (CMCAT) and preferred name (CMDECOD,
    else CMTRT), with an ``ANY`` row."""
    a = _adcm(adcm, adsl)
    a = a[a["ONTRTFL"] == "Y"]
    name = a["CMDECOD"].fillna(a["CMTRT"]) if "CMDECOD" in a else a["CMTRT"]
    a = a.assign(ANY="ANY", CMDECOD=name, CMCAT=a["CMCAT"].fillna("UNCATEGORISED"), ATOXGRN=np.nan)
    denom = safety_denominators(adsl, levels)
    rows = []
    for variable in ("ANY", "CMCAT"):
        rows += _term_rows(a, variable, levels, denom, "cm_by_class")
    rows += _term_rows(a, "CMDECOD", levels, denom, "cm_by_class", within="CMCAT")
    for r in rows:
        r["method"] = "subjects with >= 1 medication taken on or after the infusion day; N = safety set (ADSL)"
    return make_ard([r for r in rows if r["stat_name"] != "n_grade3plus"])


def summarize_cm_special(adcm: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str],
                         groups: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Background immunosuppressants stopped (and restarted), and prophylaxis or replacement after the
    infusion, per configured group of categories: n/N (%) with the exact 95% CI."""
    groups = groups or DEFAULT_GROUPS
    a = _adcm(adcm, adsl)
    denom = safety_denominators(adsl, levels)
    arm = adsl.loc[adsl["SAFFL"] == "Y"].set_index("USUBJID")["TRT01A"]
    cat = a["CMCAT"].fillna("")
    rows = []

    def per_arm(subjects: set) -> dict[str, int]:
        counts = pd.Series(sorted(subjects), dtype=object).map(arm).value_counts()
        return {**{lvl: int(counts.get(lvl, 0)) for lvl in levels}, ALL: len(subjects)}

    def add(variable, label, subjects, N_by):
        x_by = per_arm(subjects)
        for lvl in [*levels, ALL]:
            base = dict(analysis="cm_special", group="ARM", group_level=lvl, variable=variable, variable_level=label,
                        method="subjects; exact Clopper-Pearson 95% CI")
            rows.extend({**base, "stat_name": k, "stat_value": v}
                        for k, v in summarize_proportion(x_by[lvl], int(N_by[lvl])).items())

    isup = a[cat.isin(groups.get("IMMUNOSUPPRESSANT", []))]
    recent = isup[isup["ASTDY"].le(0) & (isup["AENDT"].isna() | isup["AENDY"].ge(-BACKGROUND_DAYS))]
    background = set(recent["USUBJID"])
    on_after = set(isup.loc[isup["ONTRTFL"] == "Y", "USUBJID"])
    N_bg = per_arm(background)
    add("ISBKGRD", "On a background immunosuppressant (90 days before infusion)", background, denom)
    add("ISSTOP", "Stopped before the infusion, not restarted", background - on_after, N_bg)
    add("ISRESTRT", "Restarted or continued after the infusion", background & on_after, N_bg)
    for group, cats in groups.items():
        if group == "IMMUNOSUPPRESSANT":
            continue
        taken = set(a.loc[cat.isin(cats) & (a["ONTRTFL"] == "Y"), "USUBJID"])
        add(group, f"{group.capitalize()} after the infusion", taken, denom)
    return make_ard(rows)
