"""Tables 14.1: subject disposition and baseline characteristics."""
from __future__ import annotations

import pandas as pd

from cartrial.ard import ALL, ard_lookup
from cartrial.tables.display import DisplayTable, ard_builder
from cartrial.tables.format import fmt_mean_sd, fmt_n_pct, fmt_num, fmt_range

LABELS = {
    "AGE": "Age (years)", "AGEGR1": "Age group (years)", "SEX": "Sex", "RACE": "Race", "ETHNIC": "Ethnicity",
    "COUNTRY": "Country", "HEIGHTBL": "Height (cm)", "WEIGHTBL": "Weight (kg)", "BMIBL": "BMI (kg/m2)",
    "BSABL": "Body surface area (m2)", "DOSE": "CAR-T dose (10^6 cells/kg)", "FUPMO": "Follow-up (months)",
}
LEVEL_LABELS = {"SEX": {"F": "Female", "M": "Male", "U": "Unknown"}}
#: decimals of the raw data; mean and median get one more, SD two more
PRECISION = {"AGE": 0, "HEIGHTBL": 1, "WEIGHTBL": 1, "BMIBL": 1, "BSABL": 2, "DOSE": 2, "FUPMO": 1}



def _levels(ard: pd.DataFrame) -> list[str]:
    levels = list(dict.fromkeys(ard["group_level"]))
    return [lvl for lvl in levels if lvl != ALL] + [ALL]


def _header(level: str, n: float | None) -> str:
    name = "Total" if level == ALL else level
    return f"{name} (N={fmt_num(n)})" if n is not None else name


def build_disposition_table(ard: pd.DataFrame, *, source: str) -> DisplayTable:
    """Table 14.1.1 from the ``disposition`` ARD."""
    v = ard_lookup(ard)
    levels = _levels(ard)
    table = DisplayTable("t14_1_1_disposition", "14.1.1", "Subject disposition",
                         "All screened subjects", [_header(lvl, v.get((lvl, "ENROLLED", "", "n"))) for lvl in levels],
                         stub_header="", source=source)
    total_only = lambda text: [""] * (len(levels) - 1) + [text]  # noqa: E731
    table.add("Screened", total_only(fmt_num(v[(ALL, "SCREENED", "", "n")])))
    table.add("Screen failure", total_only(fmt_n_pct(v[(ALL, "SCRNFAIL", "", "n")], v[(ALL, "SCRNFAIL", "", "N")])))
    table.add("Enrolled", [fmt_num(v.get((lvl, "ENROLLED", "", "n"), 0)) for lvl in levels])

    def pct(lvl, var, lev):
        return fmt_n_pct(v.get((lvl, var, lev, "n"), 0), v.get((lvl, var, lev, "N"), 0))

    reasons = sorted(set(ard.loc[ard["variable"] == "NOT_INFUSED", "variable_level"]))
    not_inf = [sum(v.get((lvl, "NOT_INFUSED", r, "n"), 0) for r in reasons) for lvl in levels]
    enrolled = [v.get((lvl, "ENROLLED", "", "n"), 0) for lvl in levels]
    table.add("Enrolled, not infused", [fmt_n_pct(n, N) for n, N in zip(not_inf, enrolled)])
    for r in reasons:
        table.add(r.capitalize(), [pct(lvl, "NOT_INFUSED", r) for lvl in levels], level=1)
    table.add("Infused (safety set)", [pct(lvl, "SAFFL", "Y") for lvl in levels])
    table.add("Efficacy set", [pct(lvl, "EFFFL", "Y") for lvl in levels])
    table.add("Status of infused subjects at the data cut")
    for status, label in (("COMPLETED", "Completed study"), ("ONGOING", "Ongoing"),
                          ("DISCONTINUED", "Discontinued study")):
        table.add(label, [pct(lvl, "EOSSTT", status) for lvl in levels], level=1)
        if status == "DISCONTINUED":
            for r in sorted(set(ard.loc[ard["variable"] == "DCSREAS", "variable_level"])):
                table.add(r.capitalize(), [pct(lvl, "DCSREAS", r) for lvl in levels], level=2)
    table.footnotes = [
        "Column N: enrolled subjects by planned dose group; screened subjects and screen failures are counted "
        "in the Total column only.",
        "Percentages: of screened subjects for screen failures; of enrolled subjects for 'not infused' and "
        "'infused'; of infused subjects for the efficacy set and the study status.",
        "Efficacy set: infused subjects with a baseline SLEDAI assessment on or before the infusion date.",
    ]
    return table


def build_baseline_table(ard: pd.DataFrame, *, source: str,
                         population: str = "Safety set: all infused subjects") -> DisplayTable:
    """Table 14.1.2 from the ``demographics`` ARD, variables in ARD order.

    A variable with a ``mean`` statistic is shown as continuous, any other
    as categorical.
    """
    from cartrial.tables.efficacy import display_levels

    v = ard_lookup(ard)
    levels = display_levels(ard)
    if (ALL, "BIGN", "", "n") in v:
        population = f"{population} (N={fmt_num(v[(ALL, 'BIGN', '', 'n')])})"
    table = DisplayTable("t14_1_2_demographics", "14.1.2", "Demographics and baseline characteristics",
                         population, [_header(lvl, v.get((lvl, "BIGN", "", "n"))) for lvl in levels],
                         source=source)
    variables = [var for var in dict.fromkeys(ard["variable"]) if var != "BIGN"]
    continuous = set(ard.loc[ard["stat_name"] == "mean", "variable"])
    for var in variables:
        if var not in continuous:
            _add_categorical(table, v, ard, var, levels)
            continue
        d = PRECISION.get(var, 1)
        table.add(LABELS.get(var, var))
        table.add("n", [fmt_num(v[(lvl, var, "", "n")]) for lvl in levels], level=1)
        table.add("Mean (SD)", [fmt_mean_sd(v[(lvl, var, "", "mean")], v[(lvl, var, "", "sd")], d)
                                for lvl in levels], level=1)
        table.add("Median", [fmt_num(v[(lvl, var, "", "median")], d + 1) for lvl in levels], level=1)
        table.add("Q1, Q3", [fmt_range(v[(lvl, var, "", "q1")], v[(lvl, var, "", "q3")], d + 1) for lvl in levels],
                  level=1)
        table.add("Min, Max", [fmt_range(v[(lvl, var, "", "min")], v[(lvl, var, "", "max")], d) for lvl in levels],
                  level=1)
    table.footnotes = [
        "Baseline: last non-missing value on or before the CAR-T infusion date.",
        "SD: standard deviation; Q1, Q3: first and third quartiles (SAS QNTLDEF=5). "
        "Percentages are of the column N.",
    ]
    return table


def _add_categorical(table: DisplayTable, v: dict, ard: pd.DataFrame, var: str, levels: list[str]) -> None:
    table.add(LABELS.get(var, var))
    cats = list(dict.fromkeys(ard.loc[ard["variable"] == var, "variable_level"]))
    for cat in cats:
        label = LEVEL_LABELS.get(var, {}).get(cat, _sentence_case(cat))
        table.add(label, [fmt_n_pct(v.get((lvl, var, cat, "n"), 0), v.get((lvl, var, cat, "N"), 0))
                          for lvl in levels], level=1)


def _sentence_case(term: str) -> str:
    """``NOT HISPANIC OR LATINO`` -> ``Not hispanic or latino``; short codes (``CHN``) stay."""
    return term.capitalize() if term.isupper() and len(term) > 3 else term


# Builders of the catalogue's outputs (cartrial/catalogue.yaml; called by cartrial/produce.py)


disposition = ard_builder(build_disposition_table, "disposition")


demographics = ard_builder(build_baseline_table, "demographics")
