"""Conversion of laboratory and vital-sign results to the standard units.

The standard unit of each test is the one of ``docs/spec/sdtm-input.md``. Other
common units are converted by a stated factor (value_std = value x factor +
offset); a unit that is neither standard nor listed is an error, never a
guess. Factors: UPCR 1 g/g = 113.1 mg/mmol (KDIGO 2024); creatinine
1 mg/dL = 88.4 umol/L; haemoglobin 1 mmol/L (as Hb monomer,
16 114 g/mol) = 16.114 g/L; the rest are SI identities.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.sdtm.errors import Finding, InputDataError, sheet_row
from cartrial.sdtm.validate import to_number

_CELLS = {"10^9/L": 1.0, "10*9/L": 1.0, "x10^9/L": 1.0, "GI/L": 1.0, "10^3/uL": 1.0, "10*3/uL": 1.0,
          "10^3/mm3": 1.0, "K/uL": 1.0}

#: test code -> (standard unit, {other unit: (factor, offset)})
LB_UNITS: dict[str, tuple[str, dict[str, tuple[float, float]]]] = {
    "UPCR": ("g/g", {"mg/mmol": (1 / 113.1, 0.0), "mg/mg": (1.0, 0.0), "g/mmol": (1000 / 113.1, 0.0)}),
    "CREAT": ("mg/dL", {"umol/L": (1 / 88.4, 0.0), "mmol/L": (1000 / 88.4, 0.0)}),
    "C3": ("g/L", {"mg/dL": (0.01, 0.0)}),
    "C4": ("g/L", {"mg/dL": (0.01, 0.0)}),
    "DSDNA": ("IU/mL", {}),
    "WBC": ("10^9/L", {u: (f, 0.0) for u, f in _CELLS.items()}),
    "NEUT": ("10^9/L", {u: (f, 0.0) for u, f in _CELLS.items()}),
    "LYM": ("10^9/L", {u: (f, 0.0) for u, f in _CELLS.items()}),
    "PLAT": ("10^9/L", {u: (f, 0.0) for u, f in _CELLS.items()}),
    "HGB": ("g/L", {"g/dL": (10.0, 0.0), "mmol/L": (16.114, 0.0)}),
    "CRP": ("mg/L", {"mg/dL": (10.0, 0.0)}),
    "FERRITIN": ("ug/L", {"ng/mL": (1.0, 0.0)}),
    "IL6": ("pg/mL", {"ng/L": (1.0, 0.0)}),
    "IL10": ("pg/mL", {"ng/L": (1.0, 0.0)}),
    "IFNG": ("pg/mL", {"ng/L": (1.0, 0.0)}),
    "BCELL": ("cells/uL", {"/uL": (1.0, 0.0), "cells/mm3": (1.0, 0.0), "10^6/L": (1.0, 0.0)}),
    "ALT": ("U/L", {"IU/L": (1.0, 0.0), "ukat/L": (60.0, 0.0)}),
    "AST": ("U/L", {"IU/L": (1.0, 0.0), "ukat/L": (60.0, 0.0)}),
    "BILI": ("umol/L", {"mg/dL": (17.1, 0.0)}),
    "IGG": ("g/L", {"mg/dL": (0.01, 0.0)}),
}

#: the units of the kinetics assays (PC), as the input contract writes them
PC_UNITS = ("copies/ug gDNA", "cells/uL")

VS_UNITS: dict[str, tuple[str, dict[str, tuple[float, float]]]] = {
    "HEIGHT": ("cm", {"in": (2.54, 0.0), "m": (100.0, 0.0)}),
    "WEIGHT": ("kg", {"lb": (0.45359237, 0.0), "g": (0.001, 0.0)}),
    "TEMP": ("C", {"F": (5 / 9, -32 * 5 / 9)}),
    "SYSBP": ("mmHg", {}),
    "DIABP": ("mmHg", {}),
    "OXYSAT": ("%", {}),
}


def _factors(tests: pd.Series, units: pd.Series, table: dict) -> tuple[pd.Series, pd.Series]:
    """Factor and offset of each record (NaN factor: unit not known for its test), worked out once per
    distinct (test, unit) pair."""
    # each column factorized (a missing test or unit is a value of its own), then the pairs of codes
    test_codes, test_values = pd.factorize(tests.to_numpy(object), use_na_sentinel=False)
    unit_codes, unit_values = pd.factorize(units.to_numpy(object), use_na_sentinel=False)
    width = max(len(unit_values), 1)
    codes, pair_codes = pd.factorize(test_codes.astype(np.int64) * width + unit_codes)
    uniques = [(test_values[k // width], unit_values[k % width]) for k in pair_codes]
    factor, offset = np.full(len(uniques), np.nan), np.zeros(len(uniques))
    for k, (test, unit) in enumerate(uniques):
        std, others = table.get(test, (None, {}))
        if test in table and unit == std:
            factor[k] = 1.0
        elif unit in others:
            factor[k], offset[k] = others[unit]
    return (pd.Series(factor[codes], index=tests.index), pd.Series(offset[codes], index=tests.index))


def convert_units(frame: pd.DataFrame, *, testcd: str, value: str, unit: str,
                  table: dict[str, tuple[str, dict[str, tuple[float, float]]]],
                  domain: str, file: str, orres: str | None = None,
                  orresu: str | None = None) -> pd.DataFrame:
    """Return ``frame`` with ``value``/``unit`` in the standard unit of each test.

    Rows whose test is not in ``table`` are left as they are. Where the
    standardised value is missing but the original result (``orres``,
    ``orresu``) is numeric, the original result is converted instead. A
    result with a value and an unknown or missing unit raises
    ``InputDataError`` naming each row.
    """
    out = frame.copy(deep=False)  # columns are replaced below, never changed in place
    if testcd not in out or value not in out:
        return out
    vals = to_number(out[value])
    units = out[unit] if unit in out else pd.Series(np.nan, index=out.index, dtype=object)
    if orres and orres in out:
        raw = to_number(out[orres])
        raw_units = out[orresu] if orresu in out else pd.Series(np.nan, index=out.index, dtype=object)
        use_raw = vals.isna() & raw.notna()
        vals = vals.where(~use_raw, raw)
        units = units.where(~use_raw, raw_units)
    known = out[testcd].isin(table)
    factor, offset = _factors(out[testcd], units, table)
    bad = known & vals.notna() & factor.isna()
    if bad.any():
        raise InputDataError([
            Finding(domain, file, sheet_row(i), unit,
                    f"unknown unit for {out[testcd].iloc[i]}: expected {table[out[testcd].iloc[i]][0]}"
                    + (" or one of " + ", ".join(table[out[testcd].iloc[i]][1]) if table[out[testcd].iloc[i]][1] else ""),
                    None if pd.isna(units.iloc[i]) else str(units.iloc[i]), out["USUBJID"].iloc[i])
            for i in np.flatnonzero(bad.to_numpy())
        ])
    conv = known & vals.notna()
    out[value] = vals.where(~conv, vals * factor + offset).astype("float64")
    std_units = out[testcd].map({k: v[0] for k, v in table.items()})
    out[unit] = units.where(~known, std_units).astype("object")
    return out
