"""Tables of findings over time and of concomitant treatments: vital signs, laboratory tests by visit and
shifts, glucocorticoid taper, serology, damage index, CAR-T phenotype, GVHD staging, pregnancy tests.

Each builder reads the ARD its catalogue entry names (cartrial/catalogue.yaml) and keeps the ARD's row order
for visits (baseline first, then the visits in their order).
"""
from __future__ import annotations

import pandas as pd

from cartrial.adam.adcp import PARAMETERS
from cartrial.ard import ALL, ard_lookup
from cartrial.tables.display import DisplayTable
from cartrial.tables.efficacy import QS_LABELS, QS_PRECISION, display_levels
from cartrial.tables.format import fmt_mean_sd, fmt_n_of_N_pct, fmt_n_pct, fmt_num, fmt_rate_ci
from cartrial.tables.safety import _header, add_shift_rows

LABELS = {
    "TEMP": "Temperature (C)", "SYSBP": "Systolic blood pressure (mmHg)", "DIABP": "Diastolic blood pressure (mmHg)",
    "OXYSAT": "Oxygen saturation (%)", "WEIGHT": "Weight (kg)", "HEIGHT": "Height (cm)", "PULSE": "Pulse (beats/min)",
    "HR": "Heart rate (beats/min)", "RESP": "Respiratory rate (breaths/min)",
    "ALT": "ALT (U/L)", "AST": "AST (U/L)",
    "BILI": "Bilirubin (umol/L)", "CREAT": "Creatinine (mg/dL)", "IGG": "Immunoglobulin G (g/L)",
    **{code: label for code, label, _ in PARAMETERS.values()}, **QS_LABELS,
}
PRECISION = {"TEMP": 1, "SYSBP": 0, "DIABP": 0, "OXYSAT": 0, "WEIGHT": 1, "ALT": 0, "AST": 0, "BILI": 1,
             "CREAT": 2, "IGG": 1, "CD4CD8": 2, **QS_PRECISION}
VISIT_NOTE = ("Baseline: the last value before lymphodepletion (vital signs, laboratory tests) or on or before the "
              "infusion (disease measures); visits after it as recorded, one value per subject (the mean of repeats).")


def _levels(ard: pd.DataFrame) -> list[str]:
    return display_levels(ard) if len(ard) else [ALL]


def _params(ard: pd.DataFrame, wanted: list[str] | None) -> list[str]:
    present = list(dict.fromkeys(ard["variable"]))
    return [p for p in wanted if p in present] if wanted else present


def _visits(ard: pd.DataFrame, param: str) -> list[str]:
    return list(dict.fromkeys(ard.loc[ard["variable"] == param, "variable_level"]))


def _visit_label(visit: str) -> str:
    return visit.capitalize() if visit in ("BASELINE", "EARLY TERMINATION") else visit.title()


def _arm_table(ctx, ard: pd.DataFrame, flag: str, keys: tuple[str, ...] | None = None,
               **kw) -> tuple[DisplayTable, dict, list[str], dict]:
    """A table with one column per arm (and Total) headed with its N of ADSL ``flag``: the table, the ARD's
    look-up (by ``keys``, default :func:`cartrial.ard.ard_lookup`'s), the arm levels and the Ns."""
    levels, bign = _levels(ard), ctx.bign(flag)
    t = DisplayTable(ctx.spec.id, ctx.spec.number, ctx.spec.title, "", [_header(lvl, bign.get(lvl)) for lvl in levels],
                     **kw)
    return t, (ard_lookup(ard, keys) if keys else ard_lookup(ard)), levels, bign


def visit_table(ctx) -> DisplayTable:
    """Value and change from baseline by visit per arm. Options: ``params`` (order; default: the ARD's),
    ``style`` ``mean`` (n, mean (SD), change mean (SD)) or ``median`` (n, median (min, max))."""
    (name,) = ctx.spec.ards
    ard = ctx.ard(name)
    v = ard_lookup(ard)
    levels, bign = _levels(ard), ctx.bign("SAFFL")
    median = ctx.options.get("style") == "median"
    per = ["n", "Median (min, max)"] if median else ["n", "Mean (SD)", "Change, mean (SD)"]
    t = DisplayTable(ctx.spec.id, ctx.spec.number, ctx.spec.title, "", per * len(levels),
                     spanners=[[_header(lvl, bign.get(lvl)), len(per)] for lvl in levels],
                     stub_header="Parameter\n  Visit")
    for param in _params(ard, ctx.options.get("params")):
        d = PRECISION.get(param, 1)
        t.add(LABELS.get(param, param))
        for visit in _visits(ard, param):
            cells = []
            for lvl in levels:
                n = v.get((lvl, param, visit, "n"))
                if not n:
                    cells += [""] * len(per)
                elif median:
                    cells += [fmt_num(n), f"{fmt_num(v[(lvl, param, visit, 'median')], d + 1)} "
                                          f"({fmt_num(v[(lvl, param, visit, 'min')], d)}, "
                                          f"{fmt_num(v[(lvl, param, visit, 'max')], d)})"]
                else:
                    chg = (fmt_mean_sd(v[(lvl, param, visit, "chg_mean")], v[(lvl, param, visit, "chg_sd")], d)
                           if visit != "BASELINE" else "")
                    cells += [fmt_num(n), fmt_mean_sd(v[(lvl, param, visit, "mean")], v[(lvl, param, visit, "sd")],
                                                      d), chg]
            t.add(_visit_label(visit), cells, level=1)
    t.footnotes = [VISIT_NOTE, "SD: standard deviation." if not median else "Median and range of the subjects' values."]
    t.empty_reason = ctx.options.get("empty_reason", "no results of these parameters in the input at this data cut")
    if len(levels) > 1 or not median:
        t.orientation = "landscape"
    return t


def steroid_taper(ctx) -> DisplayTable:
    """Prednisone-equivalent dose by visit: n, median (Q1, Q3), subjects at <= 5 mg/day and off glucocorticoids
    (0 mg/day), each n/N (%) over the exact 95% CI."""
    ard = ctx.ard("steroid_taper")
    v = ard_lookup(ard)
    levels, bign = _levels(ard), ctx.bign("SAFFL")
    per = ["n", "Median (Q1, Q3)", "<= 5 mg/day", "Off (0 mg/day)"]
    t = DisplayTable(ctx.spec.id, ctx.spec.number, ctx.spec.title, "", per * len(levels),
                     spanners=[[_header(lvl, bign.get(lvl)), len(per)] for lvl in levels], stub_header="Visit")
    for visit in _visits(ard, "PREDEQ"):
        cells = []
        for lvl in levels:
            n = v.get((lvl, "PREDEQ", visit, "n"))
            if not n:
                cells += [""] * len(per)
                continue
            cells += [fmt_num(n), f"{fmt_num(v[(lvl, 'PREDEQ', visit, 'median')], 1)} "
                                  f"({fmt_num(v[(lvl, 'PREDEQ', visit, 'q1')], 1)}, "
                                  f"{fmt_num(v[(lvl, 'PREDEQ', visit, 'q3')], 1)})"]
            cells += [fmt_rate_ci({**v, (lvl, "PREDEQ", visit, "N"): n}, (lvl, "PREDEQ", visit), n=f"n_{name}",
                                  lower=f"{name}_ci_lower", upper=f"{name}_ci_upper") for name in ("le5", "off")]
        t.add(_visit_label(visit), cells)
    t.empty_reason = "no glucocorticoid dose (CM records of category GLUCOCORTICOID) in the input at this data cut"
    t.footnotes = ["Prednisone-equivalent dose (mg/day) of the glucocorticoids taken on the date of the disease "
                   "assessment of each visit window; baseline on or before the infusion.",
                   "Percentages of the subjects with a dose at the visit, over the exact Clopper-Pearson 95% CI."]
    t.orientation = "landscape"
    return t


def outside_limits(ctx) -> DisplayTable:
    """Subjects with an on-treatment vital sign below its low or above its high limit."""
    ard = ctx.ard("vs_outside")
    t, v, levels, _ = _arm_table(ctx, ard, "SAFFL", stub_header="Parameter (limit)")
    for param in _params(ard, None):
        limits = [(level, v.get((ALL, param, "", stat)), sign)
                  for level, stat, sign in (("LOW", "low", "<"), ("HIGH", "high", ">"))]
        limits = [(level, limit, sign) for level, limit, sign in limits if limit is not None and not pd.isna(limit)]
        if limits:
            t.add(LABELS.get(param, param))
        for level, limit, sign in limits:
            t.add(f"{sign} {fmt_num(limit, PRECISION.get(param, 1))}",
                  [fmt_n_of_N_pct(v[(lvl, param, level, "n")], v[(lvl, param, "", "N")]) for lvl in levels], level=1)
    t.empty_reason = "no vital signs with configured limits (VS) in the input at this data cut"
    t.footnotes = ["Subjects with at least one value outside the limit from Day 2 to the data cut; N: subjects with "
                   "a value in that period.", "Limits: the study's vital-sign limits (safety.vital_sign_limits)."]
    return t


def early_vitals(ctx) -> DisplayTable:
    """Highest temperature and lowest systolic pressure of days 1-14 (median, range) and subjects with fever or
    hypotension (n/N (%) over the exact CI)."""
    ard = ctx.ard("vs_early")
    t, v, levels, _ = _arm_table(ctx, ard, "SAFFL")
    for param, flag in (("TEMP", "FEVER"), ("SYSBP", "HYPOTENS")):
        sub = ard[ard["variable"] == param]
        if not len(sub):
            continue
        visit = sub["variable_level"].iloc[0]
        d = PRECISION[param]
        t.add(f"{LABELS[param]}, {'highest' if visit.startswith('MAX') else 'lowest'} of days "
              f"{visit.split()[-1]}")
        t.add("n", [fmt_num(v.get((lvl, param, visit, "n"))) for lvl in levels], level=1)
        t.add("Median (min, max)", [f"{fmt_num(v[(lvl, param, visit, 'median')], d + 1)} "
                                    f"({fmt_num(v[(lvl, param, visit, 'min')], d)}, "
                                    f"{fmt_num(v[(lvl, param, visit, 'max')], d)})"
                                    if v.get((lvl, param, visit, "n")) else "" for lvl in levels], level=1)
        label = ard.loc[ard["variable"] == flag, "variable_level"].iloc[0]
        t.add(f"Subjects with {label}", [fmt_rate_ci(v, (lvl, flag, label)) for lvl in levels], level=1)
    t.empty_reason = "no temperature or systolic blood pressure (VS) in the first 14 days at this data cut"
    t.footnotes = ["Study days 1 to 14 (Day 1 = infusion), the period in which CRS shows; per subject the highest "
                   "temperature and the lowest systolic pressure.", "N: safety set; 95% CI: exact Clopper-Pearson.",
                   "Fever and hypotension thresholds: the study's vital-sign limits (TEMP high, SYSBP low)."]
    return t


def lab_shift(ctx) -> DisplayTable:
    """Baseline CTCAE grade against the worst post-infusion grade of the ``params`` option, all subjects."""
    ard = ctx.ard("lab_shift")
    t = DisplayTable(ctx.spec.id, ctx.spec.number, ctx.spec.title, "", [f"Worst grade {g}" for g in range(5)]
                     + ["Total"], stub_header="Baseline grade")
    add_shift_rows(t, ard_lookup(ard), ard, _params(ard[ard["group_level"] == ALL], ctx.options.get("params")),
                   LABELS, skip_empty=True)
    t.footnotes = ["CTCAE v5.0 grades of increased values by multiples of the upper limit of normal (ULN): "
                   "ALT and AST grade 1 > ULN-3.0, 2 > 3.0-5.0, 3 > 5.0-20.0, 4 > 20.0 x ULN; bilirubin 1 > ULN-1.5, "
                   "2 > 1.5-3.0, 3 > 3.0-10.0, 4 > 10.0 x ULN; creatinine 1 > ULN-1.5, 2 > 1.5-3.0, 3 > 3.0-6.0, "
                   "4 > 6.0 x ULN. Grade 0: at or below the ULN.",
                   "CTCAE's criteria relative to an abnormal baseline are not applied.",
                   "Baseline: last value before lymphodepletion. Worst grade: highest from Day 2 to the data cut."]
    t.empty_reason = "no liver or renal tests with an upper limit of normal (LB) in the input at this data cut"
    return t


def igg_shift(ctx) -> DisplayTable:
    """IgG: baseline category against the lowest post-infusion category, per arm."""
    ard = ctx.ard("lab_shift")
    ard = ard[ard["variable"] == "IGG"]
    v = ard_lookup(ard)
    levels = _levels(ard)
    cats = [">= LLN", "< LLN", "< 4 g/L"]
    t = DisplayTable(ctx.spec.id, ctx.spec.number, ctx.spec.title, "", [*cats, "Total"] * len(levels),
                     spanners=[["Total" if lvl == ALL else lvl, 4] for lvl in levels],
                     stub_header="Baseline category")
    names = {f"GRADE {g}": c for g, c in enumerate(cats)}
    for base in sorted(set(ard["variable_level"])):
        cells = []
        for lvl in levels:
            counts = [v.get((lvl, "IGG", base, f"n_worst{g}"), 0) for g in range(3)]
            cells += [fmt_num(c) for c in counts] + [fmt_num(sum(counts))]
        t.add(names.get(base, base.capitalize()), cells)
    t.empty_reason = "no immunoglobulin G (LB IGG) results in the input at this data cut"
    t.footnotes = ["Categories (not CTCAE, which grades hypogammaglobulinaemia clinically): at or above the lower "
                   "limit of normal (LLN), below the LLN, below 4 g/L (the usual threshold for immunoglobulin "
                   "replacement).", "Lowest category from Day 2 to the data cut; subjects with an IgG value."]
    if len(levels) > 1:
        t.orientation = "landscape"
    return t


def serology(ctx) -> DisplayTable:
    """Serological response by visit among subjects abnormal at baseline: n/N (%) over the exact CI."""
    ard = ctx.ard("serology")
    labels = {"DSDNA": "Anti-dsDNA negative (<= ULN), of subjects positive at baseline",
              "C3": "C3 normal (>= LLN), of subjects low at baseline",
              "C4": "C4 normal (>= LLN), of subjects low at baseline"}
    t, v, levels, _ = _arm_table(ctx, ard, "EFFFL", stub_header="Parameter\n  Visit")
    for param in _params(ard, list(labels)):
        t.add(labels[param])
        for visit in _visits(ard, param):
            t.add(_visit_label(visit), [fmt_rate_ci(v, (lvl, param, visit)) if v.get((lvl, param, visit, "N")) else ""
                                        for lvl in levels], level=1)
    t.empty_reason = "no anti-dsDNA, C3 or C4 results (LB) abnormal at baseline in the input at this data cut"
    t.footnotes = ["N: subjects of the efficacy set abnormal at baseline (anti-dsDNA above, C3 or C4 below the "
                   "laboratory's limit) with a value at the visit; observed cases, no imputation.",
                   "Visits as recorded; an assessment at early termination is shown as such.",
                   "95% CI: exact Clopper-Pearson."]
    return t


def gvhd(ctx) -> DisplayTable:
    """Acute GVHD (MAGIC 2016 organ stages and overall grade) and chronic GVHD (NIH global severity)."""
    ard = ctx.ard("gvhd")
    t, v, levels, _ = _arm_table(ctx, ard, "SAFFL")
    organs = {"AGVHSKIN": "Skin", "AGVHLIVR": "Liver", "AGVHUGI": "Upper GI", "AGVHLGI": "Lower GI"}
    for syndrome, label in (("AGVHD", "Acute GVHD (MAGIC 2016)"), ("CGVHD", "Chronic GVHD (NIH 2014)")):
        n = {lvl: v.get((lvl, syndrome, "", "n"), 0) for lvl in levels}
        t.add(f"Subjects with {label.split(' (')[0][0].lower()}{label.split(' (')[0][1:]}",
              [fmt_n_pct(n[lvl], v.get((lvl, syndrome, "", "N"), 0)) for lvl in levels])
        if syndrome == "AGVHD":
            t.add("Maximum overall grade", level=1)
            for g in ("I", "II", "III", "IV", "NOT STAGED"):
                t.add(f"Grade {g}" if g != "NOT STAGED" else "Not staged",
                      [fmt_n_pct(v.get((lvl, "AGVHGR", g, "n"), 0), n[lvl]) for lvl in levels], level=2)
            for qnam, organ in organs.items():
                staged = [k for k in range(5) if any(v.get((lvl, qnam, f"STAGE {k}", "n"), 0) for lvl in levels)]
                t.add(f"{organ}: maximum stage", level=1)
                for k in staged:
                    t.add(f"Stage {k}", [fmt_n_pct(v.get((lvl, qnam, f"STAGE {k}", "n"), 0), n[lvl])
                                         for lvl in levels], level=2)
        else:
            t.add("Worst global severity", level=1)
            for sev in ("MILD", "MODERATE", "SEVERE", "NOT STAGED"):
                t.add(sev.capitalize() if sev != "NOT STAGED" else "Not scored",
                      [fmt_n_pct(v.get((lvl, "CGVHSEV", sev, "n"), 0), n[lvl]) for lvl in levels], level=2)
        t.add("Treated for GVHD", [fmt_n_pct(v.get((lvl, syndrome, "", "n_treated"), 0), n[lvl]) for lvl in levels],
              level=1)
    t.footnotes = ["Treatment-emergent GVHD. Stages and grades from the AE supplemental qualifiers AGVHSKIN, "
                   "AGVHLIVR, AGVHUGI, AGVHLGI, AGVHGR (MAGIC 2016) and CGVHSEV (NIH 2014 global severity); the "
                   "worst over a subject's episodes.",
                   "Percentages of the subjects in the row above; first row: of N (safety set).",
                   "Treated: a concomitant medication of category GVHD THERAPY started on or after the onset."]
    return t


def cm_by_class(ctx) -> DisplayTable:
    """Subjects with a concomitant medication by category and preferred name (descending frequency)."""
    from cartrial.tables.safety import _ordered_terms

    ard = ctx.ard("cm_by_class")
    t, v, levels, bign = _arm_table(ctx, ard, "SAFFL", ("group_level", "group2_level", "variable", "variable_level",
                                                         "stat_name"), stub_header="Category\n  Preferred name")

    def cells(variable, term, cat=""):
        return [fmt_n_pct(v.get((lvl, cat, variable, term, "n"), 0), bign.get(lvl, 0)) for lvl in levels]

    if len(ard):
        t.add("Subjects with at least one concomitant medication", cells("ANY", "ANY"))
    for cat in _ordered_terms(ard, "CMCAT"):
        t.add(_category(cat), cells("CMCAT", cat))
        for name in _ordered_terms(ard, "CMDECOD", within=cat):
            t.add(name, cells("CMDECOD", name, cat), level=1)
    t.footnotes = ["Medications taken on or after the infusion day (ADCM ONTRTFL); subjects counted once per row; "
                   "N: safety set.", "Categories (CMCAT) and preferred names by descending frequency in the last "
                   "column, then alphabetically."]
    return t


ACRONYMS = ("CRS", "GVHD", "ICANS", "IVIG")


def _category(text: str) -> str:
    """A CDISC upper-case category as a heading: first letter capital, acronyms kept."""
    words = [w if w in ACRONYMS else w.lower() for w in str(text).split()]
    out = " ".join(words)
    return out[:1].upper() + out[1:]


def cm_special(ctx) -> DisplayTable:
    """Background immunosuppressants stopped or restarted; prophylaxis and replacement after the infusion."""
    ard = ctx.ard("cm_special")
    t, v, levels, _ = _arm_table(ctx, ard, "SAFFL")
    for variable, label in dict.fromkeys(zip(ard["variable"], ard["variable_level"])):
        t.add(label, [fmt_rate_ci(v, (lvl, variable, label)) if v[(lvl, variable, label, "N")] else ""
                      for lvl in levels],
              level=1 if variable in ("ISSTOP", "ISRESTRT") else 0)
    t.footnotes = ["Background immunosuppressant: a record of category IMMUNOSUPPRESSANT or BIOLOGIC taken in the 90 "
                   "days before the infusion; stopped: all such records ended before the infusion, none taken after "
                   "it by the data cut (N: subjects on background therapy).",
                   "Prophylaxis and replacement: a record of the category (CMCAT) taken on or after the infusion day; "
                   "N: safety set. Groups: safety.cm_groups.", "95% CI: exact Clopper-Pearson."]
    return t


def pregnancy_listing(ctx) -> DisplayTable:
    """Every pregnancy test (ADLB PARAMCD HCG) of the safety set, by subject and date."""
    adlb = ctx.adam("adlb", params=["HCG"])
    cols = ["Dose group", "Visit", "Date (day)", "Result"]
    t = DisplayTable(ctx.spec.id, ctx.spec.number, ctx.spec.title, "", cols, stub_header="Subject")
    t.kind = "listing"
    for r in adlb.sort_values(["USUBJID", "ADT"], kind="stable").itertuples(index=False):
        day = f"{r.ADT:%Y-%m-%d} ({fmt_num(r.ADY)})" if not pd.isna(r.ADT) else ""
        t.add(r.USUBJID, [r.ARM, _visit_label(str(r.AVISIT)), day, str(r.AVALC or "")])
    t.empty_reason = "no pregnancy tests (LB HCG) in the input at this data cut"
    t.footnotes = ["Urine or serum human chorionic gonadotropin tests of women of child-bearing potential, as "
                   "recorded (LB LBTESTCD HCG). Day: study day (Day 1 = infusion)."]
    return t
