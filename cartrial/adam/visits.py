"""Analysis visits: study-day windows, baseline, and the one record per window.

Rules (ADaMIG v1.3 section 3.3.3; admiral ``derive_vars_dy``,
``derive_var_extreme_flag``):

- Study day ``ADY`` = ADT - TRTSDT + 1 on or after the infusion, ADT - TRTSDT
  before it (no Day 0).
- Baseline (``ABLFL`` = Y, ``AVISIT`` = BASELINE): the last record with a
  non-missing value on or before the infusion date (ADY <= 1).
- A post-baseline record lies in the window of the visit whose
  ``[lower, upper]`` study-day range contains its ADY, whatever its nominal
  VISIT (an unscheduled assessment falls into the window it lies in).
- In each window one record per subject and parameter is analysed
  (``ANL01FL`` = Y): the non-missing one closest to the target day, the earlier
  on a tie.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cartrial.dates import MONTH_DAYS, study_day
from cartrial.sdtm.errors import Finding


@dataclass(frozen=True)
class VisitWindow:
    avisit: str
    avisitn: float
    target: int
    lower: int
    upper: int


def make_month_windows(months: list[int], *, month_days: float = MONTH_DAYS) -> list[VisitWindow]:
    """Windows around nominal months: target day 1 + round(30.4375 m); bounds halfway to the neighbours.

    The first window opens on Day 2 (after the infusion day); the last closes
    as far after its target as half the gap to the previous target.
    """
    months = sorted(months)
    targets = [1 + int(np.floor(month_days * m + 0.5)) for m in months]
    windows = []
    for i, (m, t) in enumerate(zip(months, targets)):
        lower = 2 if i == 0 else (targets[i - 1] + t) // 2 + 1
        if i + 1 < len(targets):
            upper = (t + targets[i + 1]) // 2
        else:
            upper = t + ((t - targets[i - 1]) // 2 if i else t - 2)
        windows.append(VisitWindow(f"MONTH {m}", float(m), t, lower, upper))
    return windows


def windows_frame(windows: list[VisitWindow]) -> pd.DataFrame:
    return pd.DataFrame([w.__dict__ for w in windows]).rename(
        columns={"avisit": "AVISIT", "avisitn": "AVISITN", "target": "TARGET", "lower": "LOWER", "upper": "UPPER"})


def derive_study_day(frame: pd.DataFrame, adsl: pd.DataFrame) -> pd.DataFrame:
    """Add ``TRTSDT`` and ``ADY`` (subjects without an infusion date get a missing ADY)."""
    out = frame.merge(adsl[["USUBJID", "TRTSDT"]], on="USUBJID", how="left", validate="many_to_one")
    out["ADY"] = study_day(out["ADT"], out["TRTSDT"]).astype("Int64")
    return out


def derive_analysis_visits(frame: pd.DataFrame, adsl: pd.DataFrame, windows: list[VisitWindow], *,
                           by: list[str], value: str) -> pd.DataFrame:
    """Add ``ADY, AVISIT, AVISITN, ABLFL, ANL01FL`` to dated records (``USUBJID``, ``ADT``, ``value``).

    ``by`` names the record keys besides the subject (e.g. ``["PARAMCD"]``).
    Records outside every window keep an empty AVISIT and are not analysed.
    """
    out = derive_study_day(frame, adsl).reset_index(drop=True)
    out["_ord"] = np.arange(len(out))
    has_value = out[value].notna()
    keys = ["USUBJID", *by]
    # baseline: last non-missing on or before the infusion date
    pre = out[has_value & (out["ADY"] <= 1)].sort_values(keys + ["ADT", "_ord"], kind="stable")
    base_idx = pre.groupby(keys, sort=False).tail(1).index
    out["ABLFL"] = None
    out.loc[base_idx, "ABLFL"] = "Y"
    # windows
    win = windows_frame(windows)
    ady = out["ADY"].astype("float64").to_numpy()
    lower, upper = win["LOWER"].to_numpy(), win["UPPER"].to_numpy()
    inside = (ady[:, None] >= lower[None, :]) & (ady[:, None] <= upper[None, :])
    hit = np.where(inside.any(axis=1), inside.argmax(axis=1), -1)
    out["AVISIT"] = np.where(hit >= 0, win["AVISIT"].to_numpy()[hit], None)
    out["AVISITN"] = np.where(hit >= 0, win["AVISITN"].to_numpy()[hit], np.nan)
    out["_dist"] = np.where(hit >= 0, np.abs(ady - win["TARGET"].to_numpy()[hit]), np.nan)
    out.loc[base_idx, ["AVISIT", "AVISITN"]] = ["BASELINE", 0.0]
    cand = out[has_value & (hit >= 0)].sort_values(keys + ["AVISITN", "_dist", "ADT", "_ord"], kind="stable")
    chosen = cand.groupby(keys + ["AVISITN"], sort=False).head(1).index
    out["ANL01FL"] = None
    out.loc[chosen.union(base_idx), "ANL01FL"] = "Y"
    return out.drop(columns=["_ord", "_dist"])


def derive_baseline(frame: pd.DataFrame, *, by: list[str], value: str = "AVAL", base: str = "BASE") -> pd.DataFrame:
    """Add ``base`` (the ABLFL = Y value of the subject and keys), and CHG/PCHG when value is AVAL."""
    keys = ["USUBJID", *by]
    bl = frame.loc[frame["ABLFL"] == "Y", keys + [value]].rename(columns={value: base})
    out = frame.drop(columns=[base], errors="ignore").merge(bl, on=keys, how="left", validate="many_to_one")
    if value == "AVAL":
        out["CHG"] = out["AVAL"] - out[base]
        with np.errstate(divide="ignore", invalid="ignore"):
            out["PCHG"] = np.where(out[base] != 0, 100 * out["CHG"] / out[base], np.nan)
    return out


def window_multiplicity(frame: pd.DataFrame, *, by: list[str], value: str, domain: str, file: str) -> list:
    """Findings for every subject, parameter and analysis window that holds several assessments: which
    dates, and which one is analysed (``ANL01FL`` = Y: closest to the target day, the earlier on a tie)."""
    keys = ["USUBJID", *by, "AVISIT"]
    post = frame[frame["AVISIT"].notna() & (frame["AVISIT"] != "BASELINE") & frame[value].notna()]
    counts = post.groupby(keys, sort=True)["ADT"].transform("size")
    many = post[counts > 1].sort_values(keys + ["ADT"], kind="stable")
    # one row per window, worked out for all windows at once (a large study has hundreds of thousands)
    dates = many["ADT"].dt.strftime("%Y-%m-%d")
    by_window = [many[k] for k in keys]
    windows = pd.DataFrame({"n": dates.groupby(by_window, sort=True).size(),
                            "dates": dates.groupby(by_window, sort=True).agg(", ".join),
                            "used": dates.where(many["ANL01FL"] == "Y").groupby(by_window, sort=True).first()})
    return [Finding(domain, file, None, "AVISIT", f"[window_multiple] {w.n} assessments of "
                    f"{' '.join(str(k) for k in key[1:-1])} in the {key[-1]} window ({w.dates})", key[-1], key[0],
                    severity="warning", action="the one closest to the target day is analysed (the earlier on a "
                    f"tie): {w.used if isinstance(w.used, str) else 'none'}")
            for key, w in zip(windows.index, windows.itertuples(index=False))]
