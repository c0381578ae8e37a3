"""The analysis results dataset (ARD): one statistic a row, unrounded.

Columns (the output contract): ``analysis, group, group_level, variable,
variable_level, stat_name, stat_value, unit, method``. ``group_level`` is
``ALL`` for all subjects. Every number in the report comes from an ARD row.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cartrial.csvsafe import write_csv

ARD_COLUMNS = ["analysis", "group", "group_level", "variable", "variable_level", "stat_name", "stat_value",
               "unit", "method"]
ALL = "ALL"


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
    key = ["analysis", "group", "group_level", "variable", "variable_level", "stat_name", "method"]
    dup = frame.duplicated(key, keep=False)
    if dup.any():
        raise ValueError(f"ARD states a statistic twice:\n{frame[dup].head(10).to_string()}")
    return frame


def write_ard(frame: pd.DataFrame, path: str | Path) -> None:
    """Write an ARD as CSV; floats in their shortest exact (round-trip) form."""
    write_csv(validate_ard(frame), path)


def read_ard(path: str | Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={c: str for c in ARD_COLUMNS if c != "stat_value"}, keep_default_na=False,
                        na_values={"stat_value": [""]})
    return validate_ard(frame)


def ard_value(frame: pd.DataFrame, **where: str) -> float:
    """The one ``stat_value`` that matches ``where`` (an error otherwise)."""
    mask = np.ones(len(frame), dtype=bool)
    for key, val in where.items():
        mask &= (frame[key] == val).to_numpy()
    hits = frame.loc[mask, "stat_value"]
    if len(hits) != 1:
        raise KeyError(f"{len(hits)} ARD rows match {where}")
    return float(hits.iloc[0])


def ard_lookup(frame: pd.DataFrame) -> dict[tuple, float]:
    """``(group_level, variable, variable_level, stat_name) -> stat_value`` for table builders."""
    key = zip(frame["group_level"], frame["variable"], frame["variable_level"], frame["stat_name"])
    return dict(zip(key, frame["stat_value"]))
