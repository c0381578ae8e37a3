"""The analysis results dataset (ARD): one statistic a row, unrounded. Every number in the report comes
from an ARD row.

On disk (``ard/<name>.csv``) an ARD has the layout of CDISC ARS and the R package ``cards``
(:data:`FILE_COLUMNS`): ``analysis, group1, group1_level, group2, group2_level, variable, variable_level,
stat_name, stat_label, stat, fmt, unit, method``.

- ``group1`` is the grouping (the arm), with ``group1_level`` empty for all subjects;
- ``group2`` nests the row further: the SOC of a PT row (``AEBODSYS``), or the timepoint of a landmark
  statistic (``AVISIT``, e.g. ``MONTH 3``) - a timepoint is a level, never part of a statistic's name;
- ``stat_label`` says what the statistic is; counts are written as integers (``fmt`` ``d``).

In memory the builders and table adapters use the compact form (:data:`ARD_COLUMNS`: ``group``,
``group_level`` = ``ALL`` for all subjects, landmark statistics named ``rate_m3`` and the like, and an
optional ``group2``/``group2_level``); :func:`write_ard` and :func:`read_ard` convert exactly between the
two, so a file read back gives the frame that was written.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from cartrial.csvsafe import write_csv

ARD_COLUMNS = ["analysis", "group", "group_level", "group2", "group2_level", "variable", "variable_level",
               "stat_name", "stat_value", "unit", "method"]
FILE_COLUMNS = ["analysis", "group1", "group1_level", "group2", "group2_level", "variable", "variable_level",
                "stat_name", "stat_label", "stat", "fmt", "unit", "method"]
ALL = "ALL"
TIMEPOINT = "AVISIT"
#: a landmark statistic of the compact form: <name>_m<month>[_ci_lower|_ci_upper]
_LANDMARK = re.compile(r"^(?P<name>.+?)_m(?P<month>\d+)(?P<bound>_ci_lower|_ci_upper)?$")
#: statistics that count subjects, events or records
COUNTS = re.compile(r"^(n|N|x|events|censored|any|planned_n|min_events|boundary_at_n|n_.+|[a-z]+_n)$")
STAT_LABELS = {
    "n": "n", "N": "N", "p": "Proportion", "x": "Number of events", "ci_lower": "CI Lower Bound",
    "ci_upper": "CI Upper Bound", "mean": "Mean", "sd": "SD", "median": "Median", "q1": "Q1", "q3": "Q3",
    "min": "Min", "max": "Max", "events": "Number of events", "censored": "Number censored",
    "median_ci_lower": "Median CI Lower Bound", "median_ci_upper": "Median CI Upper Bound",
    "q25": "25th percentile", "q75": "75th percentile", "rate": "Event-free rate", "n_risk": "Number at risk",
    "geomean": "Geometric mean", "geocv": "Geometric CV%", "diff": "Difference in proportions",
    "p_fisher": "Fisher exact p-value", "n_grade3plus": "n with grade >= 3", "posterior_prob": "Posterior probability",
    "predictive_prob": "Predictive probability of success",
}


def make_ard(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Return a validated ARD frame from row dicts (missing keys become empty)."""
    frame = pd.DataFrame(rows)
    for col in ARD_COLUMNS:
        if col not in frame:
            frame[col] = "" if col != "stat_value" else np.nan
    frame = frame[ARD_COLUMNS].copy()
    text = [c for c in ARD_COLUMNS if c != "stat_value"]
    frame[text] = frame[text].fillna("").astype(str)
    frame["stat_value"] = pd.to_numeric(frame["stat_value"], errors="raise").astype("float64")
    return validate_ard(frame)


def validate_ard(frame: pd.DataFrame) -> pd.DataFrame:
    """Check columns and that no statistic is stated twice."""
    missing = [c for c in ARD_COLUMNS if c not in frame]
    if missing:
        raise ValueError(f"ARD lacks columns {missing}")
    key = ["analysis", "group", "group_level", "group2", "group2_level", "variable", "variable_level", "stat_name",
           "method"]
    dup = frame.duplicated(key, keep=False)
    if dup.any():
        raise ValueError(f"ARD states a statistic twice:\n{frame[dup].head(10).to_string()}")
    return frame


def _stat_label(name: str) -> str:
    if name in STAT_LABELS:
        return STAT_LABELS[name]
    for bound, words in (("_ci_lower", "CI Lower Bound"), ("_ci_upper", "CI Upper Bound")):
        if name.endswith(bound) and name[: -len(bound)] in STAT_LABELS:
            return f"{STAT_LABELS[name[: -len(bound)]]} {words}"
    return name


def to_file_layout(frame: pd.DataFrame) -> pd.DataFrame:
    """The compact in-memory ARD in the file layout (see the module docstring)."""
    out = validate_ard(frame).copy()
    landmark = out["stat_name"].str.extract(_LANDMARK)
    is_landmark = landmark["month"].notna() & (out["group2"] == "")
    out.loc[is_landmark, "group2"] = TIMEPOINT
    out.loc[is_landmark, "group2_level"] = "MONTH " + landmark.loc[is_landmark, "month"]
    out.loc[is_landmark, "stat_name"] = landmark.loc[is_landmark, "name"] + landmark.loc[is_landmark, "bound"].fillna("")
    overall = out["group_level"] == ALL
    value = out["stat_value"]
    count = out["stat_name"].str.match(COUNTS) & (value.isna() | (value == value.round()))
    stat = value.map(repr).where(~count, value.map(lambda v: "" if v != v else str(int(v)))).where(value.notna(), "")
    return pd.DataFrame({
        "analysis": out["analysis"], "group1": out["group"], "group1_level": out["group_level"].where(~overall, ""),
        "group2": out["group2"], "group2_level": out["group2_level"], "variable": out["variable"],
        "variable_level": out["variable_level"], "stat_name": out["stat_name"],
        "stat_label": out["stat_name"].map(_stat_label), "stat": stat, "fmt": count.map({True: "d", False: ""}),
        "unit": out["unit"], "method": out["method"]})[FILE_COLUMNS]


def from_file_layout(frame: pd.DataFrame) -> pd.DataFrame:
    """The compact in-memory ARD of a file-layout frame (the inverse of :func:`to_file_layout`)."""
    missing = [c for c in FILE_COLUMNS if c not in frame]
    if missing:
        raise ValueError(f"ARD file lacks columns {missing}")
    out = frame.copy()
    landmark = (out["group2"] == TIMEPOINT) & out["group2_level"].str.startswith("MONTH ")
    month = out.loc[landmark, "group2_level"].str.slice(6)
    bound = out.loc[landmark, "stat_name"].str.extract(r"(_ci_lower|_ci_upper)$")[0].fillna("")
    base = out.loc[landmark, "stat_name"].str.replace(r"(_ci_lower|_ci_upper)$", "", regex=True)
    out.loc[landmark, "stat_name"] = base + "_m" + month + bound
    out.loc[landmark, ["group2", "group2_level"]] = ""
    level = out["group1_level"].where(out["group1_level"] != "", ALL)
    stat = pd.to_numeric(out["stat"].replace("", np.nan), errors="raise").astype("float64")
    return validate_ard(pd.DataFrame({
        "analysis": out["analysis"], "group": out["group1"], "group_level": level, "group2": out["group2"],
        "group2_level": out["group2_level"], "variable": out["variable"], "variable_level": out["variable_level"],
        "stat_name": out["stat_name"], "stat_value": stat, "unit": out["unit"], "method": out["method"]})[ARD_COLUMNS])


def write_ard(frame: pd.DataFrame, path: str | Path) -> None:
    """Write an ARD as CSV in the file layout; floats in their shortest exact (round-trip) form, counts as
    integers."""
    write_csv(to_file_layout(frame), path)


def read_ard(path: str | Path) -> pd.DataFrame:
    """An ARD file as the compact in-memory frame."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return from_file_layout(frame)


def ard_value(frame: pd.DataFrame, **where: str) -> float:
    """The one ``stat_value`` that matches ``where`` (an error otherwise)."""
    mask = np.ones(len(frame), dtype=bool)
    for key, val in where.items():
        mask &= (frame[key] == val).to_numpy()
    hits = frame.loc[mask, "stat_value"]
    if len(hits) != 1:
        raise KeyError(f"{len(hits)} ARD rows match {where}")
    return float(hits.iloc[0])


class ArdValues(dict):
    """The statistics of an ARD keyed by a tuple of its columns, for table builders.

    A key that is absent may be a level with no subjects (a PT not seen in an arm): ``get(key, default)``
    returns the default then. But the statistic's name (and method) must be one the ARD states: a
    misspelt or missing statistic raises ``KeyError`` naming the ARD and the name, so a table never shows
    ``0/0`` for a statistic that was not computed. ``v[key]`` raises for any absent key.
    """

    CHECKED = ("stat_name", "method")

    def __init__(self, frame: pd.DataFrame, key: tuple[str, ...] = ("group_level", "variable", "variable_level",
                                                                     "stat_name")):
        super().__init__(zip(zip(*(frame[c] for c in key)), frame["stat_value"]))
        self.name = ", ".join(sorted(set(frame["analysis"]))) or "(empty)"
        self.key = key
        self.known = {pos: set(frame[c]) for pos, c in enumerate(key) if c in self.CHECKED} if len(frame) else {}

    def _check(self, key: tuple) -> None:
        for pos, values in self.known.items():
            if key[pos] not in values:
                raise KeyError(f"ARD {self.name}: no {self.key[pos]} {key[pos]!r} (it states: "
                               f"{', '.join(sorted(map(str, values)))})")

    def __getitem__(self, key: tuple) -> float:
        if not dict.__contains__(self, key):
            self._check(key)
            raise KeyError(f"ARD {self.name}: no statistic {key!r}")
        return dict.__getitem__(self, key)

    def get(self, key: tuple, default=None):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        self._check(key)
        return default


def ard_lookup(frame: pd.DataFrame, key: tuple[str, ...] = ("group_level", "variable", "variable_level",
                                                            "stat_name")) -> ArdValues:
    """``(group_level, variable, variable_level, stat_name) -> stat_value`` (or another ``key`` of columns),
    checked (:class:`ArdValues`)."""
    return ArdValues(frame, key)
