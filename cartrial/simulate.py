"""Synthetic SDTM-like data for the two reference studies (and scale tests).

The generator follows published CAR-T series in refractory SLE and lupus
nephritis (Mackensen 2022, Müller 2024, Wang 2024): SLEDAI-2K median about 16
at baseline falling to about 0 by Month 3 in most patients; mostly grade 1-2
CRS with onset on days 1-7; rare ICANS; CAR-T expansion peaking on days 7-14
and then declining, below the LLOQ in some subjects by Month 6-12;
cytopenias after lymphodepletion; steroid tapers; and, by design, a few
non-responders, a withdrawal, a rescue therapy, a death, a screen failure and
an enrolled-but-not-infused subject, with staggered enrolment so that an
interim cut catches subjects mid-follow-up.

Everything comes from one ``numpy.random.Generator`` seeded per study, so the
same design and seed give byte-identical files. Regenerate the shipped data::

    python -m cartrial.simulate data
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from cartrial.dates import MONTH_DAYS

from cartrial.sdtm.contract import DOMAINS, SLEDAI_ITEMS

SLEDAI_WEIGHTS = dict(zip(SLEDAI_ITEMS, [8] * 8 + [4] * 6 + [2] * 7 + [1] * 3))
SEROLOGY = ("LOWCOMPL", "DNABIND")
RENAL = ("UCASTS", "HEMATUR", "PROTURIA", "PYURIA")
EARLY_DAYS = (4, 7, 10, 14, 21, 28)


@dataclass(frozen=True)
class Arm:
    armcd: str
    arm: str
    dose: float  # 10^6 CAR+ cells/kg
    n: int


@dataclass(frozen=True)
class StudyDesign:
    """What a synthetic study looks like; the two presets are below."""

    studyid: str
    folder: str
    product: str
    arms: tuple[Arm, ...]
    sledai_version: str
    age_range: tuple[int, int]
    first_consent: str
    enrolment_days: int
    months: tuple[int, ...]
    sites: tuple[str, ...]
    seed: int
    pediatric: bool = False
    allogeneic: bool = False
    n_screen_fail: int = 1
    n_not_infused: int = 1
    n_nonresponders: int = 2
    item_prob: dict[str, float] = field(default_factory=dict)
    mmol_site: str | None = None  # site reporting UPCR in mg/mmol and creatinine in umol/L
    sdi_months: tuple[int, ...] = (6, 12, 24)  # SLICC/ACR damage index visits (and screening)


_ADULT_ITEMS = {
    "ARTHRIT": .6, "RASH": .55, "ALOPECIA": .35, "MUCULCER": .3, "PROTURIA": .45, "HEMATUR": .25,
    "UCASTS": .15, "PYURIA": .15, "LOWCOMPL": .8, "DNABIND": .85, "PLEURISY": .15, "PERICARD": .08,
    "VASCULIT": .12, "FEVER": .15, "THROMBO": .2, "LEUKOPEN": .3, "MYOSIT": .05, "HEADACHE": .03,
    "SEIZURE": .02,
}
_LN_ITEMS = {
    "PROTURIA": 1.0, "HEMATUR": .7, "UCASTS": .4, "PYURIA": .35, "LOWCOMPL": .9, "DNABIND": .9,
    "RASH": .4, "ARTHRIT": .3, "ALOPECIA": .2, "MUCULCER": .25, "THROMBO": .15, "LEUKOPEN": .25,
    "FEVER": .1, "VASCULIT": .05, "PLEURISY": .05,
}

CHT101_SLE = StudyDesign(
    studyid="CHT101-SLE", folder="cht101-sle", product="CHT101 (universal anti-CD70 CAR-T)",
    arms=(Arm("CHT101", "CHT101 1x10^6 cells/kg", 1.0, 15),), sledai_version="SELENA-SLEDAI",
    age_range=(18, 65), first_consent="2024-05-01", enrolment_days=240, months=(1, 2, 3, 6, 9, 12),
    sites=("01",), seed=20240501, allogeneic=True, n_nonresponders=2, item_prob=_ADULT_ITEMS,
    sdi_months=(1, 2, 3, 6, 9, 12),
)
LN_PEDS = StudyDesign(
    studyid="LN-PEDS", folder="ln-peds", product="Anti-CD19 CAR-T",
    arms=(Arm("LOW", "Low dose 0.5x10^6 cells/kg", 0.5, 25), Arm("HIGH", "High dose 1x10^6 cells/kg", 1.0, 25)),
    sledai_version="SLEDAI-2K", age_range=(6, 17), first_consent="2023-03-01", enrolment_days=450,
    months=(1, 3, 6, 9, 12, 18, 24), sites=("01", "02"), seed=20230301, pediatric=True,
    n_screen_fail=2, n_nonresponders=5, item_prob=_LN_ITEMS, mmol_site="02",
)
PRESETS = {d.folder: d for d in (CHT101_SLE, LN_PEDS)}

AE_SOC = {
    "Cytokine release syndrome": "Immune system disorders",
    "Immune effector cell-associated neurotoxicity syndrome": "Nervous system disorders",
    "Acute graft versus host disease": "Immune system disorders",
    "Chronic graft versus host disease": "Immune system disorders",
    "Immune effector cell-associated haematotoxicity": "Blood and lymphatic system disorders",
    "Neutrophil count decreased": "Investigations",
    "Lymphocyte count decreased": "Investigations",
    "Platelet count decreased": "Investigations",
    "Anaemia": "Blood and lymphatic system disorders",
    "Febrile neutropenia": "Blood and lymphatic system disorders",
    "Upper respiratory tract infection": "Infections and infestations",
    "Pneumonia": "Infections and infestations",
    "Herpes zoster": "Infections and infestations",
    "COVID-19": "Infections and infestations",
    "Urinary tract infection": "Infections and infestations",
    "Sepsis": "Infections and infestations",
    "Nausea": "Gastrointestinal disorders",
    "Vomiting": "Gastrointestinal disorders",
    "Diarrhoea": "Gastrointestinal disorders",
    "Fatigue": "General disorders and administration site conditions",
    "Pyrexia": "General disorders and administration site conditions",
    "Headache": "Nervous system disorders",
    "Hypogammaglobulinaemia": "Immune system disorders",
    "Alanine aminotransferase increased": "Investigations",
    "Hypokalaemia": "Metabolism and nutrition disorders",
}
# (PT, probability per infused subject, grade probabilities 1..4, onset day range, duration range)
_BACKGROUND_AES = (
    ("Anaemia", .3, (.5, .4, .1, 0), (2, 20), (7, 40)),
    ("Platelet count decreased", .3, (.4, .3, .25, .05), (3, 14), (5, 30)),
    ("Upper respiratory tract infection", .25, (.6, .4, 0, 0), (30, 330), (5, 14)),
    ("Pneumonia", .08, (0, .3, .7, 0), (20, 300), (10, 21)),
    ("Herpes zoster", .08, (0, 1, 0, 0), (60, 300), (10, 28)),
    ("COVID-19", .1, (.6, .4, 0, 0), (30, 330), (5, 14)),
    ("Urinary tract infection", .1, (.3, .7, 0, 0), (15, 300), (5, 10)),
    ("Hypogammaglobulinaemia", .2, (0, 1, 0, 0), (30, 120), (60, 200)),
    ("Fatigue", .2, (.8, .2, 0, 0), (1, 30), (3, 20)),
    ("Headache", .15, (.9, .1, 0, 0), (1, 60), (1, 4)),
    ("Diarrhoea", .1, (.8, .2, 0, 0), (1, 90), (2, 5)),
    ("Alanine aminotransferase increased", .1, (.7, .2, .1, 0), (3, 30), (7, 21)),
    ("Hypokalaemia", .08, (.7, .3, 0, 0), (2, 20), (3, 10)),
)


def _month_day(m: int) -> int:
    return 1 + int(round(MONTH_DAYS * m))


def _iso(day0: pd.Timestamp, study_day: np.ndarray | int) -> np.ndarray:
    """ISO dates for SDTM study days relative to Day 1 = ``day0``."""
    d = np.asarray(study_day)
    offset = np.where(d > 0, d - 1, d)
    return np.asarray((day0 + pd.to_timedelta(offset, unit="D")).strftime("%Y-%m-%d"))


class _Subject:
    """Mutable per-subject state while the domains are written."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def _schedule(design: StudyDesign) -> list[tuple[str, float, int, int]]:
    """(VISIT, VISITNUM, nominal study day, jitter) of the protocol schedule."""
    visits = [("SCREENING", 1.0, -28, 3), ("BASELINE", 2.0, -6, 0), ("DAY 1", 3.0, 1, 0)]
    visits += [(f"DAY {d}", 3.0 + i + 1, d, 0 if d < 14 else 1) for i, d in enumerate(EARLY_DAYS)]
    visits += [(f"MONTH {m}", 100.0 + m, _month_day(m), 3 if m <= 3 else 7) for m in design.months]
    return visits


def _draw_subjects(design: StudyDesign, rng: np.random.Generator) -> list[_Subject]:
    n_inf = sum(a.n for a in design.arms)
    n_total = n_inf + design.n_screen_fail + design.n_not_infused
    consent_offsets = np.sort(rng.integers(0, design.enrolment_days, n_total))
    first = pd.Timestamp(design.first_consent)
    kinds = ["infused"] * n_inf + ["screenfail"] * design.n_screen_fail + ["notinfused"] * design.n_not_infused
    order = rng.permutation(n_total)
    kinds = [kinds[i] for i in order]
    arm_pool = [a for a in design.arms for _ in range(a.n)]
    arm_pool = [arm_pool[i] for i in rng.permutation(len(arm_pool))]
    # enrolled-but-not-infused subjects are assigned a dose group too
    extra_arms = [design.arms[i % len(design.arms)] for i in range(design.n_not_infused)]
    subjects = []
    lo, hi = design.age_range
    for i, kind in enumerate(kinds):
        site = design.sites[i % len(design.sites)]
        age = int(rng.integers(lo, hi + 1))
        female = rng.random() < (0.85 if design.pediatric else 0.9)
        if design.pediatric:
            height = 80 + 5.8 * age + rng.normal(0, 6)
            weight = max(16.0, 2.6 * age + 6 + rng.normal(0, 5))
        else:
            height = (161 if female else 172) + rng.normal(0, 6)
            weight = (56 if female else 68) + rng.normal(0, 8)
        arm = arm_pool.pop() if kind == "infused" else (extra_arms.pop() if kind == "notinfused" else None)
        consent = first + pd.Timedelta(days=int(consent_offsets[i]))
        infusion = consent + pd.Timedelta(days=int(rng.integers(28, 36)))
        subjects.append(_Subject(
            usubjid=f"{design.studyid}-{site}-{i + 1:03d}", subjid=f"{i + 1:03d}", site=site, kind=kind,
            age=age, sex="F" if female else "M", height=round(height, 1), weight=round(weight, 1),
            arm=arm, consent=consent, day1=infusion, followup_end=_month_day(max(design.months)) + 10,
            fate="COMPLETED", response="complete", rescue_day=None, death_day=None,
        ))
    return subjects


def _assign_fates(design: StudyDesign, subjects: list[_Subject], rng: np.random.Generator) -> None:
    """Non-responders, a rescue therapy, a withdrawal, a death (by design)."""
    infused = [s for s in subjects if s.kind == "infused"]
    picks = rng.permutation(len(infused))
    nonresp = [infused[i] for i in picks[: design.n_nonresponders]]
    for s in nonresp:
        s.response = "non"
    for i in picks[design.n_nonresponders: design.n_nonresponders + 2]:
        infused[i].response = "partial"
    nonresp[0].rescue_day = _month_day(4) + int(rng.integers(-10, 10))
    last = max(design.months)
    withdrawer = infused[picks[-1]]
    withdrawer.fate, withdrawer.followup_end = "WITHDRAWAL BY SUBJECT", _month_day(min(5, last - 1)) + 9
    dead = nonresp[1]
    dead.fate, dead.death_day = "DEATH", _month_day(7) + int(rng.integers(0, 20))
    dead.followup_end = dead.death_day
    if len(infused) > 20:
        lost = infused[picks[-2]]
        lost.fate, lost.followup_end = "LOST TO FOLLOW-UP", _month_day(15) + 5
    # a subject whose steroid taper stops exactly at 5 mg/day, and one on methylprednisolone BID
    for s in infused:
        s.steroid = "PREDNISONE"
        s.pred_base = float(rng.choice([10, 15, 20, 25, 30]))
        s.pred_floor = float(rng.choice([0, 0, 2.5, 5]))
        s.flare_day = None
    infused[picks[-3]].steroid = "METHYLPREDNISOLONE"
    infused[picks[-4]].pred_floor = 5.0
    infused[picks[design.n_nonresponders + 2]].flare_day = _month_day(min(9, last))


def _activity(design: StudyDesign, s: _Subject, rng: np.random.Generator) -> None:
    """Baseline SLEDAI descriptors and the day each resolves (inf = never)."""
    items = list(design.item_prob)
    while True:
        present = [it for it in items if rng.random() < design.item_prob[it]]
        if sum(SLEDAI_WEIGHTS[i] for i in present) >= 8:
            break
    res = {}
    for it in present:
        if s.response == "complete":
            res[it] = rng.uniform(20, 100) if it in SEROLOGY else rng.uniform(5, 35)
            if it in SEROLOGY and rng.random() < 0.15:
                res[it] = np.inf
        elif s.response == "partial":
            res[it] = rng.uniform(20, 120) if rng.random() < 0.5 else np.inf
        else:
            res[it] = rng.uniform(20, 120) if rng.random() < 0.15 else np.inf
    s.items, s.resolve = present, res
    renal = design.pediatric or "PROTURIA" in present
    s.upcr0 = float(np.exp(rng.normal(np.log(3.0), 0.4))) if renal else float(rng.uniform(0.05, 0.3))
    s.upcr_tau = float(rng.uniform(20, 60))
    s.upcr_floor = float(rng.uniform(0.05, 0.3)) if s.response == "complete" else (
        s.upcr0 * 0.35 if s.response == "partial" else s.upcr0 * rng.uniform(0.8, 1.2))
    s.egfr0 = float(rng.uniform(70, 125)) if design.pediatric else float(rng.uniform(75, 115))
    s.egfr_drop = s.response == "non" and rng.random() < 0.6
    s.sdi0 = int(rng.choice([0, 0, 1])) if design.pediatric else int(rng.choice([0, 1, 1, 2, 3]))
    s.pga_noise = float(rng.normal(0, 0.08))


def _present(s: _Subject, day: float) -> list[str]:
    items = [it for it in s.items if day < 1 or day < s.resolve[it]]
    if s.flare_day is not None and s.flare_day - 20 <= day <= s.flare_day + 40:
        items = sorted(set(items) | {"ARTHRIT", "RASH"})
    if s.rescue_day is not None and day > s.rescue_day + 30:
        items = [it for it in items if rng_free_resolved(it)]
    upcr = _upcr(s, day)
    items = [it for it in items if it != "PROTURIA"] + (["PROTURIA"] if upcr >= 0.5 else [])
    return items


def rng_free_resolved(item: str) -> bool:
    """After rescue therapy serology persists, clinical activity settles."""
    return item in SEROLOGY


def _upcr(s: _Subject, day: float) -> float:
    if day < 1:
        return s.upcr0
    return s.upcr_floor + (s.upcr0 - s.upcr_floor) * float(np.exp(-(day - 1) / s.upcr_tau))


def _bilag(present: list[str], baseline: list[str]) -> dict[str, str]:
    """BILAG-2004 grades consistent with the SLEDAI descriptors present."""
    p, b = set(present), set(baseline)

    def grade(active_a: set, active_b: set, active_c: set, history: set) -> str:
        if p & active_a:
            return "A"
        if p & active_b:
            return "B"
        if p & active_c:
            return "C"
        return "D" if b & (active_a | active_b | active_c | history) else "E"

    renal_a = "A" if {"PROTURIA"} <= p and p & {"HEMATUR", "UCASTS"} else None
    return {
        "CONSTIT": grade(set(), {"FEVER"}, set(), set()),
        "MUCOCUT": grade(set(), {"RASH", "MUCULCER"}, {"ALOPECIA"}, set()),
        "NEUROPSY": grade({"SEIZURE", "PSYCHOS", "ORGBRAIN", "CVA", "CRANNERV"}, set(), {"HEADACHE"}, set()),
        "MUSCSKEL": grade({"MYOSIT"}, {"ARTHRIT"}, set(), set()),
        "CARDRESP": grade(set(), {"PLEURISY", "PERICARD"}, set(), set()),
        "GASTRO": grade(set(), set(), {"VASCULIT"}, set()),
        "OPHTHAL": grade({"VISUAL"}, set(), set(), set()),
        "RENAL": renal_a or grade(set(), {"PROTURIA"}, {"HEMATUR", "PYURIA", "UCASTS"}, set()),
        "HAEMATOL": grade(set(), {"THROMBO"}, {"LEUKOPEN"}, set()),
    }


def _visit_days(design: StudyDesign, s: _Subject, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for visit, num, day, jit in _schedule(design):
        actual = day + (int(rng.integers(-jit, jit + 1)) if jit else 0)
        if day >= 1 and actual > s.followup_end:
            continue
        rows.append((visit, num, actual))
    frame = pd.DataFrame(rows, columns=["VISIT", "VISITNUM", "DAY"])
    if s.kind == "screenfail":
        frame = frame[frame["VISIT"] == "SCREENING"]
    elif s.kind == "notinfused":
        frame = frame[frame["VISIT"].isin(["SCREENING", "BASELINE"])]
    return frame.reset_index(drop=True)


def _rows_rs(design, s, visits, rng, flags) -> list[dict]:
    rows = []
    assess = visits[visits["VISIT"].isin(["SCREENING", "BASELINE", "EARLY TERMINATION"])
                    | visits["VISIT"].str.startswith("MONTH")]
    assess = assess.copy()
    if flags.get("unscheduled") and len(assess) > 4:
        unsched = pd.DataFrame([("UNSCHEDULED 1", 102.5, _month_day(2) + 14)], columns=assess.columns)
        assess = pd.concat([assess, unsched[unsched["DAY"] <= s.followup_end]], ignore_index=True)
    if flags.get("missed_visit"):
        assess = assess[assess["VISIT"] != "MONTH 2"] if "MONTH 2" in set(assess["VISIT"]) else assess[
            assess["VISIT"] != "MONTH 9"]
    for visit, num, day in assess.itertuples(index=False):
        dtc = _iso(s.day1, day).item()
        present = _present(s, day)
        total = sum(SLEDAI_WEIGHTS[i] for i in present)
        for it in SLEDAI_ITEMS:
            val = "Y" if it in present else "N"
            if flags.get("missing_item") == visit and it == "PYURIA":
                val = None
            rows.append(dict(RSCAT=design.sledai_version, RSTESTCD=it, RSTEST=it.title(), RSORRES=val,
                             RSSTRESC=val, RSSTRESN=None, VISITNUM=num, VISIT=visit, RSDTC=dtc))
        crf_total = total + (2 if flags.get("total_mismatch") == visit else 0)
        rows.append(dict(RSCAT=design.sledai_version, RSTESTCD="TOTAL", RSTEST="Total score",
                         RSORRES=str(crf_total), RSSTRESC=str(crf_total), RSSTRESN=crf_total,
                         VISITNUM=num, VISIT=visit, RSDTC=dtc))
        for dom, grade in _bilag(present, s.items).items():
            rows.append(dict(RSCAT="BILAG-2004", RSTESTCD=dom, RSTEST=dom.title(), RSORRES=grade,
                             RSSTRESC=grade, RSSTRESN=None, VISITNUM=num, VISIT=visit, RSDTC=dtc))
        clinical = sum(SLEDAI_WEIGHTS[i] for i in present if i not in SEROLOGY)
        pga = np.clip(0.11 * clinical + (0.35 if clinical else 0.08) + s.pga_noise, 0, 3)
        pga = float(np.round(pga, 2))
        rows.append(dict(RSCAT="PGA", RSTESTCD="PGA", RSTEST="Physician global assessment",
                         RSORRES=f"{pga:.2f}", RSSTRESC=f"{pga:.2f}", RSSTRESN=pga, VISITNUM=num,
                         VISIT=visit, RSDTC=dtc))
        if visit == "SCREENING" or visit in {f"MONTH {m}" for m in design.sdi_months}:
            sdi = s.sdi0 + (1 if s.response == "non" and day > 300 else 0)
            rows.append(dict(RSCAT="SLICC/ACR DI", RSTESTCD="SDITOT", RSTEST="SDI total", RSORRES=str(sdi),
                             RSSTRESC=str(sdi), RSSTRESN=sdi, VISITNUM=num, VISIT=visit, RSDTC=dtc))
    for r in rows:
        r["RSEVAL"] = "INVESTIGATOR"
    return rows


def _crs(s: _Subject, rng: np.random.Generator, design: StudyDesign) -> None:
    high = s.arm is not None and s.arm.dose >= 1.0
    p_crs = 0.85 if high else 0.7
    if s.kind == "infused" and rng.random() < p_crs:
        s.crs_grade = int(rng.choice([1, 2, 3], p=[.68, .27, .05] if high else [.8, .2, 0]))
        s.crs_onset = int(rng.integers(1, 8))
        s.crs_dur = int(rng.integers(2, 8))
    else:
        s.crs_grade, s.crs_onset, s.crs_dur = 0, None, None


def _lab_curve(base, day, depth, nadir, width):
    return base * (1 - depth * np.exp(-(((day - nadir) / width) ** 2)))


def _lb_record(cat, code, name, val, unit, lo, hi, visit, num, dtc, decimals) -> dict:
    """One numeric LB record, the result rounded to ``decimals`` in both the original and the standard result."""
    v = float(np.round(val, decimals))
    return dict(LBCAT=cat, LBTESTCD=code, LBTEST=name, LBORRES=f"{v:.{decimals}f}", LBORRESU=unit, LBSTRESN=v,
                LBSTRESU=unit, LBSTNRLO=lo, LBSTNRHI=hi, VISITNUM=num, VISIT=visit, LBDTC=dtc)


def _rows_lb(design, s, visits, rng) -> list[dict]:
    rows = []
    mmol = design.mmol_site is not None and s.site == design.mmol_site

    def add(cat, code, name, val, unit, lo, hi, visit, num, dtc, decimals=2):
        if val is not None:
            rows.append(_lb_record(cat, code, name, val, unit, lo, hi, visit, num, dtc, decimals))

    neut0, lym0 = rng.uniform(2.0, 5.0), rng.uniform(0.6, 1.6)
    plat0 = rng.uniform(70, 120) if "THROMBO" in getattr(s, "items", []) else rng.uniform(160, 320)
    hgb0 = rng.uniform(95, 130)
    b0 = rng.uniform(40, 300)
    recovery = rng.uniform(50, 150) if design.allogeneic else rng.uniform(70, 260)
    il6_0, ifng0, il10_0 = rng.uniform(2, 8), rng.uniform(2, 10), rng.uniform(1, 6)
    crp0, fer0 = rng.uniform(1, 8), rng.uniform(50, 300)
    amp = 1 + 6 * getattr(s, "crs_grade", 0) + rng.uniform(0, 2)
    peak_day = (getattr(s, "crs_onset", None) or 5) + 1
    for visit, num, day in visits.itertuples(index=False):
        dtc = _iso(s.day1, day).item()
        post = day >= 1
        noise = lambda: float(np.exp(rng.normal(0, 0.08)))  # noqa: E731
        neut = _lab_curve(neut0, day, 0.88, 8, 6) if post else neut0
        lym = _lab_curve(lym0, day, 0.85, 6, 25) if day >= -3 else lym0
        add("HEMATOLOGY", "WBC", "Leukocytes", (neut + lym + 0.5) * noise(), "10^9/L", 4.0, 10.0, visit, num, dtc)
        add("HEMATOLOGY", "NEUT", "Neutrophils", neut * noise(), "10^9/L", 2.0, 7.5, visit, num, dtc)
        add("HEMATOLOGY", "LYM", "Lymphocytes", lym * noise(), "10^9/L", 1.0, 4.0, visit, num, dtc)
        add("HEMATOLOGY", "PLAT", "Platelets", (_lab_curve(plat0, day, .45, 10, 7) if post else plat0) * noise(),
            "10^9/L", 150, 400, visit, num, dtc, 0)
        add("HEMATOLOGY", "HGB", "Hemoglobin", (_lab_curve(hgb0, day, .15, 12, 10) if post else hgb0) * noise(),
            "g/L", 115, 155, visit, num, dtc, 0)
        if visit in ("SCREENING", "BASELINE", "DAY 28", "EARLY TERMINATION") or visit.startswith("MONTH"):
            present = _present(s, day) if s.kind != "screenfail" else getattr(s, "items", [])
            upcr = _upcr(s, day) * noise()
            egfr = s.egfr0 * (0.8 if s.egfr_drop and day > 120 else 1.0) * (1.05 if s.response == "complete" and post else 1)
            height = s.height + (0.45 * max(day, 0) / MONTH_DAYS if design.pediatric else 0)
            creat = (0.413 * height / egfr) if design.pediatric else (
                (egfr / (142 * (0.9938 ** s.age) * (1.012 if s.sex == "F" else 1))) ** (1 / -1.2) * (0.7 if s.sex == "F" else 0.9))
            if mmol:
                add("URINALYSIS", "UPCR", "Protein/Creatinine", upcr * 113.1, "mg/mmol", None, 22.6, visit, num, dtc, 1)
                add("CHEMISTRY", "CREAT", "Creatinine", creat * 88.4 * noise(), "umol/L", 27, 62, visit, num, dtc, 0)
            else:
                add("URINALYSIS", "UPCR", "Protein/Creatinine", upcr, "g/g", None, 0.2, visit, num, dtc, 2)
                add("CHEMISTRY", "CREAT", "Creatinine", creat * noise(), "mg/dL", 0.3, 0.7 if design.pediatric else 1.0,
                    visit, num, dtc, 2)
            low = "LOWCOMPL" in present
            add("IMMUNOLOGY", "C3", "Complement C3", rng.uniform(0.35, 0.8) if low else rng.uniform(0.92, 1.5),
                "g/L", 0.9, 1.8, visit, num, dtc)
            add("IMMUNOLOGY", "C4", "Complement C4", rng.uniform(0.03, 0.09) if low else rng.uniform(0.12, 0.35),
                "g/L", 0.1, 0.4, visit, num, dtc)
            add("IMMUNOLOGY", "DSDNA", "Anti-dsDNA antibodies",
                rng.uniform(100, 800) if "DNABIND" in present else rng.uniform(2, 25), "IU/mL", None, 30,
                visit, num, dtc, 0)
        if s.kind == "infused" and (visit == "BASELINE" or (post and day <= 30)):
            surge = lambda base, k: base * (1 + k * amp * np.exp(-(((day - peak_day) / 3.0) ** 2)))  # noqa: E731
            add("CYTOKINE", "IL6", "Interleukin 6", surge(il6_0, 4) * noise(), "pg/mL", None, 7, visit, num, dtc, 1)
            add("CYTOKINE", "IFNG", "Interferon gamma", surge(ifng0, 2) * noise(), "pg/mL", None, 15, visit, num, dtc, 1)
            add("CYTOKINE", "IL10", "Interleukin 10", surge(il10_0, 1.5) * noise(), "pg/mL", None, 9, visit, num, dtc, 1)
            add("CHEMISTRY", "CRP", "C-reactive protein", surge(crp0, 3) * noise(), "mg/L", None, 5, visit, num, dtc, 1)
            add("CHEMISTRY", "FERRITIN", "Ferritin", surge(fer0, 1) * noise(), "ug/L", 15, 150, visit, num, dtc, 0)
        if s.kind == "infused":
            if day < 1:
                bc = b0
            elif day < recovery:
                bc = 0.3 * float(np.exp(-day / 10)) + 0.02
            else:
                bc = min(b0, 5 + 3 * (day - recovery))
            add("IMMUNOLOGY", "BCELL", "CD19+ B cells", bc * noise(), "cells/uL", 90, 660, visit, num, dtc, 1)
    return rows


def _rows_pc(design, s, rng) -> list[dict]:
    rows = []
    high = s.arm.dose >= 1.0
    tmax = float(rng.choice([7, 10, 10, 14, 14]))
    half2 = rng.uniform(15, 45) if design.allogeneic else rng.uniform(30, 120)
    nominal = [("DAY 1", 3.0, 1)] + [(f"DAY {d}", 3.0 + i + 1, d) for i, d in enumerate(EARLY_DAYS)]
    nominal += [(f"MONTH {m}", 100.0 + m, _month_day(m)) for m in design.months if m >= 2]
    for code, unit, lloq, cmax_med in (("CARTDNA", "copies/ug gDNA", 50.0, 30000.0),
                                       ("CARTCELL", "cells/uL", 1.0, 30.0)):
        cmax = cmax_med * (1.6 if high else 1.0) * float(np.exp(rng.normal(0, 0.7)))
        for visit, num, day in nominal:
            if day > s.followup_end:
                continue
            t = day - 1
            if t == 0:
                conc = 0.0
                dtc = _iso(s.day1, day).item() + "T08:30"
            else:
                if t <= tmax:
                    conc = cmax * (t / tmax) ** 3
                else:
                    dt = t - tmax
                    conc = cmax * (0.93 * np.exp(-np.log(2) / 4 * dt) + 0.07 * np.exp(-np.log(2) / half2 * dt))
                conc *= float(np.exp(rng.normal(0, 0.2)))
                dtc = _iso(s.day1, day).item() + "T09:00"
            blq = conc < lloq
            val = None if blq else float(np.round(conc, 1 if code == "CARTDNA" else 2))
            rows.append(dict(PCTESTCD=code, PCTEST="CAR transgene" if code == "CARTDNA" else "CAR+ T cells",
                             PCORRES="<LLOQ" if blq else f"{val:g}", PCSTRESN=val, PCSTRESU=unit,
                             PCLLOQ=lloq, VISITNUM=num, VISIT=visit, PCDTC=dtc))
    return rows


def _ae(term, day, dur, grade, s, rel="RELATED", ser=None, partial=False, fatal=False):
    start = _iso(s.day1, day).item()
    end_day = day + dur
    ongoing = end_day > s.followup_end and not fatal
    return dict(AETERM=term, AEDECOD=term, AEBODSYS=AE_SOC[term],
                AESTDTC=start[:7] if partial else start,
                AEENDTC=None if ongoing else _iso(s.day1, min(end_day, s.followup_end)).item(),
                AETOXGR=str(grade), AESER=ser if ser else ("Y" if grade >= 3 else "N"), AEREL=rel,
                AEOUT="FATAL" if fatal else ("NOT RECOVERED/NOT RESOLVED" if ongoing else "RECOVERED/RESOLVED"),
                AEACN="NOT APPLICABLE", _day=day)


def _rows_ae(design, s, rng, flags) -> list[dict]:
    rows = []
    if s.kind == "screenfail":
        return rows
    if rng.random() < 0.3:
        rows.append(_ae("Nausea", -4, 2, 1, s, rel="NOT RELATED"))
    if s.kind == "notinfused":
        rows.append(_ae("Pneumonia", -2, 14, 3, s, rel="NOT RELATED", ser="Y"))
        return rows
    if s.crs_grade:
        rows.append(_ae("Cytokine release syndrome", s.crs_onset, s.crs_dur, s.crs_grade, s,
                        ser="Y" if s.crs_grade >= 2 else "N"))
    if flags.get("icans"):
        rows.append(_ae("Immune effector cell-associated neurotoxicity syndrome", (s.crs_onset or 3) + 2, 3,
                        flags["icans"], s, ser="Y"))
    if flags.get("gvhd"):
        rows.append(_ae("Acute graft versus host disease", 24, 30, 1, s))
    if rng.random() < 0.75:
        rows.append(_ae("Neutrophil count decreased", int(rng.integers(1, 5)), int(rng.integers(6, 22)),
                        int(rng.choice([3, 4], p=[.6, .4])), s, ser="N"))
    if rng.random() < 0.85:
        rows.append(_ae("Lymphocyte count decreased", -2, int(rng.integers(20, 60)), int(rng.choice([3, 4])), s,
                        ser="N"))
    for term, p, grades, onset, dur in _BACKGROUND_AES:
        if rng.random() < p:
            day = int(rng.integers(*onset))
            if day <= s.followup_end:
                grade = int(rng.choice([1, 2, 3, 4], p=grades))
                rel = "POSSIBLY RELATED" if "nfection" in AE_SOC[term] else str(rng.choice(
                    ["RELATED", "NOT RELATED"]))
                rows.append(_ae(term, day, int(rng.integers(*dur)), grade, s, rel=rel))
    if flags.get("partial"):
        rows.append(_ae("Fatigue", 3, 10, 1, s, rel="NOT RELATED", partial=True))
    if s.death_day is not None:
        rows.append(_ae("Sepsis", s.death_day - 6, 6, 5, s, rel="NOT RELATED", ser="Y", fatal=True))
    return rows


def _rows_cm(design, s, rng) -> list[dict]:
    rows = []
    if s.kind == "screenfail":
        return rows

    def add(trt, cat, dose, unit, frq, route, start, end):
        rows.append(dict(CMTRT=trt, CMDECOD=trt, CMCAT=cat, CMDOSE=dose, CMDOSU=unit, CMDOSFRQ=frq,
                         CMROUTE=route, CMSTDTC=_iso(s.day1, start).item(),
                         CMENDTC=None if end is None or end > s.followup_end else _iso(s.day1, end).item()))

    add("HYDROXYCHLOROQUINE", "ANTIMALARIAL", 200.0 if not design.pediatric else 100.0, "mg", "BID", "ORAL",
        -400, None)
    add("MYCOPHENOLATE MOFETIL", "IMMUNOSUPPRESSANT", 1000.0 if not design.pediatric else 500.0, "mg", "BID",
        "ORAL", -300, -8)
    add("BELIMUMAB", "BIOLOGIC", float(round(10 * s.weight)), "mg", "Q4W", "INTRAVENOUS", -500, -90)
    if s.kind == "notinfused":
        add("PREDNISONE", "GLUCOCORTICOID", s.pred_base if hasattr(s, "pred_base") else 20.0, "mg", "QD", "ORAL",
            -200, None)
        return rows
    base, floor = s.pred_base, s.pred_floor
    if s.response != "complete":
        steps = [(-200, None, base)]
    else:
        steps = [(-200, 30, base), (31, 60, max(base / 2, 5.0)), (61, 90, 5.0), (91, 150, 2.5)]
        steps.append((151, None, floor) if floor else (151, 151, 0))
        steps = [st for st in steps if st[2] > 0]
    for start, end, dose in steps:
        if start > s.followup_end:
            break
        if s.steroid == "METHYLPREDNISOLONE":
            add("METHYLPREDNISOLONE", "GLUCOCORTICOID", float(dose * 0.8 / 2), "mg", "BID", "ORAL", start, end)
        else:
            add("PREDNISONE", "GLUCOCORTICOID", float(dose), "mg", "QD", "ORAL", start, end)
    if s.crs_grade >= 2:
        add("TOCILIZUMAB", "CRS THERAPY", float(round(8 * min(s.weight, 100))), "mg", "ONCE", "INTRAVENOUS",
            s.crs_onset + 1, s.crs_onset + 1)
    if s.crs_grade >= 3:
        add("DEXAMETHASONE", "CRS THERAPY", 10.0, "mg", "QID" if False else "ONCE", "INTRAVENOUS",
            s.crs_onset + 2, s.crs_onset + 2)
    if s.rescue_day is not None and s.rescue_day <= s.followup_end:
        add("RITUXIMAB", "RESCUE THERAPY", 375.0, "mg", "ONCE", "INTRAVENOUS", s.rescue_day, s.rescue_day)
    return rows


def _rows_vs(design, s, visits, rng) -> list[dict]:
    rows = []
    for visit, num, day in visits.itertuples(index=False):
        dtc = _iso(s.day1, day).item()
        growth = 0.45 * max(day, 0) / MONTH_DAYS if design.pediatric else 0.0
        fever = s.kind == "infused" and s.crs_grade and s.crs_onset <= day <= s.crs_onset + s.crs_dur
        vals = []
        if visit in ("SCREENING", "BASELINE") or visit.startswith("MONTH"):
            vals += [("HEIGHT", round(s.height + growth, 1), "cm"),
                     ("WEIGHT", round(s.weight * (1 + 0.004 * max(day, 0) / MONTH_DAYS) + rng.normal(0, .4), 1), "kg")]
        vals += [("TEMP", round((38.6 if fever else 36.7) + rng.normal(0, 0.25), 1), "C"),
                 ("SYSBP", float(round(rng.normal(118 if not design.pediatric else 105, 9))), "mmHg"),
                 ("DIABP", float(round(rng.normal(74 if not design.pediatric else 65, 7))), "mmHg"),
                 ("OXYSAT", float(round(min(100, rng.normal(98, 1)))), "%")]
        for code, v, unit in vals:
            rows.append(dict(VSTESTCD=code, VSSTRESN=v, VSSTRESU=unit, VISITNUM=num, VISIT=visit, VSDTC=dtc))
    return rows

# ---------------------------------------------------------------------------------------------------------
# Protocol safety and cell-biology data (liver and immunoglobulin labs, pregnancy tests, prophylaxis, GVHD
# staging, CAR-T phenotype, early-termination assessments). They come from a second generator, seeded per
# study, so adding them left every record the first generator writes as it was.

#: liver tests: (test code, name, unit, lower and upper limit of normal), sampled at these visits and monthly
_LIVER = (("ALT", "Alanine Aminotransferase", "U/L", 7, 40), ("AST", "Aspartate Aminotransferase", "U/L", 10, 40),
          ("BILI", "Bilirubin", "umol/L", 3, 21))
_LIVER_VISITS = ("SCREENING", "BASELINE", "DAY 7", "DAY 14")
#: CAR+ T-cell phenotype (CP): memory subsets (test code, name, marker string), exhaustion markers (cell-state
#: marker, median % at Day 7, growth factor to Month 6), and the visits sampled
_MEMORY = (("TNAIVE", "Naive T Cells Sub", "CD45RA+CCR7+CD95-"), ("TSCM", "Stem Cell Memory T Cells Sub",
                                                                    "CD45RA+CCR7+CD95+"),
           ("TCM", "Central Memory T Cells Sub", "CD45RA-CCR7+"), ("TEM", "Effector Memory T Cells Sub",
                                                                   "CD45RA-CCR7-"),
           ("TEMRA", "Effector Memory RA+ T Cells Sub", "CD45RA+CCR7-"))
_EXHAUSTION = (("PD-1+", 18.0, 1.6), ("LAG-3+", 10.0, 1.5), ("TIM-3+", 14.0, 1.7))
_CP_VISITS = ("DAY 7", "DAY 14", "DAY 28", "MONTH 3", "MONTH 6")
#: the visits of the pregnancy tests of women of child-bearing potential
_HCG_VISITS = ("SCREENING", "BASELINE", "MONTH 3", "MONTH 6", "MONTH 12")
MAGIC_QNAMS = {"AGVHSKIN": "Acute GVHD skin stage (MAGIC)", "AGVHLIVR": "Acute GVHD liver stage (MAGIC)",
               "AGVHUGI": "Acute GVHD upper GI stage (MAGIC)", "AGVHLGI": "Acute GVHD lower GI stage (MAGIC)",
               "AGVHGR": "Acute GVHD overall grade (MAGIC)", "CGVHSEV": "Chronic GVHD global severity (NIH)"}


def _rows_lb_protocol(design, s, visits, rng) -> list[dict]:
    """Liver tests and IgG (scheduled chemistry), and urine pregnancy tests of women of child-bearing
    potential (menarche to menopause: 10-50 years)."""
    rows = []

    def add(cat, code, name, val, unit, lo, hi, visit, num, dtc, decimals=1):
        rows.append(_lb_record(cat, code, name, val, unit, lo, hi, visit, num, dtc, decimals))

    base = {code: rng.uniform(lo + 3, hi * 0.8) for code, _, _, lo, hi in _LIVER}
    crs = getattr(s, "crs_grade", 0) or 0
    rise = 1 + crs * rng.uniform(0.4, 2.5) + (rng.uniform(2, 5) if rng.random() < 0.08 else 0)
    igg0 = rng.uniform(8, 15)
    nadir = rng.uniform(0.2, 0.55) if not design.allogeneic else rng.uniform(0.7, 0.95)
    igg_lo, igg_hi = (6.0, 15.0) if design.pediatric else (7.0, 16.0)
    cbp = s.sex == "F" and (10 if design.pediatric else 18) <= s.age <= 50
    for visit, num, day in visits.itertuples(index=False):
        dtc = _iso(s.day1, day).item()
        scheduled = visit.startswith("MONTH") or visit in _LIVER_VISITS
        post = day >= 1 and s.kind == "infused"
        if scheduled:
            for code, name, unit, lo, hi in _LIVER:
                peak = (rise - 1) * float(np.exp(-(((day - 9) / 6.0) ** 2))) if post else 0.0
                k = 0.4 if code == "BILI" else 1.0
                add("CHEMISTRY", code, name, base[code] * (1 + k * peak) * float(np.exp(rng.normal(0, 0.12))), unit,
                    lo, hi, visit, num, dtc, 0 if code != "BILI" else 1)
        if visit.startswith("MONTH") or visit in ("SCREENING", "BASELINE"):
            frac = 1.0 if not post else nadir + (1 - nadir) * min(1.0, max(0.0, (day - 120) / 600))
            add("IMMUNOLOGY", "IGG", "Immunoglobulin G", igg0 * frac * float(np.exp(rng.normal(0, 0.06))), "g/L",
                igg_lo, igg_hi, visit, num, dtc, 1)
        if cbp and visit in _HCG_VISITS:
            rows.append(dict(LBCAT="URINALYSIS", LBTESTCD="HCG", LBTEST="Choriogonadotropin Beta", LBORRES="NEGATIVE",
                             LBORRESU=None, LBSTRESN=None, LBSTRESU=None, LBSTNRLO=None, LBSTNRHI=None, VISITNUM=num,
                             VISIT=visit, LBDTC=dtc, LBSTRESC="NEGATIVE", LBSPEC="URINE"))
    lows = [r for r in rows if r["LBTESTCD"] == "IGG" and r["LBSTRESN"] < 4.0]
    s.igg_low_dtc = lows[0]["LBDTC"] if lows else None
    return rows


def _rows_cm_protocol(design, s, rng) -> list[dict]:
    """Anti-infective prophylaxis after lymphodepletion, immunoglobulin replacement after an IgG below 4 g/L,
    and GVHD therapy."""
    if s.kind != "infused":
        return []
    rows = []

    def add(trt, cat, dose, unit, frq, route, start, end, indc):
        rows.append(dict(CMTRT=trt, CMDECOD=trt, CMCAT=cat, CMDOSE=dose, CMDOSU=unit, CMDOSFRQ=frq,
                         CMROUTE=route, CMSTDTC=_iso(s.day1, start).item(),
                         CMENDTC=None if end > s.followup_end else _iso(s.day1, end).item(), CMINDC=indc))

    if rng.random() < 0.9:
        add("VALACICLOVIR" if rng.random() < 0.5 else "ACICLOVIR", "ANTIVIRAL", 500.0, "mg", "BID", "ORAL", -5,
            int(rng.integers(150, 200)), "PROPHYLAXIS")
    if rng.random() < 0.8:
        add("SULFAMETHOXAZOLE/TRIMETHOPRIM", "ANTIBACTERIAL", 480.0, "mg", "QD", "ORAL", -5,
            int(rng.integers(150, 200)), "PROPHYLAXIS")
    if s.igg_low_dtc is not None:
        start = (pd.Timestamp(s.igg_low_dtc) - s.day1).days + 1 + int(rng.integers(1, 10))
        if start <= s.followup_end:
            add("IMMUNOGLOBULIN G HUMAN", "IMMUNOGLOBULIN", 400.0, "mg/kg", "Q4W", "INTRAVENOUS", start,
                start + int(rng.integers(60, 240)), "HYPOGAMMAGLOBULINAEMIA")
    if getattr(s, "gvhd", None):
        onset = s.gvhd["onset"]
        add("HYDROCORTISONE", "GVHD THERAPY", None, None, "BID", "TOPICAL", onset + 2, onset + 30, "ACUTE GVHD")
    return rows


def _rows_cp(design, s, rng) -> list[dict]:
    """CAR+ T-cell phenotype by flow cytometry (SDTMIG 3.4 CP): CD4/CD8 ratio, memory subsets and exhaustion
    markers, while CAR+ cells are detectable."""
    if s.kind != "infused":
        return []
    rows = []
    detect_until = _month_day(3) if design.allogeneic else _month_day(6)
    ratio0 = float(np.exp(rng.normal(np.log(1.6), 0.35)))
    nominal = {visit: (num, day) for visit, num, day, _ in _schedule(design)}
    for i, visit in enumerate(_CP_VISITS):
        num, day = nominal[visit]
        if day > min(s.followup_end, detect_until):
            continue
        dtc = _iso(s.day1, day).item()
        common = dict(CPSPEC="BLOOD", CPMETHOD="FLOW CYTOMETRY", VISITNUM=num, VISIT=visit, CPDTC=dtc)
        ratio = ratio0 * float(np.exp(-0.25 * i + rng.normal(0, 0.1)))
        rows.append(dict(CPTESTCD="CD4CD8", CPTEST="CD4/CD8 Ratio", CPSBMRKS="CAR+", CPCELSTA=None, CPCSMRKS=None,
                         CPORRES=f"{ratio:.2f}", CPORRESU="RATIO", CPSTRESN=round(ratio, 2), CPSTRESU="RATIO",
                         **common))
        late = i / (len(_CP_VISITS) - 1)
        alpha = np.array([3 - 2 * late, 6 - 3 * late, 8, 6 + 6 * late, 2 + 6 * late]) * 6
        share = rng.dirichlet(alpha) * 100
        for (code, name, mrk), pct in zip(_MEMORY, share):
            rows.append(dict(CPTESTCD=code, CPTEST=name, CPSBMRKS=f"CAR+{mrk}", CPCELSTA=None, CPCSMRKS=None,
                             CPORRES=f"{pct:.1f}", CPORRESU="%", CPSTRESN=round(float(pct), 1), CPSTRESU="%",
                             **common))
        for marker, median, growth in _EXHAUSTION:
            pct = min(95.0, median * growth ** late * float(np.exp(rng.normal(0, 0.25))))
            rows.append(dict(CPTESTCD="TLYMSUB", CPTEST="T Lymphocytes Sub", CPSBMRKS="CAR+", CPCELSTA="EXHAUSTED",
                             CPCSMRKS=marker, CPORRES=f"{pct:.1f}", CPORRESU="%", CPSTRESN=round(pct, 1),
                             CPSTRESU="%", **common))
    return rows


def _gvhd(s, ae_rows: list[dict], studyid: str) -> tuple[list[dict], list[dict]]:
    """A chronic GVHD scored by NIH (an AE record with the next AESEQ after ``ae_rows``, the subject's AE records)
    and the SUPPAE qualifiers staging the subject's GVHD records (acute by MAGIC): (new AE records, SUPPAE)."""
    g = s.gvhd
    new = []
    if g["chronic"] <= s.followup_end:
        new.append({**_ae("Chronic graft versus host disease", g["chronic"], 120, 2, s),
                    "USUBJID": s.usubjid, "AESEQ": float(len(ae_rows) + 1)})
    quals = {"Acute graft versus host disease": {"AGVHSKIN": g["skin"], "AGVHLIVR": "0", "AGVHUGI": "0",
                                                 "AGVHLGI": "0", "AGVHGR": g["grade"]},
             "Chronic graft versus host disease": {"CGVHSEV": "MILD"}}
    supp = []
    for r in ae_rows + new:
        for qnam, qval in quals.get(r["AEDECOD"], {}).items():
            supp.append(dict(STUDYID=studyid, RDOMAIN="AE", USUBJID=s.usubjid, IDVAR="AESEQ",
                             IDVARVAL=str(int(r["AESEQ"])), QNAM=qnam, QLABEL=MAGIC_QNAMS[qnam], QVAL=qval,
                             QORIG="CRF", QEVAL="INVESTIGATOR"))
    return new, supp


def _frame(rows: list[dict], domain: str, studyid: str) -> pd.DataFrame:
    spec = DOMAINS[domain]
    frame = pd.DataFrame(rows)
    frame.insert(0, "STUDYID", studyid)
    frame.insert(1, "DOMAIN", domain)
    cols = ["STUDYID", "DOMAIN"] + [c.name for c in spec.columns if c.name in frame and c.name != "STUDYID"]
    extra = [c for c in frame.columns if c not in cols and not c.startswith("_")]
    return frame[cols + extra]


def simulate_study(design: StudyDesign) -> dict[str, pd.DataFrame]:
    """Generate every domain of the input contract for ``design``."""
    rng = np.random.default_rng(design.seed)
    subjects = _draw_subjects(design, rng)
    _assign_fates(design, subjects, rng)
    infused = [s for s in subjects if s.kind == "infused"]
    special = {
        infused[0].usubjid: {"unscheduled": True},
        infused[1].usubjid: {"missed_visit": True, "partial": True},
        infused[2].usubjid: {"missing_item": "MONTH 3", "icans": 2 if design.pediatric else 1},
        infused[3].usubjid: {"total_mismatch": "BASELINE", "gvhd": design.allogeneic},
    }
    out: dict[str, list[dict]] = {d: [] for d in ("DM", "EX", "DS", "RS", "LB", "VS", "CM", "AE", "PC", "CP")}
    supp_ae: list[dict] = []
    rng2 = np.random.default_rng([design.seed, 2])
    for s in subjects:
        flags = special.get(s.usubjid, {})
        if s.kind != "screenfail":
            _activity(design, s, rng)
        else:
            s.items, s.response = [], "none"
        if not hasattr(s, "steroid"):
            s.steroid, s.pred_base, s.pred_floor, s.flare_day = "PREDNISONE", 20.0, 0.0, None
        if s.kind != "infused":
            s.followup_end = -6 if s.kind == "notinfused" else -28
            s.egfr0, s.egfr_drop, s.upcr0, s.upcr_floor, s.upcr_tau = 100.0, False, 1.0, 1.0, 1.0
        _crs(s, rng, design)
        visits = _visit_days(design, s, rng)
        ld = s.day1 - pd.Timedelta(days=5)
        infused_flag = s.kind == "infused"
        end_day = s.followup_end
        arm = s.arm
        out["DM"].append(dict(
            USUBJID=s.usubjid, SUBJID=s.subjid, SITEID=s.site, AGE=float(s.age), AGEU="YEARS", SEX=s.sex,
            RACE="ASIAN", ETHNIC="NOT HISPANIC OR LATINO", COUNTRY="CHN",
            ARMCD=arm.armcd if arm else "SCRNFAIL", ARM=arm.arm if arm else "Screen Failure",
            ACTARMCD=(arm.armcd if infused_flag else ("NOTTRT" if arm else "SCRNFAIL")),
            ACTARM=(arm.arm if infused_flag else ("Not Treated" if arm else "Screen Failure")),
            RFICDTC=s.consent.strftime("%Y-%m-%d"),
            RFSTDTC=ld.strftime("%Y-%m-%d") if s.kind != "screenfail" else None,
            RFXSTDTC=s.day1.strftime("%Y-%m-%d") + "T10:00" if infused_flag else None,
            RFENDTC=_iso(s.day1, end_day).item(),
            DTHFL="Y" if s.death_day else None, DTHDTC=_iso(s.day1, s.death_day).item() if s.death_day else None,
        ))
        out["DS"].append(dict(USUBJID=s.usubjid, DSCAT="PROTOCOL MILESTONE", DSDECOD="INFORMED CONSENT OBTAINED",
                              DSTERM="INFORMED CONSENT OBTAINED", DSSTDTC=s.consent.strftime("%Y-%m-%d"),
                              EPOCH="SCREENING"))
        decod = {"screenfail": "SCREEN FAILURE", "notinfused": "ADVERSE EVENT"}.get(s.kind, s.fate)
        out["DS"].append(dict(USUBJID=s.usubjid, DSCAT="DISPOSITION EVENT", DSDECOD=decod, DSTERM=decod,
                              DSSTDTC=_iso(s.day1, end_day).item(),
                              EPOCH="SCREENING" if s.kind == "screenfail" else (
                                  "TREATMENT" if s.kind == "notinfused" else "FOLLOW-UP")))
        if s.kind != "screenfail":
            bsa = float(np.sqrt(s.height * s.weight / 3600))
            for trt, dose in (("FLUDARABINE", 25.0), ("CYCLOPHOSPHAMIDE", 250.0 if design.pediatric else 300.0)):
                out["EX"].append(dict(USUBJID=s.usubjid, EXTRT=trt, EXCAT="LYMPHODEPLETION", EXDOSE=dose,
                                      EXDOSU="mg/m2", EXSTDTC=_iso(s.day1, -5).item(),
                                      EXENDTC=_iso(s.day1, -3).item(), _bsa=bsa))
        if infused_flag:
            dose = float(np.round(arm.dose * rng.uniform(0.9, 1.1), 2))
            out["EX"].append(dict(USUBJID=s.usubjid, EXTRT=design.product, EXCAT="CAR-T", EXDOSE=dose,
                                  EXDOSU="10^6 cells/kg", EXSTDTC=s.day1.strftime("%Y-%m-%d") + "T10:00",
                                  EXENDTC=s.day1.strftime("%Y-%m-%d") + "T10:30"))
        made = {}
        for dom, rows in (("RS", _rows_rs(design, s, visits, rng, flags) if s.kind != "screenfail" else []),
                          ("LB", _rows_lb(design, s, visits, rng)),
                          ("VS", _rows_vs(design, s, visits, rng)),
                          ("CM", _rows_cm(design, s, rng)),
                          ("AE", _rows_ae(design, s, rng, flags)),
                          ("PC", _rows_pc(design, s, rng) if infused_flag else [])):
            for r in rows:
                r["USUBJID"] = s.usubjid
            if dom == "AE":
                rows.sort(key=lambda r: (r["_day"], r["AEDECOD"]))
                for k, r in enumerate(rows, start=1):
                    r["AESEQ"] = float(k)
            out[dom].extend(rows)
            made[dom] = rows
        _protocol_rows(design, s, visits, rng2, flags, made, out, supp_ae)
    frames = {d: _frame(rows, d, design.studyid) for d, rows in out.items()}
    frames["SUPPAE"] = pd.DataFrame(supp_ae, columns=["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM",
                                                      "QLABEL", "QVAL", "QORIG", "QEVAL"])
    for d, frame in frames.items():  # --SEQ: each record's sequence number within its subject (SDTMIG 4.1.2.2)
        if d not in ("DM", "AE", "SUPPAE") and len(frame):
            frame.insert(frame.columns.get_loc("USUBJID") + 1, f"{d}SEQ",
                         frame.groupby("USUBJID", sort=False).cumcount().to_numpy() + 1)
    return frames


def _protocol_rows(design, s, visits, rng, flags, made, out, supp_ae) -> None:
    """Append the second generator's records of subject ``s`` after its first-generator records (so each
    earlier record keeps its --SEQ)."""
    if s.kind == "screenfail":
        return
    if flags.get("gvhd"):
        s.gvhd = dict(skin="1", grade="I", onset=24, chronic=150)
    rows = {"LB": _rows_lb_protocol(design, s, visits, rng)}
    rows["CM"], rows["CP"] = _rows_cm_protocol(design, s, rng), _rows_cp(design, s, rng)
    if s.fate == "WITHDRAWAL BY SUBJECT" and s.kind == "infused":  # the early-termination visit
        et = pd.DataFrame([("EARLY TERMINATION", 900.0, s.followup_end)], columns=["VISIT", "VISITNUM", "DAY"])
        rows["RS"] = _rows_rs(design, s, et, rng, {})
        rows["LB"] += _rows_lb(design, s, et, rng)
        rows["VS"] = _rows_vs(design, s, et, rng)
    for dom, extra in rows.items():
        for r in extra:
            r["USUBJID"] = s.usubjid
        out[dom].extend(extra)
    if getattr(s, "gvhd", None):
        new, supp = _gvhd(s, made["AE"], design.studyid)
        out["AE"].extend(new)
        supp_ae.extend(supp)


def write_study(frames: dict[str, pd.DataFrame], folder: str | Path) -> list[Path]:
    """Write each domain as ``<domain>.csv`` (UTF-8, ``\\n`` line ends)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for domain, frame in frames.items():
        if domain.startswith("SUPP") and not len(frame):
            continue
        path = folder / f"{domain.lower()}.csv"
        frame.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")
        paths.append(path)
    return paths


def scaled(design: StudyDesign, n_infused: int, *, seed: int | None = None) -> StudyDesign:
    """The same design with ``n_infused`` infused subjects spread over its arms."""
    k = len(design.arms)
    arms = tuple(replace(a, n=n_infused // k + (1 if i < n_infused % k else 0)) for i, a in enumerate(design.arms))
    return replace(design, arms=arms, seed=design.seed if seed is None else seed,
                   enrolment_days=max(design.enrolment_days, n_infused // 2))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the synthetic demo studies as SDTM-like CSV files.")
    parser.add_argument("outdir", help="folder that receives one sub-folder per study")
    parser.add_argument("--study", choices=sorted(PRESETS), action="append",
                        help="study to write (default: all)")
    parser.add_argument("--subjects", type=int, help="number of infused subjects (scale tests)")
    args = parser.parse_args(argv)
    for name in args.study or sorted(PRESETS):
        design = PRESETS[name] if args.subjects is None else scaled(PRESETS[name], args.subjects)
        write_study(simulate_study(design), Path(args.outdir) / design.folder)


if __name__ == "__main__":
    main()
