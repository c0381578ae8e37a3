"""Per-visit responder flags with one component flag per criterion.

Each ``derive_*`` takes the visit frame (one row per subject and analysis
visit, components already windowed, baselines attached) and returns ADRS
rows: ``USUBJID, AVISIT, AVISITN, PARAMCD, PARAM, AVALC`` and ``CRITy`` /
``CRITyFL`` (criterion text and Y/N, empty when it cannot be judged).

AVALC is ``Y`` when every criterion holds, ``N`` when any fails, and missing
when none fails but some cannot be judged (the visit is not evaluable and is
handled by ``impute_nonresponders``). Every endpoint counts a subject who
started rescue therapy on or before the assessment as a non-responder
(composite strategy for the intercurrent event).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.endpoints.rules import EndpointRules
from cartrial.instruments.bilag import all_baseline_ab_improved
from cartrial.instruments.sledai import LLDAS_MAJOR_ORGAN_ITEMS
from cartrial.sdtm.contract import BILAG_DOMAINS, SLEDAI_ITEMS

MAX_CRIT = 6


def _tri(mask, known) -> pd.Series:
    """True/False where ``known``, else missing (object dtype)."""
    mask = pd.Series(mask).astype(bool)
    known = pd.Series(known).astype(bool)
    return pd.Series(np.where(known, mask, None), index=mask.index, dtype="object")


def _hundredths(x: pd.Series) -> pd.Series:
    """Values recorded to two decimals as integer hundredths (exact comparisons)."""
    return np.floor(pd.to_numeric(x, errors="coerce") * 100 + 0.5)


def _no_rescue(v: pd.DataFrame) -> pd.Series:
    known = v["ADT"].notna() | v["RESCUEDT"].notna()
    ok = v["RESCUEDT"].isna() | (v["RESCUEDT"] > v["ADT"])
    return _tri(ok, known)


def _assemble(v: pd.DataFrame, paramcd: str, param: str, criteria: list[tuple[str, pd.Series]]) -> pd.DataFrame:
    out = v[["USUBJID", "AVISIT", "AVISITN"]].copy()
    out["PARAMCD"], out["PARAM"] = paramcd, param
    out["ADT"] = v["ADT"]
    flags = pd.DataFrame({f"c{i}": c.reset_index(drop=True) for i, (_, c) in enumerate(criteria)})
    flags.index = v.index
    any_false = flags.apply(lambda col: col.eq(False)).any(axis=1)
    all_true = flags.apply(lambda col: col.eq(True)).all(axis=1)
    out["AVALC"] = np.where(all_true, "Y", np.where(any_false, "N", None))
    for i in range(MAX_CRIT):
        if i < len(criteria):
            out[f"CRIT{i + 1}"] = criteria[i][0]
            col = flags[f"c{i}"]
            out[f"CRIT{i + 1}FL"] = np.where(col.eq(True), "Y", np.where(col.eq(False), "N", None))
        else:
            out[f"CRIT{i + 1}"], out[f"CRIT{i + 1}FL"] = None, None
    return out


def stack_records(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Responder records of several parameters one after the other (``pd.concat``).

    Unused criterion columns are all missing; pandas checks such a column cell by cell when it
    concatenates (seconds per million records), so they are left out and added back as missing.
    """
    columns = list(dict.fromkeys(c for p in parts for c in p.columns))
    full = [p[[c for c in p.columns if not (p[c].dtype == object and p[c].isna().all())]] for p in parts]
    out = pd.concat(full, ignore_index=True)
    for c in columns:
        if c not in out:
            out[c] = pd.Series(None, index=out.index, dtype=object)
        elif out[c].dtype == object:
            out[c] = out[c].where(out[c].notna(), None)
    return out[columns]


def _new_bilag(v: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    return v["NEWA"], v["NEWB"]


def derive_sri(v: pd.DataFrame, *, k: int, rules: EndpointRules) -> pd.DataFrame:
    """SRI-k (Furie 2009): SLEDAI decrease >= k; no new BILAG A and < 2 new B; PGA increase < 0.30; no rescue.

    Reference: Furie RA, et al. Arthritis Rheum 2009;61:1143-1151.
    """
    drop = v["SLEDAI_BASE"] - v["SLEDAI"]
    newa, newb = _new_bilag(v)
    dpga = _hundredths(v["PGA"]) - _hundredths(v["PGA_BASE"])
    crit = [
        (f"SLEDAI decrease from baseline >= {k}", _tri(drop >= k, drop.notna())),
        ("No new BILAG-2004 A domain", _tri(newa == 0, newa.notna())),
        (f"Fewer than {rules.sri_max_new_bilag_b + 1} new BILAG-2004 B domains",
         _tri(newb <= rules.sri_max_new_bilag_b, newb.notna())),
        (f"PGA increase < {rules.sri_pga_max_increase:.2f}",
         _tri(dpga < round(rules.sri_pga_max_increase * 100), dpga.notna())),
        ("No rescue therapy on or before the assessment", _no_rescue(v)),
    ]
    return _assemble(v, f"SRI{k}", f"SRI-{k} responder", crit)


def derive_bicla(v: pd.DataFrame, *, rules: EndpointRules) -> pd.DataFrame:
    """BICLA: all baseline BILAG A/B improve; no new A, <= 1 new B; SLEDAI not worse; PGA increase < 10 %; no rescue.

    Reference: Wallace DJ, et al. Ann Rheum Dis 2014;73:183-190.
    """
    improved = all_baseline_ab_improved(v[[f"{d}" for d in BILAG_DOMAINS]],
                                        v[[f"{d}_BASE" for d in BILAG_DOMAINS]].set_axis(list(BILAG_DOMAINS), axis=1))
    newa, newb = _new_bilag(v)
    dpga = _hundredths(v["PGA"]) - _hundredths(v["PGA_BASE"])
    crit = [
        ("Every baseline BILAG-2004 A/B domain improved", _tri(improved.eq(True), improved.notna())),
        (f"No new BILAG-2004 A and <= {rules.bicla_max_new_bilag_b} new B",
         _tri((newa == 0) & (newb <= rules.bicla_max_new_bilag_b), newa.notna() & newb.notna())),
        ("SLEDAI not worse than baseline", _tri(v["SLEDAI"] <= v["SLEDAI_BASE"],
                                                 v["SLEDAI"].notna() & v["SLEDAI_BASE"].notna())),
        (f"PGA increase < {rules.bicla_pga_max_increase:.2f} (10 % of the scale)",
         _tri(dpga < round(rules.bicla_pga_max_increase * 100), dpga.notna())),
        ("No rescue therapy on or before the assessment", _no_rescue(v)),
    ]
    return _assemble(v, "BICLA", "BICLA responder", crit)


def _pred_ok(v: pd.DataFrame, limit: float, inclusive: bool) -> pd.Series:
    dose = v["PREDEQ"]
    ok = dose <= limit + 1e-9 if inclusive else dose < limit - 1e-9
    return _tri(ok, dose.notna())


def _doris(v: pd.DataFrame, rules: EndpointRules, steroid: tuple) -> list[tuple]:
    """The DORIS criteria in order, with ``steroid`` (label, result) as the glucocorticoid criterion."""
    return [
        ("Clinical SLEDAI = 0", _tri(v["CSLEDAI"] == 0, v["CSLEDAI"].notna())),
        (f"PGA < {rules.doris_pga_below:g}",
         _tri(_hundredths(v["PGA"]) < round(rules.doris_pga_below * 100), v["PGA"].notna())),
        steroid,
        ("No rescue therapy on or before the assessment", _no_rescue(v)),
    ]


def derive_doris(v: pd.DataFrame, *, rules: EndpointRules) -> pd.DataFrame:
    """DORIS 2021 remission: clinical SLEDAI = 0; PGA < 0.5; prednisone-equivalent <= 5 mg/day; no rescue.

    Reference: van Vollenhoven RF, et al. Ann Rheum Dis 2021;80:181-188.
    """
    op = "<=" if rules.doris_pred_inclusive else "<"
    steroid = (f"Prednisone-equivalent {op} {rules.doris_pred_max:g} mg/day",
               _pred_ok(v, rules.doris_pred_max, rules.doris_pred_inclusive))
    return _assemble(v, "DORIS", "DORIS 2021 remission", _doris(v, rules, steroid))


def derive_doris_steroid_free(v: pd.DataFrame, *, rules: EndpointRules) -> pd.DataFrame:
    """Steroid-free DORIS remission: DORIS 2021 remission with no glucocorticoid (prednisone-equivalent 0 mg/day)
    on the date of the assessment, the measure CAR-T publications report."""
    steroid = ("No glucocorticoid (prednisone-equivalent 0 mg/day)", _pred_ok(v, 0.0, True))
    return _assemble(v, "DORISSF", "Steroid-free DORIS remission", _doris(v, rules, steroid))


def derive_lldas(v: pd.DataFrame, *, rules: EndpointRules) -> pd.DataFrame:
    """LLDAS: SLEDAI <= 4 with no major organ activity; no new activity; PGA <= 1; prednisone <= 7.5 mg/day.

    Reference: Franklyn K, et al. Ann Rheum Dis 2016;75:1615-1621.
    """
    major = v[list(LLDAS_MAJOR_ORGAN_ITEMS)]
    cur = v[list(SLEDAI_ITEMS)]
    prev = v[[f"{i}_PREV" for i in SLEDAI_ITEMS]].set_axis(list(SLEDAI_ITEMS), axis=1)
    new = ((cur == 1) & (prev == 0)).any(axis=1)
    new_known = cur.notna().all(axis=1) & prev.notna().all(axis=1)
    crit = [
        (f"SLEDAI <= {rules.lldas_sledai_max:g}", _tri(v["SLEDAI"] <= rules.lldas_sledai_max, v["SLEDAI"].notna())),
        ("No renal, CNS, cardiopulmonary, vasculitis or fever activity",
         _tri((major == 0).all(axis=1), major.notna().all(axis=1))),
        ("No new activity since the previous assessment", _tri(~new, new_known)),
        (f"PGA <= {rules.lldas_pga_max:g}",
         _tri(_hundredths(v["PGA"]) <= round(rules.lldas_pga_max * 100), v["PGA"].notna())),
        (f"Prednisone-equivalent <= {rules.lldas_pred_max:g} mg/day", _pred_ok(v, rules.lldas_pred_max, True)),
        ("No rescue therapy on or before the assessment", _no_rescue(v)),
    ]
    return _assemble(v, "LLDAS", "Lupus low disease activity state", crit)


def derive_renal_response(v: pd.DataFrame, *, rules: EndpointRules) -> pd.DataFrame:
    """CRR, PRR and ORR (KDIGO 2024) for subjects with baseline UPCR >= the renal population threshold.

    CRR: UPCR < 0.5 g/g and eGFR >= 90 or not fallen by more than 10 %.
    PRR: UPCR reduced >= 50 % and < 3 g/g, eGFR not fallen by more than 10 %, not a CRR.
    ORR: CRR or PRR. Rescue therapy, kidney replacement therapy or death on or
    before the assessment make every later visit a non-response.
    """
    v = v[v["UPCR_BASE"] >= rules.renal_population_upcr]
    upcr, base_u, egfr, base_e = v["UPCR"], v["UPCR_BASE"], v["EGFR"], v["EGFR_BASE"]
    egfr_kept = egfr >= (1 - rules.egfr_max_fall) * base_e - 1e-9
    egfr_known = egfr.notna() & base_e.notna()
    event_dt = v[["RESCUEDT", "KRTDT", "DTHDT"]].min(axis=1)
    no_event = _tri(event_dt.isna() | (event_dt > v["ADT"]), v["ADT"].notna() | event_dt.notna())
    crr_upcr = _tri(upcr < rules.crr_upcr_below, upcr.notna())
    crr_egfr = _tri((egfr >= rules.egfr_normal) | egfr_kept, egfr_known | (egfr >= rules.egfr_normal))
    reduced = _tri(upcr <= (1 - rules.prr_upcr_reduction) * base_u + 1e-12, upcr.notna() & base_u.notna())
    below = _tri(upcr < rules.prr_upcr_below, upcr.notna())
    kept = _tri(egfr_kept, egfr_known)
    crr = _assemble(v, "CRR", "Complete renal response", [
        (f"UPCR < {rules.crr_upcr_below:g} g/g", crr_upcr),
        (f"eGFR >= {rules.egfr_normal:g} or fallen <= {rules.egfr_max_fall:.0%}", crr_egfr),
        ("No rescue therapy, kidney replacement therapy or death", no_event),
    ])
    not_crr = _tri(crr["AVALC"] != "Y", crr["AVALC"].notna())
    prr = _assemble(v, "PRR", "Partial renal response", [
        (f"UPCR reduced >= {rules.prr_upcr_reduction:.0%} from baseline", reduced),
        (f"UPCR < {rules.prr_upcr_below:g} g/g", below),
        (f"eGFR fallen <= {rules.egfr_max_fall:.0%}", kept),
        ("Not a complete renal response", not_crr),
        ("No rescue therapy, kidney replacement therapy or death", no_event),
    ])
    orr_flag = pd.Series(np.where((crr["AVALC"] == "Y") | (prr["AVALC"] == "Y"), True,
                                  np.where(crr["AVALC"].isna() | prr["AVALC"].isna(), None, False)),
                         index=v.index, dtype="object")
    orr = _assemble(v, "ORR", "Overall renal response (CRR or PRR)", [
        ("Complete or partial renal response", orr_flag),
    ])
    return stack_records([crr, prr, orr])


def impute_nonresponders(adrs: pd.DataFrame, expected: pd.DataFrame) -> pd.DataFrame:
    """Non-responder imputation over the expected subject x visit x parameter grid.

    ``expected`` holds ``USUBJID, AVISIT, AVISITN, PARAMCD, PARAM`` and
    ``NRIREAS`` (why an assessment may be missing: died, discontinued,
    missed). A visit without a determinable response gets AVALC ``N`` and
    DTYPE ``NRI``; observed records keep an empty DTYPE.
    """
    keys = ["USUBJID", "AVISIT", "PARAMCD"]
    merged = expected.merge(adrs.drop(columns=["AVISITN", "PARAM"]), on=keys, how="left", validate="one_to_one")
    missing = merged["AVALC"].isna()
    merged["DTYPE"] = np.where(missing, "NRI", "")
    merged["AVALC"] = merged["AVALC"].where(~missing, "N")
    merged["NRIREAS"] = merged["NRIREAS"].where(missing, "")
    return merged
