"""Shared steps of the findings BDS datasets (ADLB, ADVS): one record per result of an infused subject,
with treatment, analysis day, reference-range indicator and baseline (ADaMIG v1.3 section 3.3).

Baseline: the last value before the start of lymphodepletion (``LDSTDT``), or on or before the infusion
date when no lymphodepletion is recorded (values after lymphodepletion reflect its effect, not the
subject's baseline). ``BASE`` and the baseline copies (``B`` + name, e.g. ``BNRIND``) are set on every
record of the subject and parameter; ``CHG`` = AVAL - BASE and ``PCHG`` = 100 x CHG / BASE (BASE not 0) on
records after the baseline date. ``ONTRTFL`` = Y from study day 2.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.adam.traceability import treatment_columns
from cartrial.dates import study_day


def derive_range_indicator(value: pd.Series, low: pd.Series, high: pd.Series) -> np.ndarray:
    """``ANRIND``: LOW below the lower limit, HIGH above the upper, NORMAL between; blank without limits."""
    has_range = low.notna() | high.notna()
    return np.where(value < low, "LOW", np.where(value > high, "HIGH", np.where(has_range, "NORMAL", "")))


def parameter_numbers(paramcd: pd.Series, among=None) -> np.ndarray:
    """``PARAMN``: 1, 2, ... in the alphabetical order of the dataset's PARAMCD values (``among``: all of them,
    when ``paramcd`` is part of the dataset)."""
    values = paramcd.dropna().unique() if among is None else list(among)
    return pd.Categorical(paramcd, categories=sorted(values)).codes.astype("int64") + 1


def attach_subjects(records: pd.DataFrame, adsl: pd.DataFrame) -> pd.DataFrame:
    """Records of infused subjects with ARM (actual), TRTP/TRTA, TRTSDT, LDSTDT, PARAMN and ADY."""
    saf = adsl.loc[adsl["SAFFL"] == "Y", ["USUBJID", "TRT01A", "TRTSDT", "LDSTDT"]].rename(columns={"TRT01A": "ARM"})
    out = records.merge(saf, on="USUBJID", how="inner", validate="many_to_one")
    for name, values in treatment_columns(out["USUBJID"], adsl).items():  # added in place: no copy of the frame
        out[name] = values
    out["PARAMN"] = parameter_numbers(out["PARAMCD"])
    out["ADY"] = study_day(out["ADT"], out["TRTSDT"])
    return out.sort_values(["USUBJID", "PARAMCD", "ADT"], kind="stable", ignore_index=True)


def derive_baseline(out: pd.DataFrame, copies: dict[str, str]) -> pd.DataFrame:
    """``ABLFL``, ``BASE``, ``CHG``, ``PCHG``, ``ONTRTFL`` and the baseline ``copies`` (column -> name)."""
    before_ld = out["LDSTDT"].notna() & (out["ADT"] < out["LDSTDT"])
    pre = out[before_ld | (out["LDSTDT"].isna() & (out["ADY"] <= 1))]
    key = ["USUBJID", "PARAMCD"]
    base_idx = pre.groupby(key).tail(1).index
    out["ABLFL"] = ""
    out.loc[base_idx, "ABLFL"] = "Y"
    # each record's baseline record (-1: none), taken column by column (a merge would copy the whole frame)
    group = out.groupby(key, sort=False, dropna=False).ngroup().to_numpy()
    rows = out.index.get_indexer(base_idx)
    baseline_of_group = np.full(group.max() + 1 if len(group) else 0, -1)
    baseline_of_group[group[rows]] = rows
    at = baseline_of_group[group]
    for source, name in {"AVAL": "BASE", **copies}.items():
        out[name] = out[source].array.take(at, allow_fill=True)
    after = out["ADT"] > pd.Series(out["ADT"].array.take(at, allow_fill=True), index=out.index)
    out["CHG"] = (out["AVAL"] - out["BASE"]).where(after)
    out["PCHG"] = (out["CHG"] / out["BASE"].where(out["BASE"] != 0) * 100).where(after)
    out["ONTRTFL"] = np.where(out["ADY"] >= 2, "Y", "")
    for name in copies.values():
        if out[name].dtype == object:
            out[name] = out[name].fillna("")
    return out


def column(frame: pd.DataFrame, name: str, dtype: str = "object") -> pd.Series:
    """``frame[name]``, or an all-missing column where the input has none."""
    return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=dtype)
