"""ISO 8601 date handling for SDTM ``--DTC`` variables.

SDTM allows reduced precision (``2025``, ``2025-03``) and date-times
(``2025-03-14T08:30``). Partial dates are legal and are never dropped; each
consumer states how it imputes them.

References
----------
1. CDISC SDTMIG v3.4, section 4.4 (date and time variables; ISO 8601).
2. CDISC ADaMIG v1.3, section 3.1.3 (date imputation flags --DTF).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

import numpy as np
import pandas as pd

from cartrial.distinct import per_distinct

#: A complete or partial ISO 8601 date, optionally with a time part.
ISO8601_PATTERN = (
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<H>\d{2})(?::(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?)?)?)?$"
)


def classify_dtc(values: pd.Series) -> pd.DataFrame:
    """Split ``--DTC`` strings into components and a status (computed once per distinct value).

    Returns a frame aligned on ``values.index`` with integer columns
    ``year``, ``month``, ``day`` (missing where absent), and ``status``:
    ``missing`` (blank), ``full`` (a complete calendar date), ``partial``
    (year or year-month only), ``invalid`` (not ISO 8601) or ``impossible``
    (ISO 8601 shape but no such calendar date, e.g. ``2025-02-30``).
    """
    return per_distinct(values, _classify)


_ISO8601 = re.compile(ISO8601_PATTERN, re.ASCII)  # ISO 8601 digits are ASCII digits
#: the first and last calendar days a ``datetime64[ns]`` holds (pandas' Timestamp.min and max fall within
#: 1677-09-21 and 2262-04-11): a date outside cannot be analysed and is classed ``impossible``
FIRST_DAY, LAST_DAY = dt.date(1677, 9, 22), dt.date(2262, 4, 11)
_CLASS_COLUMNS = ("year", "month", "day", "status")


def _classify_one(value) -> tuple:
    """(year, month, day, status) of one ``--DTC`` value (see :func:`classify_dtc`)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None, None, None, "missing"
    text = str(value).strip()
    if not text:
        return None, None, None, "missing"
    match = _ISO8601.match(text)
    if match is None:
        return None, None, None, "invalid"
    year, month, day, *clock = (int(v) if v is not None else None for v in match.group("y", "m", "d", "H", "M", "S"))
    if day is None:
        status = "partial" if month is None or 1 <= month <= 12 else "impossible"
    else:
        status = "full" if _held(year, month, day) else "impossible"
    if any(v is not None and v > hi for v, hi in zip(clock, (23, 59, 59))):
        status = "impossible"  # a time part must be a real clock time
    return year, month, day, status


def _classify(values: pd.Series) -> pd.DataFrame:
    out = pd.DataFrame([_classify_one(v) for v in values], columns=list(_CLASS_COLUMNS), index=values.index,
                       dtype="object")
    for col in ("year", "month", "day"):
        out[col] = out[col].astype("Int64")
    return out


def dtc_to_date(values: pd.Series, *, impute: str | None = None) -> pd.Series:
    """Convert ``--DTC`` strings to ``datetime64[ns]`` dates (time dropped).

    Parameters
    ----------
    values : Series of ISO 8601 strings.
    impute : None, ``"first"`` or ``"last"``
        How a partial date is completed: ``None`` leaves it missing,
        ``"first"`` takes the earliest possible day (``2025-03`` ->
        2025-03-01, ``2025`` -> 2025-01-01), ``"last"`` the latest possible
        day. Invalid dates are always missing (they are rejected at ingest).
    """
    if impute not in (None, "first", "last"):
        raise ValueError(f"impute must be None, 'first' or 'last', got {impute!r}")
    return per_distinct(values, lambda v: _to_date(v, impute)).rename(values.name)


def _date_one(year, month, day, status: str, impute: str | None):
    """The date of one classified value: a full date as it is, a partial one completed as ``impute`` says
    (the first or the last day it can be), anything else (or a date a ``datetime64[ns]`` cannot hold)
    missing."""
    if status == "partial" and impute is not None:
        month = month or (1 if impute == "first" else 12)
        if impute == "first":
            day = 1
        elif _held(year, month, 1):
            day = calendar.monthrange(year, month)[1]
        else:
            return pd.NaT
    elif status != "full":
        return pd.NaT
    return pd.Timestamp(year, month, day) if _held(year, month, day) else pd.NaT


def _held(year: int, month: int, day: int) -> bool:
    """Whether the day exists and a ``datetime64[ns]`` holds it."""
    try:
        return FIRST_DAY <= dt.date(year, month, day) <= LAST_DAY
    except ValueError:
        return False


def _to_date(values: pd.Series, impute: str | None) -> pd.Series:
    dates = [_date_one(*_classify_one(v), impute) for v in values]
    return pd.Series(dates, index=values.index, dtype="datetime64[ns]", name=values.name)


def imputation_flag(parts: pd.DataFrame) -> np.ndarray:
    """The ADaM date imputation flag (``--DTF``, ADaMIG v1.3 section 3.1.3) of dates completed from
    :func:`classify_dtc` ``parts``: ``D`` when the day was imputed (``YYYY-MM``), ``M`` when month and day
    were (``YYYY``), empty otherwise."""
    partial = parts["status"] == "partial"
    return np.select([partial & parts["month"].notna(), partial], ["D", "M"], "")


def dtc_precision(values: pd.Series) -> pd.Series:
    """Return ``D`` (full date), ``M`` (year-month), ``Y`` (year) or missing."""
    parts = classify_dtc(values)
    prec = pd.Series(pd.NA, index=values.index, dtype="object")
    prec[parts["status"] == "full"] = "D"
    prec[(parts["status"] == "partial") & parts["month"].notna()] = "M"
    prec[(parts["status"] == "partial") & parts["month"].isna()] = "Y"
    return prec


#: days in an average month (365.25 / 12), for month-based visits, landmarks and axes
MONTH_DAYS = 30.4375


def study_day(date: pd.Series, reference: pd.Series) -> pd.Series:
    """SDTM study day (float, NaN when a date is missing): ``date - reference + 1`` on or
    after the reference, ``date - reference`` before it (there is no Day 0).

    Reference: SDTMIG v3.4 section 4.4.4 (--DY).
    """
    delta = (pd.to_datetime(date) - pd.to_datetime(reference)).dt.days
    return (delta + (delta >= 0)).astype("float64")


def dtc_to_datetime(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``--DTC`` strings as date-times and whether each carries a time part.

    Every ISO 8601 precision of the time is read: ``T09`` is 09:00, ``T09:30``
    09:30, ``T09:30:15.5`` to the second's fraction (SDTMIG v3.4 section
    4.4.2). A value without a time part (or not a full date) gives NaT and
    ``False``.
    """
    def convert(v: pd.Series) -> pd.DataFrame:
        parts = v.astype("string").str.strip().str.extract(
            ISO8601_PATTERN.replace(r"(?:\.\d+)?", r"(?P<F>\.\d+)?"))
        has_time = parts["H"].notna().to_numpy()
        text = (parts["y"] + "-" + parts["m"] + "-" + parts["d"] + "T" + parts["H"] + ":" + parts["M"].fillna("00")
                + ":" + parts["S"].fillna("00") + parts["F"].fillna(""))
        stamp = pd.to_datetime(text.where(has_time), format="ISO8601", errors="coerce")
        return pd.DataFrame({"stamp": stamp.astype("datetime64[ns]"), "has": has_time & stamp.notna().to_numpy()},
                            index=v.index)

    out = per_distinct(values, convert)
    return out["stamp"], out["has"].astype(bool)


def report_timestamp(source_date_epoch: str | None, *, cut: str) -> dt.datetime:
    """The report's date: ``SOURCE_DATE_EPOCH`` when given, else the data cut (midnight UTC).

    The PDF carries no wall-clock time, so the same inputs give the same bytes;
    the actual run time is recorded in provenance.json.
    """
    if source_date_epoch:
        return dt.datetime.fromtimestamp(int(source_date_epoch), dt.timezone.utc)
    return dt.datetime.fromisoformat(cut).replace(tzinfo=dt.timezone.utc)


