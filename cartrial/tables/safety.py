"""Tables 14.3 (safety) and listings 16.2.7 (adverse events)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.ard import ALL, ard_lookup
from cartrial.distinct import per_distinct_rows
from cartrial.tables.display import DisplayTable, ard_builder
from cartrial.tables.efficacy import display_levels, param_label
from cartrial.tables.format import fmt_ci, fmt_n_of_N_pct, fmt_n_pct, fmt_num, fmt_rate_ci

TE_NOTE = "Treatment-emergent: onset on or after the CAR-T infusion (partial dates imputed, see Appendix A)."
COUNT_NOTE = ("Subjects are counted once per row at their highest grade; N is the number of infused subjects "
              "(safety set) in ADSL.")
SORT_NOTE = "System organ classes and preferred terms by descending frequency in the Total column, then alphabetically."



def _header(lvl: str, n: float | None) -> str:
    name = "Total" if lvl == ALL else lvl
    return name if n is None else f"{name} (N={fmt_num(n)})"


def _bign(ard: pd.DataFrame, variable: str | None = None) -> dict[str, float]:
    sub = ard[ard["stat_name"] == "N"]
    if variable is not None:
        sub = sub[sub["variable"] == variable]
    return dict(zip(sub["group_level"], sub["stat_value"]))


def _pop(bign: dict[str, float]) -> str:
    return f"Safety set (N={fmt_num(bign[ALL])})" if ALL in bign else "Safety set"


def build_overview_table(ard: pd.DataFrame, *, source: str) -> DisplayTable:
    """Table 14.3.1: subjects with at least one event per category."""
    v = ard_lookup(ard)
    levels = display_levels(ard)
    bign = _bign(ard, "ANY")
    t = DisplayTable("t14_3_1_overview", "14.3.1", "Overview of treatment-emergent adverse events", _pop(bign),
                     [_header(lvl, bign.get(lvl)) for lvl in levels], source=source)
    for code, label in dict.fromkeys(zip(ard["variable"], ard["variable_level"])):
        t.add(label, [fmt_n_pct(v[(lvl, code, label, "n")], v[(lvl, code, label, "N")]) for lvl in levels])
    t.footnotes = [TE_NOTE, COUNT_NOTE, "CRS and ICANS graded by ASTCT 2019 (ICANS by CAPD under 12 years); acute GVHD "
                   "by MAGIC 2016, chronic GVHD by NIH 2014; other events by CTCAE v5.0."]
    return t


def _ordered_terms(ard: pd.DataFrame, variable: str, terms: list[str] | None = None, within: str | None = None
                   ) -> list[str]:
    tot = ard[(ard["group_level"] == ALL) & (ard["variable"] == variable) & (ard["stat_name"] == "n")]
    if terms is not None:
        tot = tot[tot["variable_level"].isin(terms)]
    if within is not None:
        tot = tot[tot["group2_level"] == within]
    tot = tot.assign(neg=-tot["stat_value"]).sort_values(["neg", "variable_level"], kind="stable")
    return tot["variable_level"].tolist()


def build_soc_pt_table(ard: pd.DataFrame, *, table_id: str, number: str, title: str,
                       source: str, socs: list[str] | None = None, notes: list[str] | None = None) -> DisplayTable:
    """Subjects by SOC and PT, any grade and grade >= 3, per arm (each PT row of the ARD carries its SOC)."""
    v = ard_lookup(ard, ("group_level", "group2_level", "variable", "variable_level", "stat_name"))
    levels = display_levels(ard) if len(ard) else [ALL]
    bign = _bign(ard)
    cols = ["Any grade", "Grade >= 3"] * len(levels)
    t = DisplayTable(table_id, number, title, _pop(bign), cols, source=source,
                     spanners=[[_header(lvl, bign.get(lvl)), 2] for lvl in levels],
                     stub_header="System organ class\n  Preferred term")

    def cells(variable, term, soc=""):
        out = []
        for lvl in levels:
            N = bign.get(lvl, 0)
            out += [fmt_n_pct(v.get((lvl, soc, variable, term, "n"), 0), N),
                    fmt_n_pct(v.get((lvl, soc, variable, term, "n_grade3plus"), 0), N)]
        return out

    if socs is None:
        t.add("Subjects with at least one event", cells("ANY", "ANY"))
    for soc in _ordered_terms(ard, "AEBODSYS", socs):
        t.add(soc, cells("AEBODSYS", soc))
        for pt in _ordered_terms(ard, "AEDECOD", within=soc):
            t.add(pt, cells("AEDECOD", pt, soc), level=1)
    if not len(ard) or not t.rows:
        t.add("No events", [""] * len(cols))
    t.footnotes = [*(notes or [TE_NOTE]), COUNT_NOTE, SORT_NOTE, "MedDRA coding as recorded in AE."]
    if len(levels) > 1:
        t.orientation = "landscape"
    return t


def build_pt_grade_table(ard: pd.DataFrame, *, source: str) -> DisplayTable:
    """Table 14.3.3: subjects by PT and maximum grade (columns grade 1-5) per arm."""
    v = ard_lookup(ard)
    # a PT coded under two SOCs has a row per SOC: its counts are summed (its N is the same in each)
    pts = ard[(ard["variable"] == "AEDECOD") & (ard["stat_name"] != "N")]
    for key, value in pts.groupby(["group_level", "variable", "variable_level", "stat_name"], sort=False)[
            "stat_value"].sum().items():
        dict.__setitem__(v, key, value)
    levels = display_levels(ard) if len(ard) else [ALL]
    bign = _bign(ard)
    t = DisplayTable("t14_3_3_teae_pt_grade", "14.3.3", "Treatment-emergent adverse events by preferred term and "
                     "maximum grade", _pop(bign), [f"Grade {g}" for g in range(1, 6)] * len(levels), source=source,
                     spanners=[[_header(lvl, bign.get(lvl)), 5] for lvl in levels])
    totals = {}
    for pt in dict.fromkeys(ard["variable_level"]):
        totals[pt] = sum(v.get((ALL, "AEDECOD", pt, f"n_grade{g}"), 0) for g in range(1, 6))
    for pt in sorted(totals, key=lambda p: (-totals[p], p)):
        t.add(pt, [fmt_n_pct(v.get((lvl, "AEDECOD", pt, f"n_grade{g}"), 0), bign.get(lvl, 0))
                   for lvl in levels for g in range(1, 6)])
    t.footnotes = [TE_NOTE, "Each subject is counted once per preferred term, in the column of the highest grade.",
                   "Preferred terms by descending frequency (any grade, Total), then alphabetically."]
    t.orientation = "landscape"
    return t


def build_syndrome_table(ard: pd.DataFrame, *, source: str) -> DisplayTable:
    """Table 14.3.4: CRS, ICANS, GVHD and ICAHT - incidence, grade, onset, duration, treatment."""
    v = ard_lookup(ard)
    levels = display_levels(ard)
    bign = _bign(ard)
    t = DisplayTable("t14_3_4_syndromes", "14.3.4", "CAR-T cell-associated syndromes", _pop(bign),
                     [_header(lvl, bign.get(lvl)) for lvl in levels], source=source)
    for code, label in dict.fromkeys(zip(ard["variable"], ard["variable_level"])):
        g = lambda lvl, s: v.get((lvl, code, label, s))  # noqa: E731
        t.add(label)
        t.add("Subjects, n (%)", [fmt_n_pct(g(lvl, "n"), g(lvl, "N")) for lvl in levels], level=1)
        t.add("95% CI (Clopper-Pearson)", [fmt_ci(g(lvl, "ci_lower"), g(lvl, "ci_upper"), 1, scale=100)
                                           for lvl in levels], level=1)
        if not any(g(lvl, "n") for lvl in levels):
            continue
        for grade in range(1, 6):
            if any(g(lvl, f"n_grade{grade}") for lvl in levels):
                t.add(f"Maximum grade {grade}", [fmt_n_pct(g(lvl, f"n_grade{grade}"), g(lvl, "N")) for lvl in levels],
                      level=2)
        t.add("Onset, study day: median (range)", [_median_range(g, lvl, "onset") for lvl in levels], level=1)
        t.add("Duration, days: median (range)", [_median_range(g, lvl, "duration") for lvl in levels], level=1)
        t.add("Tocilizumab, n (%)", [fmt_n_pct(g(lvl, "n_tocilizumab"), g(lvl, "n")) for lvl in levels], level=1)
        t.add("Corticosteroids, n (%)", [fmt_n_pct(g(lvl, "n_corticosteroid"), g(lvl, "n")) for lvl in levels],
              level=1)
    t.footnotes = [TE_NOTE, "Onset: study day of the first episode (Day 1 = infusion). Duration: first onset to last "
                   "resolution of the subject's episodes; ongoing episodes are not included.",
                   "Treatment percentages are of the subjects with the syndrome; from CM records of category "
                   "CRS THERAPY.", "95% CI: exact Clopper-Pearson."]
    return t


def _median_range(g, lvl, prefix) -> str:
    n = g(lvl, f"{prefix}_n")
    if not n:
        return ""
    return f"{fmt_num(g(lvl, f'{prefix}_median'), 1)} ({fmt_num(g(lvl, f'{prefix}_min'))}, {fmt_num(g(lvl, f'{prefix}_max'))})"


def build_lab_shift_table(ard: pd.DataFrame, *, source: str) -> DisplayTable:
    """Table 14.3.7: baseline CTCAE grade against the worst post-infusion grade (all subjects)."""
    v = ard_lookup(ard)
    labels = {"NEUT": "Neutrophils (x10^9/L)", "PLAT": "Platelets (x10^9/L)", "LYM": "Lymphocytes (x10^9/L)",
              "HGB": "Haemoglobin (g/L)"}
    t = DisplayTable("t14_3_7_lab_shift", "14.3.7", "Shift from baseline to worst post-infusion CTCAE grade: "
                     "cytopenias", "Safety set (subjects with the test)",
                     [f"Worst grade {g}" for g in range(5)] + ["Total"], source=source,
                     stub_header="Baseline grade")
    add_shift_rows(t, v, ard, [p for p in labels if p in set(ard["variable"])], labels)
    t.footnotes = ["CTCAE v5.0 grades of decreased counts; grade 0 = at or above the lower limit of normal.",
                   "Baseline: last value before lymphodepletion. Worst grade: lowest count from Day 2 to the data cut.",
                   "Haemoglobin has no laboratory grade 4 in CTCAE v5.0."]
    return t


def add_shift_rows(t: DisplayTable, v, ard: pd.DataFrame, params: list[str], labels: dict[str, str], *,
                   skip_empty: bool = False) -> None:
    """Per parameter a heading, then one row per baseline grade of all subjects (``v``: the ARD's look-up):
    subjects by worst grade 0-4 and in total; ``skip_empty`` leaves out a baseline grade without subjects."""
    sub = ard[ard["group_level"] == ALL]
    for param in params:
        t.add(labels.get(param, param))
        for base in sorted(set(sub.loc[sub["variable"] == param, "variable_level"])):
            counts = [v.get((ALL, param, base, f"n_worst{g}"), 0) for g in range(5)]
            if sum(counts) or not skip_empty:
                t.add(base.capitalize(), [fmt_num(c) for c in counts] + [fmt_num(sum(counts))], level=1)


def build_icaht_table(ard: pd.DataFrame, *, source: str) -> DisplayTable:
    """Table 14.3.8: early ICAHT grades and prolonged grade >= 3 cytopenia."""
    v = ard_lookup(ard)
    levels = display_levels(ard)
    bign = {lvl: v.get((lvl, "ICAHTGR", "", "N")) for lvl in levels}
    t = DisplayTable("t14_3_8_icaht", "14.3.8", "Immune effector cell-associated haematotoxicity and prolonged "
                     "cytopenia", _pop(bign), [_header(lvl, bign.get(lvl)) for lvl in levels], source=source)
    t.add("Early ICAHT (Days 0-30), maximum grade")
    for g in range(5):
        t.add(f"Grade {g}", [fmt_n_pct(v.get((lvl, "ICAHTGR", f"GRADE {g}", "n"), 0), bign[lvl]) for lvl in levels],
              level=1)
    t.add("Grade >= 3 neutropenia or thrombocytopenia")
    for flag, day in (("PC30FL", "DAY 30"), ("PC90FL", "DAY 90")):
        t.add(f"On or after {day.title()}, n/N (%)",
              [_n_of(v.get((lvl, flag, day, "n")), v.get((lvl, flag, day, "N"))) for lvl in levels], level=1)
    t.footnotes = ["Early ICAHT (EHA/EBMT 2023): grade 1 ANC <= 0.5 x10^9/L for < 7 days, grade 2 for 7-13 days, "
                   "grade 3 for >= 14 days, grade 4 ANC < 0.1 x10^9/L for >= 7 days; durations from sampled counts.",
                   "Prolonged cytopenia: ANC < 1.0 or platelets < 50 x10^9/L; N = subjects followed to the day or "
                   "with the event."]
    return t


def _n_of(n, N) -> str:
    return fmt_n_of_N_pct(n, N) if N else ""


def build_monitoring_table(ard: pd.DataFrame, *, source: str, analysis_type: str) -> DisplayTable:
    """Table 14.3.9: interim safety stopping rule status, boundary, and (at an interim analysis only, where it
    means something) the predictive probability of success."""
    tox = ard[ard["variable"] == "TOXICITY"]
    interim = analysis_type == "interim"
    title = "Interim monitoring: safety stopping rule" + (" and predictive probability of success" if interim else "")
    t = DisplayTable("t14_3_9_monitoring", "14.3.9", title, "Safety set / efficacy set" if interim else "Safety set",
                     ["Value"], source=source)
    if len(tox):
        v = dict(zip(tox["stat_name"], tox["stat_value"]))
        label = tox["variable_level"].iloc[0]
        t.add(f"Safety stopping rule: {label}")
        t.add("Subjects with the event / evaluable subjects", [f"{fmt_num(v['x'])} / {fmt_num(v['n'])}"], level=1)
        t.add(f"P(rate > {v['threshold']:g} | data)", [fmt_num(v["posterior_prob"], 3)], level=1)
        t.add("Stopping threshold", [f"> {v['cutoff']:g}"], level=1)
        t.add(f"Events that stop the study at n = {fmt_num(v['n'])}", [fmt_num(v["boundary_at_n"], missing="none")],
              level=1)
        t.add("Boundary crossed", ["YES - stopping rule met" if v["crossed"] else "No"], level=1)
        bound = ard[ard["variable"] == "BOUNDARY"]
        t.add("Stopping boundary: minimum events at each number of evaluable subjects")
        pairs = [f"{r.variable_level}: {fmt_num(r.stat_value, missing='-')}" for r in bound.itertuples()]
        for i in range(0, len(pairs), 10):
            t.add("n: events", ["; ".join(pairs[i:i + 10])], level=1)
        t.footnotes.append(tox["method"].iloc[0] + "; evaluable: infused subjects with the minimum follow-up or the "
                           "event.")
    eff = ard[ard["variable"] == "EFFICACY"]
    if len(eff) and interim:
        v = dict(zip(eff["stat_name"], eff["stat_value"]))
        paramcd, _, visit = eff["variable_level"].iloc[0].partition(" at ")
        t.add(f"Primary endpoint: {param_label(paramcd)} at {visit.title()}")
        t.add("Responders / evaluable subjects", [f"{fmt_num(v['x'])} / {fmt_num(v['n'])}"], level=1)
        t.add(f"P(rate > {v['p0']:g} | data)", [fmt_num(v["posterior_prob"], 3)], level=1)
        t.add(f"Predictive probability of success at N = {fmt_num(v['planned_n'])}",
              [fmt_num(v["predictive_prob"], 3)], level=1)
        t.footnotes.append(eff["method"].iloc[0] + ".")
    if not interim:
        t.footnotes.append("Shown for completeness: the stopping rule governs interim analyses; the predictive "
                           "probability of success is an interim quantity and is not shown at the final analysis.")
    return t


LISTING_COLUMNS = ["Arm", "Preferred term / verbatim", "System organ class", "Start (day)", "End (day)", "Grade",
                   "Serious", "Related", "Outcome", "TE"]


def _day(d, dy) -> str:
    if pd.isna(d):
        return ""
    return f"{d:%Y-%m-%d} ({fmt_num(dy)})" if not pd.isna(dy) else f"{d:%Y-%m-%d}"


def _days(dates: pd.Series, days: pd.Series) -> np.ndarray:
    """:func:`_day` of each record, worked out once per distinct date and day."""
    return per_distinct_rows(pd.DataFrame({"d": dates.to_numpy(), "y": days.to_numpy()}), lambda distinct: np.array(
        [_day(d, y) for d, y in distinct.itertuples(index=False)], dtype=object))


def build_ae_listing(adae: pd.DataFrame, *, table_id: str, number: str, title: str, source: str) -> DisplayTable:
    """An AE listing: one row per record, key columns repeated, sorted by subject and start date."""
    t = DisplayTable(table_id, number, title, "Safety set and enrolled subjects not infused", LISTING_COLUMNS,
                     source=source, stub_header="Subject")
    t.kind = "listing"
    t.orientation = "landscape"
    rows = adae.sort_values(["USUBJID", "ASTDT", "AESEQ"], kind="stable")
    starts, ends = _days(rows["ASTDT"], rows["ASTDY"]), _days(rows["AENDT"], rows["AENDY"])
    text = rows[["USUBJID", "ARM", "AEDECOD", "AETERM", "AEBODSYS", "ASTDTF", "AETOXGR", "AESER", "AEREL", "AEOUT",
                 "TRTEMFL"]]  # the dates are taken as text above, not as a timestamp per record
    for r, start, end in zip(text.itertuples(index=False), starts, ends):
        term = r.AEDECOD if not r.AETERM or r.AETERM == r.AEDECOD else f"{r.AEDECOD} / {r.AETERM}"
        t.add(r.USUBJID, [r.ARM or "Not infused", term, r.AEBODSYS or "",
                          start + (f" [{r.ASTDTF}]" if r.ASTDTF else ""), end,
                          r.AETOXGR or "", r.AESER or "", r.AEREL or "", r.AEOUT or "", r.TRTEMFL or "N"])
    if not len(rows):
        t.add("No records", [""] * len(LISTING_COLUMNS))
    t.footnotes = ["Day: study day (Day 1 = infusion). [D] / [M] / [Y]: start day, month or date imputed.",
                   "TE: treatment-emergent. Grades: CTCAE v5.0; CAR-T syndromes on their own scales."]
    return t


# Builders of the catalogue's outputs (cartrial/catalogue.yaml; called by cartrial/produce.py)


overview = ard_builder(build_overview_table, "safety_overview")


def soc_pt(ctx) -> DisplayTable:
    """Subjects by SOC and PT from the output's one ARD; ``socs`` keeps only those SOCs, ``notes`` leads the
    footnotes."""
    (name,) = ctx.spec.ards
    return build_soc_pt_table(ctx.ard(name), table_id=ctx.spec.id, number=ctx.spec.number, title=ctx.spec.title,
                              source=ctx.source, socs=ctx.options.get("socs"), notes=ctx.options.get("notes"))


def pt_grade(ctx) -> DisplayTable:
    """Subjects by PT and maximum grade from the output's one ARD (all TEAEs, or the related ones)."""
    (name,) = ctx.spec.ards
    return build_pt_grade_table(ctx.ard(name), source=ctx.source)


syndromes = ard_builder(build_syndrome_table, "syndromes")


lab_shift = ard_builder(build_lab_shift_table, "lab_shift")


icaht = ard_builder(build_icaht_table, "icaht")


def monitoring(ctx) -> DisplayTable:
    return build_monitoring_table(ctx.ard("monitoring"), source=ctx.source, analysis_type=ctx.analysis_type)


def grade3_soc_pt(ctx) -> DisplayTable:
    """Subjects with a TEAE of grade >= 3 by SOC and PT per arm (``n_grade3plus`` of the ae_by_soc_pt ARD); only
    SOCs and PTs with such an event, in the order of the any-grade table."""
    ard = ctx.ard("ae_by_soc_pt")
    v = ard_lookup(ard, ("group_level", "group2_level", "variable", "variable_level", "stat_name"))
    levels, bign = (display_levels(ard) if len(ard) else [ALL]), ctx.bign()
    t = DisplayTable(ctx.spec.id, ctx.spec.number, ctx.spec.title, "", [_header(lvl, bign.get(lvl)) for lvl in levels],
                     stub_header="System organ class\n  Preferred term")

    def cells(variable, term, soc=""):
        return [fmt_n_pct(v.get((lvl, soc, variable, term, "n_grade3plus"), 0), bign.get(lvl, 0)) for lvl in levels]

    t.add("Subjects with at least one event of grade >= 3", cells("ANY", "ANY"))
    for soc in _ordered_terms(ard, "AEBODSYS"):
        if not v.get((ALL, "", "AEBODSYS", soc, "n_grade3plus"), 0):
            continue
        t.add(soc, cells("AEBODSYS", soc))
        for pt in _ordered_terms(ard, "AEDECOD", within=soc):
            if v.get((ALL, soc, "AEDECOD", pt, "n_grade3plus"), 0):
                t.add(pt, cells("AEDECOD", pt, soc), level=1)
    t.footnotes = [TE_NOTE, "Subjects are counted once per row; grades by CTCAE v5.0, CAR-T syndromes on their own "
                   "scales.", "Order as in Table 14.3.2 (any grade)."]
    return t


def aesi(ctx) -> DisplayTable:
    """Subjects with a treatment-emergent AESI, any and by PT (descending frequency in the Total column), per arm:
    n/N (%) and the exact Clopper-Pearson 95% CI."""
    ard = ctx.ard("aesi")
    v = ard_lookup(ard)
    levels, bign = (display_levels(ard) if len(ard) else [ALL]), ctx.bign()
    t = DisplayTable(ctx.spec.id, ctx.spec.number, ctx.spec.title, "", [_header(lvl, bign.get(lvl)) for lvl in levels],
                     stub_header="Preferred term")

    def add(label, variable, term, level):  # n/N (%) over its CI in one cell: a page never parts them
        t.add(label, [fmt_rate_ci(v, (lvl, variable, term)) for lvl in levels], level=level)

    if not len(ard):
        t.add("No adverse event of special interest", [""] * len(levels))
    else:
        add("Any adverse event of special interest", "ANY", "ANY", 0)
        for pt in _ordered_terms(ard, "AEDECOD"):
            add(pt, "AEDECOD", pt, 1)
    t.footnotes = [TE_NOTE, "Adverse events of special interest: CRS, ICANS, GVHD and ICAHT, and the configured "
                   "preferred terms and system organ classes (safety.aesi_terms, safety.aesi_socs).",
                   "Cells: subjects n/N (%) over the exact Clopper-Pearson 95% CI (%); N: safety set of the column."]
    return t


def ae_listing(ctx) -> DisplayTable:
    """All adverse events, or with ``serious_or_fatal`` the serious and fatal ones."""
    adae = ctx.adam("adae")
    if ctx.options.get("serious_or_fatal"):
        adae = adae[(adae["AESER"] == "Y") | (adae["FATALFL"] == "Y")]
    return build_ae_listing(adae, table_id=ctx.spec.id, number=ctx.spec.number, title=ctx.spec.title,
                            source=ctx.source)
