"""Safety ARDs: overview, TEAEs by SOC/PT and by maximum grade, CAR-T syndromes.

Conventions (docs/spec/endpoints.md, Safety conventions): subjects are counted
once per term at their highest grade; the column N is the number of safety-set
subjects of the arm in ADSL, never a count from the AE data; ``events`` counts
records. Treatment-emergent = ``TRTEMFL`` = Y.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.ard import ALL, make_ard
from cartrial.dates import dtc_to_date
from cartrial.stats.binomial import summarize_proportion
from cartrial.stats.descriptive import compute_continuous

SYNDROME_LABELS = {"CRS": "Cytokine release syndrome (ASTCT 2019)", "ICANS": "ICANS (ASTCT 2019; CAPD under 12 years)",
                   "AGVHD": "Acute GVHD (MAGIC 2016)", "CGVHD": "Chronic GVHD (NIH 2014)",
                   "ICAHT": "ICAHT (EHA/EBMT 2023)"}
OVERVIEW = (
    ("ANY", "Any TEAE", lambda a: a["TRTEMFL"] == "Y"),
    ("GR3PLUS", "Any grade >= 3 TEAE", lambda a: (a["TRTEMFL"] == "Y") & (a["ATOXGRN"] >= 3)),
    ("SERIOUS", "Any serious TEAE", lambda a: (a["TRTEMFL"] == "Y") & (a["AESER"] == "Y")),
    ("RELATED", "Any TEAE related to CAR-T", lambda a: (a["TRTEMFL"] == "Y") & (a["RELFL"] == "Y")),
    ("RELGR3", "Any related grade >= 3 TEAE",
     lambda a: (a["TRTEMFL"] == "Y") & (a["RELFL"] == "Y") & (a["ATOXGRN"] >= 3)),
    ("FATAL", "Any TEAE leading to death", lambda a: (a["TRTEMFL"] == "Y") & (a["FATALFL"] == "Y")),
    ("AESI", "Any adverse event of special interest", lambda a: (a["TRTEMFL"] == "Y") & (a["AESIFL"] == "Y")),
    ("INFECTION", "Any infection", lambda a: (a["TRTEMFL"] == "Y") & (a["INFFL"] == "Y")),
    ("CRS", "Cytokine release syndrome, any grade", lambda a: (a["TRTEMFL"] == "Y") & (a["SYNDROME"] == "CRS")),
    ("CRSGR3", "Cytokine release syndrome, grade >= 3",
     lambda a: (a["TRTEMFL"] == "Y") & (a["SYNDROME"] == "CRS") & (a["ATOXGRN"] >= 3)),
    ("ICANS", "ICANS, any grade", lambda a: (a["TRTEMFL"] == "Y") & (a["SYNDROME"] == "ICANS")),
    ("ICANSGR3", "ICANS, grade >= 3",
     lambda a: (a["TRTEMFL"] == "Y") & (a["SYNDROME"] == "ICANS") & (a["ATOXGRN"] >= 3)),
    ("GVHD", "GVHD (acute or chronic), any grade",
     lambda a: (a["TRTEMFL"] == "Y") & a["SYNDROME"].isin(["AGVHD", "CGVHD"])),
)


def safety_denominators(adsl: pd.DataFrame, levels: list[str]) -> dict[str, int]:
    saf = adsl[adsl["SAFFL"] == "Y"]
    counts = {lvl: int((saf["TRT01A"] == lvl).sum()) for lvl in levels}
    counts[ALL] = len(saf)
    return counts


def _subjects_by_arm(frame: pd.DataFrame, levels: list[str]) -> dict[str, int]:
    per = frame.groupby("ARM")["USUBJID"].nunique()
    out = {lvl: int(per.get(lvl, 0)) for lvl in levels}
    out[ALL] = int(frame["USUBJID"].nunique())
    return out


def _safety_set(adae: pd.DataFrame) -> pd.DataFrame:
    return adae[adae["SAFFL"] == "Y"]


def summarize_safety_overview(adae: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str]) -> pd.DataFrame:
    """Subjects with at least one event of each overview category: n, N, p per arm and ALL."""
    a = _safety_set(adae)
    denom = safety_denominators(adsl, levels)
    rows = []
    for code, label, rule in OVERVIEW:
        n = _subjects_by_arm(a[rule(a)], levels)
        for lvl in [*levels, ALL]:
            base = dict(analysis="safety_overview", group="ARM", group_level=lvl, variable=code,
                        variable_level=label, method="subjects with >= 1 event; N = safety set (ADSL)")
            N = denom[lvl]
            rows += [{**base, "stat_name": "n", "stat_value": n[lvl]}, {**base, "stat_name": "N", "stat_value": N},
                     {**base, "stat_name": "p", "stat_value": n[lvl] / N if N else np.nan}]
    return make_ard(rows)


def _term_rows(a: pd.DataFrame, variable: str, levels: list[str], denom: dict[str, int], analysis: str,
               within: str | None = None) -> list[dict]:
    """n (subjects), n_grade3plus, events, N, p for every term of ``variable`` (nested in its ``within`` term,
    e.g. a PT in its SOC, which the rows carry as their second group), vectorised."""
    if not len(a):
        return []
    both = pd.concat([a, a.assign(ARM=ALL)], ignore_index=True)
    keys = ["ARM", *([within] if within else []), variable]
    g = both.groupby(keys)
    stats = pd.DataFrame({
        "n": g["USUBJID"].nunique(),
        "n_grade3plus": both[both["ATOXGRN"] >= 3].groupby(keys)["USUBJID"].nunique(),
        "events": g.size(),
    }).fillna(0).reset_index()
    order = {lvl: i for i, lvl in enumerate([*levels, ALL])}
    stats = stats[stats["ARM"].isin(order)]
    stats = stats.assign(_o=stats["ARM"].map(order)).sort_values(["_o", *keys[1:]], kind="stable").drop(columns="_o")
    stats["N"] = stats["ARM"].map(denom)
    stats["p"] = stats["n"] / stats["N"]
    long = stats.melt(id_vars=keys, value_vars=["n", "n_grade3plus", "events", "N", "p"],
                      var_name="stat_name", value_name="stat_value")
    outer = long[within] if within else pd.Series("", index=long.index)
    return [dict(analysis=analysis, group="ARM", group_level=arm, group2=within or "", group2_level=soc,
                 variable=variable, variable_level=term, stat_name=stat, stat_value=value,
                 method="subjects counted once per term; N = safety set (ADSL)")
            for arm, soc, term, stat, value in zip(long["ARM"], outer, long[variable], long["stat_name"],
                                                   long["stat_value"])]


def _events(adae: pd.DataFrame, flags: tuple[str, ...]) -> pd.DataFrame:
    """Safety-set events with every one of ``flags`` = Y."""
    a = _safety_set(adae)
    for flag in flags:
        a = a[a[flag] == "Y"]
    return a


def summarize_ae_by_soc_pt(adae: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str], flag: str = "TRTEMFL",
                           analysis: str = "ae_by_soc_pt", also: tuple[str, ...] = ()) -> pd.DataFrame:
    """Subjects with events by SOC (``AEBODSYS``) and PT (``AEDECOD``), with an ``ANY`` row.

    ``flag`` selects the events (``TRTEMFL`` for treatment-emergent, ``LDEMFL``
    for those during lymphodepletion); ``also``: further flags they must carry (``RELFL``: related).
    """
    a = _events(adae, (flag, *also)).assign(ANY="ANY")
    denom = safety_denominators(adsl, levels)
    rows = []
    for variable in ("ANY", "AEBODSYS"):
        rows += _term_rows(a, variable, levels, denom, analysis)
    rows += _term_rows(a, "AEDECOD", levels, denom, analysis, within="AEBODSYS")
    return make_ard(rows)


def summarize_ae_by_pt_grade(adae: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str],
                             analysis: str = "ae_by_pt_grade", also: tuple[str, ...] = ()) -> pd.DataFrame:
    """Subjects by PT and maximum grade (1-5) of their treatment-emergent events (``also``: further flags the
    events must carry, ``RELFL`` for related)."""
    a = _events(adae, ("TRTEMFL", *also))
    a = a[a["ATOXGRN"].notna()]
    denom = safety_denominators(adsl, levels)
    both = pd.concat([a, a.assign(ARM=ALL)], ignore_index=True)
    worst = both.groupby(["ARM", "AEBODSYS", "AEDECOD", "USUBJID"])["ATOXGRN"].max().reset_index()
    counts = worst.groupby(["ARM", "AEBODSYS", "AEDECOD", "ATOXGRN"]).size().unstack("ATOXGRN").reindex(
        columns=[1.0, 2.0, 3.0, 4.0, 5.0]).fillna(0)
    order = {lvl: i for i, lvl in enumerate([*levels, ALL])}  # the arms in the configured column order
    counts = counts.iloc[sorted(range(len(counts)), key=lambda i: (order.get(counts.index[i][0], len(order)), i))]
    rows = []
    for (arm, soc, pt), r in counts.iterrows():
        if arm not in denom:
            continue
        base = dict(analysis=analysis, group="ARM", group_level=arm, group2="AEBODSYS", group2_level=soc,
                    variable="AEDECOD", variable_level=pt,
                    method="subjects counted once at their maximum grade; N = safety set (ADSL)")
        rows += [{**base, "stat_name": f"n_grade{int(g)}", "stat_value": r[g]} for g in counts.columns]
        rows.append({**base, "stat_name": "N", "stat_value": denom[arm]})
    return make_ard(rows)


def summarize_aesi(adae: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str]) -> pd.DataFrame:
    """Subjects with a treatment-emergent adverse event of special interest (``AESIFL``), any and by PT, per arm
    and in total, every arm stated (0 included): n, N (safety set), p and the exact Clopper-Pearson 95% CI."""
    a = _events(adae, ("TRTEMFL", "AESIFL"))
    both = pd.concat([a, a.assign(ARM=ALL)], ignore_index=True)
    denom = safety_denominators(adsl, levels)
    rows = []
    for variable, term in [("ANY", "ANY"), *(("AEDECOD", pt) for pt in sorted(a["AEDECOD"].dropna().unique()))]:
        sub = both if variable == "ANY" else both[both["AEDECOD"] == term]
        per = sub.groupby("ARM")["USUBJID"].nunique()
        for arm in [*levels, ALL]:
            base = dict(analysis="aesi", group="ARM", group_level=arm, variable=variable, variable_level=term,
                        method="subjects counted once per term; N = safety set (ADSL); Clopper-Pearson exact 95% CI")
            rows += [{**base, "stat_name": k, "stat_value": x}
                     for k, x in summarize_proportion(int(per.get(arm, 0)), denom[arm]).items()]
    return make_ard(rows)


def summarize_syndromes(adae: pd.DataFrame, adsl: pd.DataFrame, cm: pd.DataFrame | None, *,
                        levels: list[str]) -> pd.DataFrame:
    """Per CAR-T syndrome: incidence with exact CI, maximum grade, onset day, duration, treatment.

    Onset: study day of the subject's first episode; duration: days from the
    first start to the last end of the subject's episodes (ongoing episodes
    are left out of the duration). Treatment: subjects with the syndrome who
    received tocilizumab or a corticosteroid recorded as CM ``CRS THERAPY``.
    """
    a = _safety_set(adae)
    a = a[(a["TRTEMFL"] == "Y") & (a["SYNDROME"] != "")]
    denom = safety_denominators(adsl, levels)
    therapy = _therapy(cm, "CRS THERAPY")
    rows = []
    for syndrome in SYNDROME_LABELS:
        s = a[a["SYNDROME"] == syndrome]
        per = s.groupby("USUBJID").agg(ARM=("ARM", "first"), GRADE=("ATOXGRN", "max"), ONSET=("ASTDY", "min"),
                                       START=("ASTDT", "min"), END=("AENDT", "max"),
                                       OPEN=("AENDT", lambda x: x.isna().any()))
        per["DUR"] = ((per["END"] - per["START"]).dt.days + 1).where(~per["OPEN"].astype(bool))
        for lvl in [*levels, ALL]:
            sub = per if lvl == ALL else per[per["ARM"] == lvl]
            N = denom[lvl]
            base = dict(analysis="syndromes", group="ARM", group_level=lvl, variable=syndrome,
                        variable_level=SYNDROME_LABELS[syndrome])
            stats = summarize_proportion(len(sub), N)
            stats.update({f"n_grade{g}": int((sub["GRADE"] == g).sum()) for g in range(1, 6)})
            onset, dur = compute_continuous(sub["ONSET"]), compute_continuous(sub["DUR"])
            stats.update({f"onset_{k}": onset[k] for k in ("n", "median", "min", "max")})
            stats.update({f"duration_{k}": dur[k] for k in ("n", "median", "min", "max")})
            treated = therapy[therapy["USUBJID"].isin(sub.index)]
            stats["n_tocilizumab"] = treated.loc[treated["DRUG"] == "TOCILIZUMAB", "USUBJID"].nunique()
            stats["n_corticosteroid"] = treated.loc[treated["STEROID"], "USUBJID"].nunique()
            for name, value in stats.items():
                method = "clopper-pearson" if name.startswith("ci_") else "subjects; N = safety set (ADSL)"
                rows.append({**base, "stat_name": name, "stat_value": value, "method": method})
    return make_ard(rows)


STEROIDS = ("DEXAMETHASONE", "METHYLPREDNISOLONE", "PREDNISONE", "PREDNISOLONE", "HYDROCORTISONE")


def _therapy(cm: pd.DataFrame | None, category: str) -> pd.DataFrame:
    """The CM records of ``category`` (``CRS THERAPY``, ``GVHD THERAPY``): subject, drug (upper case), whether
    it is a corticosteroid, and the start date (a partial date at its earliest day)."""
    if cm is None or not len(cm) or "CMCAT" not in cm:
        return pd.DataFrame({"USUBJID": pd.Series(dtype=object), "DRUG": pd.Series(dtype=object),
                             "STEROID": pd.Series(dtype=bool), "ADT": pd.Series(dtype="datetime64[ns]")})
    rec = cm[cm["CMCAT"] == category]
    drug = (rec["CMDECOD"] if "CMDECOD" in rec else rec["CMTRT"]).fillna(rec["CMTRT"]).str.upper()
    return pd.DataFrame({"USUBJID": rec["USUBJID"], "DRUG": drug, "STEROID": drug.isin(STEROIDS),
                         "ADT": dtc_to_date(rec["CMSTDTC"], impute="first")})


#: acute GVHD organ stages (MAGIC 2016; AE supplemental qualifiers, docs/spec/sdtm-input.md) and overall grade
GVHD_ORGANS = {"AGVHSKIN": "Skin", "AGVHLIVR": "Liver", "AGVHUGI": "Upper GI", "AGVHLGI": "Lower GI"}
GVHD_GRADES = ("I", "II", "III", "IV")
CGVHD_SEVERITY = ("MILD", "MODERATE", "SEVERE")


def _max_level(values: pd.Series, order: tuple[str, ...]) -> str:
    rank = values.map({v: i for i, v in enumerate(order)}).dropna()
    return order[int(rank.max())] if len(rank) else "NOT STAGED"


def summarize_gvhd(adae: pd.DataFrame, adsl: pd.DataFrame, cm: pd.DataFrame | None, *,
                   levels: list[str]) -> pd.DataFrame:
    """Acute GVHD by MAGIC 2016 (maximum stage per organ, 0-4, upper GI 0-1, and maximum overall grade I-IV) and
    chronic GVHD by NIH global severity (worst of mild, moderate, severe), per arm, of the subjects with the
    syndrome (treatment-emergent); treated: a CM record of category ``GVHD THERAPY`` starting on or after the
    first onset. Subjects with the syndrome but no staging count as ``NOT STAGED``."""
    a = _safety_set(adae)
    a = a[(a["TRTEMFL"] == "Y") & a["SYNDROME"].isin(["AGVHD", "CGVHD"])]
    denom = safety_denominators(adsl, levels)
    therapy = _therapy(cm, "GVHD THERAPY")
    rows = []
    for syndrome in ("AGVHD", "CGVHD"):
        s = a[a["SYNDROME"] == syndrome]
        per = s.groupby("USUBJID").agg(ARM=("ARM", "first"), START=("ASTDT", "min"))
        if syndrome == "AGVHD":
            for qnam in GVHD_ORGANS:
                col = pd.to_numeric(s[qnam], errors="coerce") if qnam in s else pd.Series(np.nan, index=s.index)
                per[qnam] = col.groupby(s["USUBJID"]).max().map(
                    lambda x: "NOT STAGED" if pd.isna(x) else f"STAGE {int(x)}")
            grade = s["AGVHGR"] if "AGVHGR" in s else pd.Series(np.nan, index=s.index)
            per["AGVHGR"] = grade.groupby(s["USUBJID"]).agg(lambda v: _max_level(v, GVHD_GRADES))
            cats = {q: [f"STAGE {k}" for k in range(5)] + ["NOT STAGED"] for q in GVHD_ORGANS}
            cats["AGVHGR"] = [*GVHD_GRADES, "NOT STAGED"]
        else:
            sev = s["CGVHSEV"] if "CGVHSEV" in s else pd.Series(np.nan, index=s.index)
            per["CGVHSEV"] = sev.groupby(s["USUBJID"]).agg(lambda v: _max_level(v, CGVHD_SEVERITY))
            cats = {"CGVHSEV": [*CGVHD_SEVERITY, "NOT STAGED"]}
        treated = therapy.merge(per["START"].reset_index(), on="USUBJID")
        treated_ids = set(treated.loc[treated["ADT"] >= treated["START"], "USUBJID"])
        for lvl in [*levels, ALL]:
            sub = per if lvl == ALL else per[per["ARM"] == lvl]
            base = dict(analysis="gvhd", group="ARM", group_level=lvl, method="subjects; N = safety set (ADSL)")
            rows += [{**base, "variable": syndrome, "variable_level": "", "stat_name": "n", "stat_value": len(sub)},
                     {**base, "variable": syndrome, "variable_level": "", "stat_name": "N", "stat_value": denom[lvl]},
                     {**base, "variable": syndrome, "variable_level": "", "stat_name": "n_treated",
                      "stat_value": len(treated_ids & set(sub.index))}]
            for variable, levels_of in cats.items():
                counts = sub[variable].value_counts() if len(sub) else pd.Series(dtype=float)
                rows += [{**base, "variable": variable, "variable_level": c, "stat_name": "n",
                          "stat_value": int(counts.get(c, 0)), "method": "subjects with the syndrome, worst stage"}
                         for c in levels_of]
    return make_ard(rows)
