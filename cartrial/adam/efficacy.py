"""ADQS (disease activity by visit) and ADRS (responder flags by visit).

The builder reads like the spec:

1. instrument assessments from RS (SLEDAI items and totals, BILAG grades,
   PGA, SDI) and LB (UPCR, creatinine, C3, C4, anti-dsDNA), eGFR by the
   age-appropriate equation, the prednisone-equivalent dose on each SLEDAI
   assessment date;
2. analysis visits and baseline (``cartrial.adam.visits``);
3. one visit frame per subject and analysis visit whose window closed by the
   data cut, with every component and its baseline;
4. responder flags (``cartrial.endpoints.responders``) and non-responder
   imputation for visits without a determinable response.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from cartrial.adam.adsl import first_cm_dates
from cartrial.adam.bds import parameter_numbers
from cartrial.adam.traceability import source_columns, treatment_columns
from cartrial.adam.visits import (VisitWindow, derive_analysis_visits, derive_baseline, window_multiplicity,
                                   windows_frame)
from cartrial.dates import dtc_to_date, study_day
from cartrial.endpoints import responders as R
from cartrial.endpoints.rules import EndpointRules
from cartrial.instruments.bilag import count_new_grades, derive_bilag_assessments
from cartrial.instruments.renal import compute_egfr
from cartrial.instruments.sledai import derive_sledai_assessments
from cartrial.instruments.steroids import compute_prednisone_equivalent, derive_glucocorticoid_records
from cartrial.sdtm.contract import BILAG_DOMAINS, SLEDAI_ITEMS
from cartrial.sdtm.errors import Finding

PARAMS = {
    "SLEDAI": "SLEDAI total score", "CSLEDAI": "Clinical SLEDAI (without serology)", "PGA": "Physician global assessment",
    "BILAG": "BILAG-2004 global score", "SDI": "SLICC/ACR damage index", "UPCR": "Urine protein/creatinine ratio (g/g)",
    "EGFR": "eGFR (mL/min/1.73 m2)", "C3": "Complement C3 (g/L)", "C4": "Complement C4 (g/L)",
    "DSDNA": "Anti-dsDNA (IU/mL)", "PREDEQ": "Prednisone-equivalent dose (mg/day)",
}
LAB_PARAMS = ("UPCR", "CREAT", "C3", "C4", "DSDNA")


def _rs_numeric(rs: pd.DataFrame, cat: str, test: str, name: str) -> pd.DataFrame:
    rec = rs[(rs["RSCAT"] == cat) & (rs["RSTESTCD"] == test)]
    out = pd.DataFrame({"USUBJID": rec["USUBJID"], "ADT": dtc_to_date(rec["RSDTC"]), name: rec["RSSTRESN"]})
    return out.dropna(subset=["ADT"]).groupby(["USUBJID", "ADT"], as_index=False)[name].first()


def derive_lab_assessments(lb: pd.DataFrame | None, vs: pd.DataFrame | None, adsl: pd.DataFrame) -> pd.DataFrame:
    """Long lab records (``PARAMCD`` in UPCR, C3, C4, DSDNA, EGFR) in standard units.

    eGFR uses the age at the sample (DM age at consent plus the years since),
    the last height on or before the sample, and the bedside Schwartz
    equation under 18 years, CKD-EPI 2021 from 18.
    """
    if lb is None or not len(lb):
        return pd.DataFrame(columns=["USUBJID", "PARAMCD", "ADT", "AVAL"])
    rec = lb[lb["LBTESTCD"].isin(LAB_PARAMS)]
    rec = pd.DataFrame({"USUBJID": rec["USUBJID"], "PARAMCD": rec["LBTESTCD"], "ADT": dtc_to_date(rec["LBDTC"]),
                        "AVAL": rec["LBSTRESN"], **source_columns(rec, "LB", "LBSTRESN")}).dropna(subset=["ADT"])
    creat = rec[rec["PARAMCD"] == "CREAT"].merge(adsl[["USUBJID", "AGE", "SEX", "RFICDT"]], on="USUBJID")
    if len(creat) and vs is not None and len(vs):
        h = vs[vs["VSTESTCD"] == "HEIGHT"]
        h = pd.DataFrame({"USUBJID": h["USUBJID"], "HDT": dtc_to_date(h["VSDTC"]), "HEIGHT": h["VSSTRESN"]})
        h = h.dropna().sort_values("HDT")
        creat = pd.merge_asof(creat.sort_values("ADT"), h, left_on="ADT", right_on="HDT", by="USUBJID",
                              direction="backward")
    else:
        creat["HEIGHT"] = np.nan
    age = creat["AGE"] + (creat["ADT"] - creat["RFICDT"]).dt.days / 365.25
    egfr = creat[["USUBJID", "ADT", "SRCDOM", "SRCVAR", "SRCSEQ"]].assign(  # traced to its creatinine record
        PARAMCD="EGFR", AVAL=compute_egfr(creat["AVAL"], age=age, sex=creat["SEX"], height_cm=creat["HEIGHT"]))
    keep = rec[rec["PARAMCD"] != "CREAT"]
    return pd.concat([keep, egfr], ignore_index=True)


def sledai_issues(sled: pd.DataFrame, *, version: str) -> list[Finding]:
    """Data issues: assessments with missing descriptors, and CRF totals that differ from the items."""
    issues = []
    for row in sled[sled["NMISS"] > 0].itertuples():
        issues.append(Finding("RS", "rs", None, "RSSTRESC",
                              f"{version} assessment of {row.ADT:%Y-%m-%d} has {int(row.NMISS)} missing "
                              "descriptor(s): no total (missing is never scored as absent)", None, row.USUBJID,
                              severity="warning", action="total missing; visit not evaluable"))
    diff = sled[sled["CRFTOT"].notna() & sled["SLEDAI"].notna() & (sled["CRFTOT"] != sled["SLEDAI"])]
    for row in diff.itertuples():
        issues.append(Finding("RS", "rs", None, "RSSTRESN",
                              f"{version} CRF total {row.CRFTOT:g} on {row.ADT:%Y-%m-%d} differs from the item "
                              f"total {row.SLEDAI:g}", f"{row.CRFTOT:g}", row.USUBJID, severity="warning",
                              action="item total used"))
    return issues


def _windowed(frame: pd.DataFrame, adsl, windows, value: str) -> pd.DataFrame:
    return derive_analysis_visits(frame, adsl, windows, by=[], value=value)


def _pick(frame: pd.DataFrame, cols: list[str], suffix: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(analysed post-baseline records, baseline records) with ``cols`` renamed by suffix."""
    sel = frame[(frame["ANL01FL"] == "Y") & (frame["ABLFL"] != "Y")]
    post = sel[["USUBJID", "AVISIT"] + cols].rename(columns={c: f"{c}{suffix}" for c in cols})
    base = frame[frame["ABLFL"] == "Y"][["USUBJID"] + cols].rename(columns={c: f"{c}_BASE" for c in cols})
    return post, base


def build_visit_frame(adsl: pd.DataFrame, windows: list[VisitWindow], *, cut: str, sled: pd.DataFrame,
                      bilag: pd.DataFrame, pga: pd.DataFrame, labs: pd.DataFrame, gc: pd.DataFrame,
                      rescue: pd.Series, krt: pd.Series) -> pd.DataFrame:
    """One row per efficacy-set subject and analysis visit whose window closed by the cut."""
    cut_ts = pd.Timestamp(cut)
    subj = adsl[adsl["EFFFL"] == "Y"][["USUBJID", "TRT01A", "TRTSDT", "DTHDT", "EOSSTT", "DCSREAS", "EOSDT"]]
    win = windows_frame(windows)
    grid = subj.merge(win, how="cross")
    grid["WINENDT"] = grid["TRTSDT"] + pd.to_timedelta(grid["UPPER"] - 1, unit="D")
    grid = grid[grid["WINENDT"] <= cut_ts].reset_index(drop=True)
    sw = _windowed(sled, adsl, windows, "SLEDAI")
    sw = sw.sort_values(["USUBJID", "ADT"], kind="stable")
    prev = sw.groupby("USUBJID")[list(SLEDAI_ITEMS)].shift(1).add_suffix("_PREV")
    sw = pd.concat([sw, prev], axis=1)
    s_post, s_base = _pick(sw, ["ADT", "SLEDAI", "CSLEDAI", *SLEDAI_ITEMS, *[f"{i}_PREV" for i in SLEDAI_ITEMS]])
    s_base = s_base[["USUBJID", "SLEDAI_BASE"]]
    bw = _windowed(bilag, adsl, windows, "BILAG")
    b_post, b_base = _pick(bw, ["ADT", *BILAG_DOMAINS, "BILAG"])
    b_post = b_post.rename(columns={"ADT": "BILAGDT"})
    b_base = b_base.drop(columns=["ADT_BASE"])
    pw = _windowed(pga, adsl, windows, "PGA")
    p_post, p_base = _pick(pw, ["ADT", "PGA"])
    p_post = p_post.rename(columns={"ADT": "PGADT"})
    p_base = p_base[["USUBJID", "PGA_BASE"]]
    v = grid
    for frame, on in ((s_post, ["USUBJID", "AVISIT"]), (s_base, ["USUBJID"]), (b_post, ["USUBJID", "AVISIT"]),
                      (b_base, ["USUBJID"]), (p_post, ["USUBJID", "AVISIT"]), (p_base, ["USUBJID"])):
        v = v.merge(frame, on=on, how="left", validate="many_to_one")
    for name in ("UPCR", "EGFR"):
        lw = labs[labs["PARAMCD"] == name]
        if len(lw):
            lw = derive_analysis_visits(lw, adsl, windows, by=["PARAMCD"], value="AVAL")
            post, base = _pick(lw, ["ADT", "AVAL"])
            post = post.rename(columns={"ADT": f"{name}DT", "AVAL": name})
            v = v.merge(post, on=["USUBJID", "AVISIT"], how="left", validate="many_to_one")
            v = v.merge(base[["USUBJID", "AVAL_BASE"]].rename(columns={"AVAL_BASE": f"{name}_BASE"}),
                        on="USUBJID", how="left", validate="many_to_one")
        else:
            v[[f"{name}DT", name, f"{name}_BASE"]] = [pd.NaT, np.nan, np.nan]
    v["ADT"] = v["ADT"].fillna(v["BILAGDT"]).fillna(v["PGADT"])
    cur = v[list(BILAG_DOMAINS)]
    base = v[[f"{d}_BASE" for d in BILAG_DOMAINS]].set_axis(list(BILAG_DOMAINS), axis=1)
    v = pd.concat([v, count_new_grades(cur, base)], axis=1)
    v["PREDEQ"] = np.nan
    dated = v["ADT"].notna()
    if dated.any():
        v.loc[dated, "PREDEQ"] = compute_prednisone_equivalent(v.loc[dated, ["USUBJID", "ADT"]], gc)
    v["RESCUEDT"] = v["USUBJID"].map(rescue)
    v["KRTDT"] = v["USUBJID"].map(krt)
    return v


def _nri_reason(v: pd.DataFrame) -> pd.Series:
    died = v["DTHDT"].notna() & (v["DTHDT"] <= v["WINENDT"])
    left = (v["EOSSTT"] == "DISCONTINUED") & (v["EOSDT"] <= v["WINENDT"])
    rescued = v["RESCUEDT"].notna() & (v["RESCUEDT"] <= v["WINENDT"])
    return pd.Series(np.select(
        [died, left, rescued],
        ["DIED", "DISCONTINUED: " + v["DCSREAS"].fillna("").astype(str), "RESCUE THERAPY"],
        "NO EVALUABLE ASSESSMENT IN WINDOW"), index=v.index)


def derive_responders(v: pd.DataFrame, *, rules: EndpointRules, has_sledai: bool, has_renal: bool) -> pd.DataFrame:
    """All responder parameters, with non-responder imputation over the expected grid."""
    parts = []
    if has_sledai:
        parts += [R.derive_sri(v, k=k, rules=rules) for k in rules.sri_k]
        parts += [R.derive_bicla(v, rules=rules), R.derive_doris(v, rules=rules),
                  R.derive_doris_steroid_free(v, rules=rules), R.derive_lldas(v, rules=rules)]
    if has_renal:
        renal_v = v.assign(ADT=v["UPCRDT"])
        parts.append(R.derive_renal_response(renal_v, rules=rules))
    if not parts:
        return pd.DataFrame()
    observed = R.stack_records(parts)
    base = v[["USUBJID", "AVISIT", "AVISITN", "TRT01A", "TRTSDT", "WINENDT"]].assign(NRIREAS=_nri_reason(v))
    params = observed[["PARAMCD", "PARAM"]].drop_duplicates()
    expected = base.merge(params, how="cross")
    renal = expected["PARAMCD"].isin(["CRR", "PRR", "ORR"])
    renal_subjects = set(v.loc[v["UPCR_BASE"] >= rules.renal_population_upcr, "USUBJID"])
    expected = expected[~renal | expected["USUBJID"].isin(renal_subjects)]
    return R.impute_nonresponders(observed, expected)


ADRS_ORDER = ["STUDYID", "USUBJID", "ARM", "TRTP", "TRTA", "TRTSDT", "PARAMCD", "PARAM", "PARAMN", "AVISIT", "AVISITN", "ADT", "ADY",
              "AVALC", "AVAL", "DTYPE", "NRIREAS", "WINENDT"] + [
    f"CRIT{i}{s}" for i in range(1, R.MAX_CRIT + 1) for s in ("", "FL")]
ADQS_ORDER = ["STUDYID", "USUBJID", "ARM", "TRTP", "TRTA", "TRTSDT", "PARAMCD", "PARAM", "PARAMN", "ADT", "ADY", "AVISIT", "AVISITN",
              "AVAL", "BASE", "CHG", "PCHG", "ABLFL", "ANL01FL", "SRCDOM", "SRCVAR", "SRCSEQ"]


#: the columns of the cut SDTM domains that :func:`build_efficacy` reads
SDTM_COLUMNS = {
    "RS": ["USUBJID", "RSCAT", "RSTESTCD", "RSSTRESC", "RSSTRESN", "RSDTC", "VISIT", "VISITNUM"],
    "LB": ["USUBJID", "LBSEQ", "LBTESTCD", "LBSTRESN", "LBDTC"],
    "VS": ["USUBJID", "VSTESTCD", "VSSTRESN", "VSDTC"],
    "CM": ["USUBJID", "CMCAT", "CMTRT", "CMDECOD", "CMDOSE", "CMDOSFRQ", "CMROUTE", "CMSTDTC", "CMENDTC"],
}


def sdtm_columns(domain: str) -> list[str] | None:
    return SDTM_COLUMNS.get(domain)


class Evaluable(NamedTuple):
    """Whether a study's SLEDAI-based endpoints (SRI, BICLA, DORIS, LLDAS) and renal response are derived."""
    sledai: bool
    renal: bool


def evaluable(skipped: list[str]) -> Evaluable:
    """What :func:`build_efficacy` derived, from the endpoints it reports ``skipped``."""
    return Evaluable(not any(s.startswith("SRI, BICLA") for s in skipped),
                     not any(s.startswith("Renal response") for s in skipped))


#: the kinds of issue :func:`build_efficacy` reports, in the order it lists them (domain, column): SLEDAI
#: assessments with missing items, CRF totals that differ, glucocorticoids without a dose, several assessments
#: in a window
ISSUE_ORDER = (("RS", "RSSTRESC"), ("RS", "RSSTRESN"), ("CM", "CMDECOD"), ("ADQS", "AVISIT"))


def join_issues(slices: list[list[Finding]]) -> list[Finding]:
    """The issues of consecutive slices of a study's subjects as :func:`build_efficacy` lists the study's: each
    kind (:data:`ISSUE_ORDER`) in turn, by subject."""
    rank = {kind: k for k, kind in enumerate(ISSUE_ORDER)}
    found = [f for issues in slices for f in issues]
    return sorted(found, key=lambda f: rank.get((f.domain, f.column), len(rank)))


def build_efficacy(domains: dict[str, pd.DataFrame], adsl: pd.DataFrame, *, version: str,
                   windows: list[VisitWindow], rules: EndpointRules, cut: str,
                   evaluable: Evaluable | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[Finding], list[str]]:
    """Return ``(adqs, adrs, issues, skipped)``; ``skipped`` states endpoints not derived and why.

    Whether the SLEDAI-based and the renal endpoints are derived at all is the study's: ``evaluable`` gives it
    for a slice of the study's subjects (:func:`evaluable`); by default it is found from ``domains``. The
    issues come in :data:`ISSUE_ORDER`, each kind by subject."""
    rs, lb, vs, cm = (domains.get(d) for d in ("RS", "LB", "VS", "CM"))
    skipped: list[str] = []
    issues: list[Finding] = []
    empty_rs = pd.DataFrame(columns=["USUBJID", "RSCAT", "RSTESTCD", "RSSTRESC", "RSSTRESN", "RSDTC", "VISIT",
                                     "VISITNUM"])
    rs = rs if rs is not None and len(rs) else empty_rs
    sled = derive_sledai_assessments(rs, version=version)
    issues += sledai_issues(sled, version=version)
    bilag = derive_bilag_assessments(rs)
    pga = _rs_numeric(rs, "PGA", "PGA", "PGA")
    sdi = _rs_numeric(rs, "SLICC/ACR DI", "SDITOT", "SDI")
    labs = derive_lab_assessments(lb, vs, adsl)
    cm = cm if cm is not None else pd.DataFrame(columns=["USUBJID", "CMCAT", "CMTRT", "CMSTDTC"])
    gc = derive_glucocorticoid_records(cm, factors=rules.steroid_factors, frequencies=rules.steroid_frequencies,
                                       routes=list(rules.steroid_routes))
    unknown = gc[gc["PREDEQ"].isna()].sort_values("USUBJID", kind="stable")
    for row in unknown.itertuples():
        issues.append(Finding("CM", "cm", None, "CMDECOD", f"glucocorticoid {row.DRUG} has no potency factor, "
                              "dose or known frequency: daily dose missing on the days it covers", row.DRUG,
                              row.USUBJID, severity="warning", action="steroid criteria not evaluable"))
    rescue = adsl.set_index("USUBJID")["RESCDT"].dropna()
    term = (cm["CMDECOD"] if "CMDECOD" in cm else cm["CMTRT"]).fillna("").str.upper()
    krt = first_cm_dates(cm, term.isin(rules.krt_terms))
    # ADQS
    long = [
        sled[["USUBJID", "ADT", "SLEDAI"]].rename(columns={"SLEDAI": "AVAL"}).assign(PARAMCD="SLEDAI"),
        sled[["USUBJID", "ADT", "CSLEDAI"]].rename(columns={"CSLEDAI": "AVAL"}).assign(PARAMCD="CSLEDAI"),
        pga.rename(columns={"PGA": "AVAL"}).assign(PARAMCD="PGA"),
        bilag[["USUBJID", "ADT", "BILAG"]].rename(columns={"BILAG": "AVAL"}).assign(PARAMCD="BILAG"),
        sdi.rename(columns={"SDI": "AVAL"}).assign(PARAMCD="SDI"),
        labs[labs["PARAMCD"].isin(["UPCR", "EGFR", "C3", "C4", "DSDNA"])],
    ]
    if len(sled):
        dose = sled[["USUBJID", "ADT"]].copy()
        dose["AVAL"] = compute_prednisone_equivalent(dose, gc)
        long.append(dose.assign(PARAMCD="PREDEQ"))
    records = pd.concat([f for f in long if len(f)], ignore_index=True) if any(len(f) for f in long) else \
        pd.DataFrame(columns=["USUBJID", "ADT", "AVAL", "PARAMCD"])
    records = records[records["USUBJID"].isin(adsl.loc[adsl["SAFFL"] == "Y", "USUBJID"])]
    adqs = derive_analysis_visits(records, adsl, windows, by=["PARAMCD"], value="AVAL")
    issues += window_multiplicity(adqs, by=["PARAMCD"], value="AVAL", domain="ADQS", file="rs, lb")
    adqs = derive_baseline(adqs, by=["PARAMCD"])
    adqs["PARAM"] = adqs["PARAMCD"].map(PARAMS)
    # ADRS
    has_sledai, has_renal = evaluable or Evaluable(bool(len(sled) > 0 and sled["SLEDAI"].notna().any()),
                                                   bool((labs["PARAMCD"] == "UPCR").any()
                                                        and (labs["PARAMCD"] == "EGFR").any()))
    if not has_sledai:
        skipped.append(f"SRI, BICLA, DORIS, LLDAS: no {version} assessments in RS")
    if not has_renal:
        skipped.append("Renal response: no UPCR and creatinine results in LB")
    v = build_visit_frame(adsl, windows, cut=cut, sled=sled, bilag=bilag, pga=pga, labs=labs, gc=gc,
                          rescue=rescue, krt=krt)
    adrs = derive_responders(v, rules=rules, has_sledai=has_sledai, has_renal=has_renal)
    studyid = adsl["STUDYID"].iloc[0] if len(adsl) else ""
    adrs = _finish(adrs, adsl, studyid, ADRS_ORDER, sort=["USUBJID", "PARAMCD", "AVISITN"])
    if len(adrs):
        adrs["AVAL"] = (adrs["AVALC"] == "Y").astype("float64")
        adrs["ADY"] = study_day(adrs["ADT"], adrs["TRTSDT"])
    adqs = _finish(adqs, adsl, studyid, ADQS_ORDER, sort=["USUBJID", "PARAMCD", "ADT"])
    return adqs, adrs, issues, skipped



def _finish(frame: pd.DataFrame, adsl: pd.DataFrame, studyid: str, order: list[str], sort: list[str]) -> pd.DataFrame:
    if not len(frame):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in order})
    out = frame.copy(deep=False)  # columns are added and replaced, never changed in place: no copy of the data
    out["STUDYID"] = studyid
    out["ARM"] = out["USUBJID"].map(adsl.set_index("USUBJID")["TRT01A"])
    for name, values in treatment_columns(out["USUBJID"], adsl).items():
        out[name] = values
    out["PARAMN"] = parameter_numbers(out["PARAMCD"])
    if "TRTSDT" not in out:
        out["TRTSDT"] = out["USUBJID"].map(adsl.set_index("USUBJID")["TRTSDT"])
    for col in order:
        if col not in out:
            out[col] = None
    out = out[order].sort_values(sort, kind="stable", ignore_index=True)
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].where(out[col].notna(), None)
    if "ADY" in out:
        out["ADY"] = out["ADY"].astype("float64")
    return out
