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

import pandas as pd

from cartrial.distinct import per_distinct

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_values(values: pd.Series) -> pd.Series:
    text = values.astype(str)
    risky = text.str.startswith(_TRIGGERS) & (text.str.len() > 1)
    number = pd.to_numeric(text.where(risky), errors="coerce").notna()
    hit = risky & ~number & values.notna()
    return values.where(~hit, "'" + text)


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that would start a formula prefixed by ``'`` (a copy when changed);
    each distinct text is tested once."""
    out = frame
    for name in frame.columns:
        col = frame[name]
        if col.dtype != object and not isinstance(col.dtype, pd.StringDtype):
            continue
        if not any(len(text) > 1 and text.startswith(_TRIGGERS) for text in map(str, pd.unique(col))):
            continue  # no distinct text could start a formula (most columns): nothing to test further
        safe = per_distinct(col, _neutralise_values)
        if safe.equals(col):
            continue
        if out is frame:
            out = frame.copy()
        out[name] = safe
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, **kwargs) -> None:
    """Write ``frame`` as CSV (no index, ``\\n`` line ends) with formula-starting text neutralised."""
    neutralise(frame).to_csv(path, index=False, lineterminator="\n", **kwargs)
