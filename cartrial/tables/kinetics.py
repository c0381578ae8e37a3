"""Tables 14.4: kinetic parameters, persistence, cytokines by CRS grade, B-cell aplasia and recovery."""
from __future__ import annotations

import pandas as pd

from cartrial.ard import ALL, ard_lookup
from cartrial.tables.display import DisplayTable, ard_builder
from cartrial.tables.efficacy import display_levels
from cartrial.tables.format import fmt_ci, fmt_n_of_N_pct, fmt_num, fmt_rate_ci

ASSAY_LABELS = {"CARTDNA": "CAR transgene by qPCR", "CARTCELL": "CAR+ T cells by flow cytometry"}
PARAM_LABELS = {"CMAX": "Cmax", "TMAX": "Tmax (days)", "AUCINT": "AUC0-{end}d (lin-up/log-down)",
                "AUCINTLN": "AUC0-{end}d (linear trapezoid)", "TLST": "Tlast (days)",
                "LAMZHL": "Terminal half-life (days)", "R2ADJ": "Adjusted R-squared of the terminal fit",
                "LAMZNPT": "Points in the terminal fit"}
MEDIAN_RANGE = {"TMAX": 1, "TLST": 1, "R2ADJ": 3, "LAMZNPT": 0}



def _sig(x: float) -> str:
    """Three significant digits (geometric means span orders of magnitude)."""
    if x is None or x != x:
        return "NE"
    digits = max(0, 2 - int(f"{abs(x):e}".split("e")[1])) if x else 0
    return fmt_num(x, digits)


def build_kinetic_table(ard: pd.DataFrame, *, source: str, bign: dict[str, float], auc_end: float = 28.0
                        ) -> DisplayTable:
    v = ard_lookup(ard)
    levels = display_levels(ard) if len(ard) else [ALL]
    t = DisplayTable("t14_4_1_kinetic_parameters", "14.4.1", "CAR-T cellular kinetic parameters",
                     f"Safety set with kinetic samples (N={fmt_num(bign.get(ALL, 0))})",
                     [("Total" if lvl == ALL else lvl) for lvl in levels], source=source)
    for assay in [a for a in ASSAY_LABELS if a in set(ard["variable_level"])]:
        unit = ard.loc[(ard["variable_level"] == assay) & (ard["variable"] == "CMAX"), "unit"]
        t.add(f"{ASSAY_LABELS[assay]} ({unit.iloc[0] if len(unit) else ''})")
        for param, label in PARAM_LABELS.items():
            g = lambda lvl, s: v.get((lvl, param, assay, s))  # noqa: E731
            if g(ALL, "n") is None:
                continue
            label = label.format(end=f"{auc_end:g}")
            if param in MEDIAN_RANGE:
                d = MEDIAN_RANGE[param]
                cells = [f"{fmt_num(g(lvl, 'median'), d)} ({fmt_num(g(lvl, 'min'), d)}, {fmt_num(g(lvl, 'max'), d)})"
                         if g(lvl, "n") else "" for lvl in levels]
                t.add(f"{label}: median (min, max)", cells, level=1)
            else:
                t.add(f"{label}: n", [fmt_num(g(lvl, "n")) for lvl in levels], level=1)
                t.add("   geometric mean (CV%)", [f"{_sig(g(lvl, 'geomean'))} ({fmt_num(g(lvl, 'geocv'), 1, missing='NE')})"
                                                if g(lvl, "n") else "" for lvl in levels], level=2)
                t.add("   median (min, max)", [f"{_sig(g(lvl, 'median'))} ({_sig(g(lvl, 'min'))}, {_sig(g(lvl, 'max'))})"
                                             if g(lvl, "n") else "" for lvl in levels], level=2)
    t.footnotes = ["Non-compartmental analysis per subject and assay (assays never mixed); times in elapsed days "
                   "since the infusion; pre-infusion and BLQ before Tmax = 0, embedded BLQ missing, BLQ after the "
                   "last quantifiable sample = 0 (PKNCA defaults).",
                   f"AUC0-{auc_end:g}d from the infusion (Day 0) to {auc_end:g} days elapsed (the SDTM visit "
                   f"DAY {auc_end + 1:g}), no extrapolation; a missing value has a stated reason in ADPP (PPREASND). "
                   "Terminal phase: the last >= 3 non-zero samples after Tmax with the best adjusted R-squared "
                   "(PKNCA rule).",
                   "Geometric CV% = sqrt(exp(s^2) - 1) x 100, s the SD of the log values; 3 significant digits."]
    return t


def build_persistence_table(ard: pd.DataFrame, *, source: str) -> DisplayTable:
    v = ard_lookup(ard)
    levels = display_levels(ard) if len(ard) else [ALL]
    t = DisplayTable("t14_4_2_persistence", "14.4.2", "CAR-T persistence", "Safety set with a sample at the visit",
                     [("Total" if lvl == ALL else lvl) for lvl in levels], source=source)
    for assay in [a for a in ASSAY_LABELS if a in set(ard["variable_level"])]:
        t.add(ASSAY_LABELS[assay])
        for param in sorted({p for p in ard["variable"] if p.startswith("PERS")}, key=lambda p: int(p[4:-1])):
            g = lambda lvl, s: v.get((lvl, param, assay, s))  # noqa: E731
            t.add(f"Quantifiable at Month {param[4:-1]}, n/N (%)",
                  [fmt_rate_ci(v, (lvl, param, assay)) if g(lvl, "N") else "" for lvl in levels], level=1)
    t.footnotes = ["Persistence: the sample nearest the nominal month (within 30 days) is above the LLOQ; N: subjects "
                   "with such a sample.", "95% CI: exact Clopper-Pearson."]
    return t


def build_cytokine_table(ard: pd.DataFrame, *, source: str) -> DisplayTable:
    v = ard_lookup(ard)
    groups = [g for g in ("0", "1", "2", ">=3") if v.get((g, "IL6", "PEAK", "n"))] + [ALL]
    t = DisplayTable("t14_4_3_cytokines", "14.4.3", "Peak cytokines and inflammation markers by maximum CRS grade",
                     "Safety set", [("Total" if g == ALL else f"CRS grade {g}") + f" (n={fmt_num(v.get((g, 'IL6', 'PEAK', 'n'), 0))})"
                                    for g in groups], source=source)
    labels = {"IL6": "IL-6 (pg/mL)", "IFNG": "IFN-gamma (pg/mL)", "IL10": "IL-10 (pg/mL)", "CRP": "CRP (mg/L)",
              "FERRITIN": "Ferritin (ug/L)"}
    for marker, label in labels.items():
        if not v.get((ALL, marker, "PEAK", "n")):
            continue
        t.add(label)
        for measure, mlabel, d in (("PEAK", "Peak", 1), ("FOLD", "Fold change from baseline", 1),
                                   ("PEAKDAY", "Day of peak", 0)):
            t.add(f"{mlabel}: median (min, max)",
                  [f"{fmt_num(v.get((g, marker, measure, 'median')), d)} ({fmt_num(v.get((g, marker, measure, 'min')), d)}, "
                   f"{fmt_num(v.get((g, marker, measure, 'max')), d)})" if v.get((g, marker, measure, "n")) else ""
                   for g in groups], level=1)
    t.footnotes = ["Peak: highest value on study Days 1-30; baseline: last value on or before the infusion date; "
                   "maximum CRS grade of treatment-emergent CRS (0 = no CRS)."]
    return t


def build_bcell_table(ard: pd.DataFrame, *, source: str) -> DisplayTable:
    v = ard_lookup(ard, ("group_level", "variable", "stat_name"))
    levels = display_levels(ard) if len(ard) else [ALL]
    t = DisplayTable("t14_4_4_bcells", "14.4.4", "B-cell aplasia and recovery", "Safety set with B-cell counts",
                     [("Total" if lvl == ALL else lvl) for lvl in levels], source=source)
    if not len(ard):
        t.add("No B-cell counts (LB BCELL)", [""] * len(levels))
        return t
    label = ard.loc[ard["variable"] == "APLASIA", "variable_level"].iloc[0]
    t.add(f"B-cell aplasia ({label}), n/N (%)",
          [fmt_n_of_N_pct(v.get((lvl, "APLASIA", "n"), 0), v.get((lvl, "APLASIA", "N"), 0)) for lvl in levels])
    t.add("95% CI (Clopper-Pearson)", [fmt_ci(v.get((lvl, "APLASIA", "ci_lower")), v.get((lvl, "APLASIA", "ci_upper")),
                                              1, scale=100) for lvl in levels], level=1)
    if (ALL, "TTBREC", "n") in v:
        t.add("Time to B-cell recovery (subjects with aplasia)")
        t.add("Recovered, n", [f"{fmt_num(v.get((lvl, 'TTBREC', 'events'), 0))}" for lvl in levels], level=1)
        t.add("Median, months (95% CI)", [
            f"{fmt_num(_m(v.get((lvl, 'TTBREC', 'median'))), 1, missing='NE')} "
            f"{fmt_ci(_m(v.get((lvl, 'TTBREC', 'median_ci_lower'))), _m(v.get((lvl, 'TTBREC', 'median_ci_upper'))), 1)}"
            if v.get((lvl, "TTBREC", "n")) else "" for lvl in levels], level=1)
        landmarks = sorted({int(name[6:]) for var, name in zip(ard["variable"], ard["stat_name"])
                            if var == "TTBREC" and name.startswith("rate_m") and name[6:].isdigit()})
        for m in landmarks:  # the landmarks the ARD holds (config km.landmark_months)
            s = lambda lvl, k: v.get((lvl, "TTBREC", k))  # noqa: E731
            t.add(f"Still in aplasia at Month {m}, % (95% CI)", [
                f"{fmt_num(100 * s(lvl, f'rate_m{m}'), 1, missing='NE')} "
                f"{fmt_ci(s(lvl, f'rate_m{m}_ci_lower'), s(lvl, f'rate_m{m}_ci_upper'), 1, scale=100)}"
                if s(lvl, "n") else "" for lvl in levels], level=1)
    t.footnotes = ["Recovery: first count at or above the aplasia threshold after aplasia; Kaplan-Meier from infusion, "
                   "censored at the last count."]
    return t


def _m(x):
    return None if x is None or x != x else x / 30.4375


# Builders of the catalogue's outputs (cartrial/catalogue.yaml; called by cartrial/produce.py)


def kinetic_parameters(ctx) -> DisplayTable:
    return build_kinetic_table(ctx.ard("kinetics"), source=ctx.source, bign=ctx.bign(),
                               auc_end=ctx.shared["kinetics"]["auc_interval_days"])


persistence = ard_builder(build_persistence_table, "kinetics")


cytokines = ard_builder(build_cytokine_table, "cytokines")


bcells = ard_builder(build_bcell_table, "bcells")
