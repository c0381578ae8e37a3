"""CSV files that are safe to open in a spreadsheet program.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, ``@SUM(...)``): data text such as an AE
term could run code or leak data when a reviewer opens a table. As the OWASP "CSV Injection" guidance
describes, such a cell is written with a leading single quote, which spreadsheet programs show as text.
Numbers, and text that is a number (``-1.5``), are written unchanged; so is a one-character cell (``-``,
an empty-value mark in tables).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_values(values: pd.Series) -> pd.Series:
    text = values.astype(str)
    risky = text.str.startswith(_TRIGGERS) & (text.str.len() > 1)
    number = pd.to_numeric(text.where(risky), errors="coerce").notna()
    hit = risky & ~number & values.notna()
    return values.where(~hit, "'" + text)


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that would start a formula prefixed by ``'`` (a copy when changed)."""
    out = frame
    for name in frame.columns:
        col = frame[name]
        if col.dtype != object and not isinstance(col.dtype, pd.StringDtype):
            continue
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        if not len(uniques):
            continue
        safe = _neutralise_values(pd.Series(uniques, dtype=object))
        if safe.equals(pd.Series(uniques, dtype=object)):
            continue
        if out is frame:
            out = frame.copy()
        values = np.append(safe.to_numpy(dtype=object), np.nan)
        out[name] = pd.Series(values[np.where(codes < 0, len(uniques), codes)], index=frame.index, dtype=object)
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, **kwargs) -> None:
    """Write ``frame`` as CSV (no index, ``\\n`` line ends) with formula-starting text neutralised."""
    neutralise(frame).to_csv(path, index=False, lineterminator="\n", **kwargs)
