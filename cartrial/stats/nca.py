"""Non-compartmental parameters of CAR-T cellular kinetics (one assay, one subject per call).

Profile rules (docs/spec/endpoints.md, Cellular kinetics; PKNCA conventions):

- Times in days since infusion; the pre-infusion sample is time 0 with value 0.
- BLQ before Tmax counts as 0; an embedded BLQ (between quantifiable
  samples after Tmax) is missing (dropped); BLQ after the last quantifiable
  sample ends the profile (dropped).
- Cmax: the highest concentration; Tmax: its first time (ties: first).
- Tlast: time of the last quantifiable sample.
- AUC0-28 covers infusion to study Day 28 (27 days after infusion) by the
  linear-up/log-down trapezoidal rule (linear when the
  concentration rises or stays, or when either end is 0; logarithmic when it
  falls): log segment (C1 - C2) / ln(C1 / C2) x (t2 - t1). When there is no
  sample at Day 28 the concentration at Day 28 is interpolated the same way
  (linear on a rising segment, log-linear on a falling one). A last usable
  sample taken up to ``tolerance`` days (default 1) before the end closes the
  interval (a Day 28 sample drawn an hour before the infusion's clock time);
  a profile that ends earlier has no AUC0-28 (no extrapolation).
- AUC28LIN: the linear trapezoidal rule with linear interpolation (sensitivity).
- Terminal slope lambda_z: least-squares slope of ln(C) on t over the
  quantifiable samples after Tmax, if there are at least 3; half-life ln 2 / lambda_z.

A parameter that cannot be computed is NaN with a stated reason.

References
----------
1. Gabrielsson J, Weiner D. Pharmacokinetic and Pharmacodynamic Data
   Analysis, 5th ed., 2016 (linear-up/log-down trapezoidal rule).
2. Denney W, Duvvuri S, Buckeridge C. Simple, automatic noncompartmental
   analysis: the PKNCA R package. J Pharmacokinet Pharmacodyn 2015;42:S65.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd


def prepare_profile(time, conc, blq) -> tuple[np.ndarray, np.ndarray]:
    """Apply the BLQ rules; returns usable (time, concentration), sorted by time."""
    t = np.asarray(time, dtype="float64")
    c = np.asarray(conc, dtype="float64")
    b = np.asarray(blq, dtype=bool)
    order = np.argsort(t, kind="stable")
    t, c, b = t[order], c[order], b[order]
    quant = ~b & ~np.isnan(c)
    if not quant.any():
        return t[:0], c[:0]
    first_max = int(np.flatnonzero(quant)[np.argmax(c[quant])])
    last_q = int(np.flatnonzero(quant)[-1])
    keep = np.zeros(len(t), dtype=bool)
    before = np.arange(len(t)) < first_max
    keep[before & b] = True
    c = np.where(before & b, 0.0, c)
    keep[quant] = True
    keep[last_q + 1:] = False
    return t[keep], c[keep]


def compute_cmax(t: np.ndarray, c: np.ndarray) -> tuple[float, float]:
    """(Cmax, Tmax), the first time of the maximum; NaN for an empty profile or all zero."""
    if not len(c) or np.nanmax(c) <= 0:
        return (math.nan, math.nan)
    i = int(np.argmax(c))
    return (float(c[i]), float(t[i]))


def compute_tlast(t: np.ndarray, c: np.ndarray) -> float:
    pos = np.flatnonzero(c > 0)
    return float(t[pos[-1]]) if len(pos) else math.nan


def _segment_auc(t1, t2, c1, c2, *, log_down: bool) -> float:
    if log_down and c2 < c1 and c1 > 0 and c2 > 0:
        return (c1 - c2) / math.log(c1 / c2) * (t2 - t1)
    return (c1 + c2) / 2 * (t2 - t1)


def _interpolate(t1, t2, c1, c2, tau, *, log_down: bool) -> float:
    if log_down and c2 < c1 and c1 > 0 and c2 > 0:
        return math.exp(math.log(c1) + (math.log(c2) - math.log(c1)) * (tau - t1) / (t2 - t1))
    return c1 + (c2 - c1) * (tau - t1) / (t2 - t1)


def compute_auc(t: np.ndarray, c: np.ndarray, *, end: float, method: str = "lin-up/log-down",
                tolerance: float = 0.0) -> tuple[float, str]:
    """(AUC from 0 to ``end``, reason when missing); ``method`` is ``lin-up/log-down`` or ``linear``."""
    if method not in ("lin-up/log-down", "linear"):
        raise ValueError(f"method must be 'lin-up/log-down' or 'linear', got {method!r}")
    log_down = method == "lin-up/log-down"
    if len(t) < 2:
        return (math.nan, "fewer than 2 usable samples")
    if t[0] > 0:
        return (math.nan, "no sample at time 0")
    if t[-1] < end - tolerance:
        return (math.nan, f"profile ends {t[-1]:.2f} days after infusion, before {end:g} (no extrapolation)")
    auc = 0.0
    for i in range(len(t) - 1):
        t1, t2, c1, c2 = t[i], t[i + 1], c[i], c[i + 1]
        if t1 >= end:
            break
        if t2 > end:
            c_end = _interpolate(t1, t2, c1, c2, end, log_down=log_down)
            auc += _segment_auc(t1, end, c1, c_end, log_down=log_down)
            break
        auc += _segment_auc(t1, t2, c1, c2, log_down=log_down)
    return (float(auc), "")


def compute_lambda_z(t: np.ndarray, c: np.ndarray) -> tuple[float, float, str]:
    """(lambda_z, half-life, reason): log-linear fit over quantifiable samples after Tmax (>= 3 points)."""
    if not len(c):
        return (math.nan, math.nan, "no quantifiable sample")
    imax = int(np.argmax(c))
    tt, cc = t[imax + 1:], c[imax + 1:]
    tt, cc = tt[cc > 0], cc[cc > 0]
    if len(tt) < 3:
        return (math.nan, math.nan, f"{len(tt)} quantifiable samples after Tmax (3 needed)")
    slope = np.polyfit(tt, np.log(cc), 1)[0]
    if slope >= 0:
        return (math.nan, math.nan, "no decline after Tmax")
    lam = -float(slope)
    return (lam, math.log(2) / lam, "")


def compute_nca(time, conc, blq, *, auc_end: float = 27.0, tolerance: float = 1.0
                ) -> list[tuple[str, float, str, str]]:
    """Every parameter of one profile as (PARAMCD, AVAL, unit tag, reason when missing)."""
    t, c = prepare_profile(time, conc, blq)
    cmax, tmax = compute_cmax(t, c)
    reason = "" if not math.isnan(cmax) else "no quantifiable sample"
    auc, auc_reason = compute_auc(t, c, end=auc_end, tolerance=tolerance)
    auc_lin, lin_reason = compute_auc(t, c, end=auc_end, method="linear", tolerance=tolerance)
    lam, half, lam_reason = compute_lambda_z(t, c)
    tlast = compute_tlast(t, c)
    return [
        ("CMAX", cmax, "conc", reason), ("TMAX", tmax, "days", reason), ("TLAST", tlast, "days", reason),
        ("AUC28", auc, "conc*days", auc_reason), ("AUC28LIN", auc_lin, "conc*days", lin_reason),
        ("LAMZ", lam, "1/days", lam_reason), ("THALF", half, "days", lam_reason),
    ]


def compute_persistence(time, blq, *, nominal: float, window: float) -> float:
    """1 when the sample nearest ``nominal`` (within +/- ``window`` days) is quantifiable, 0 when BLQ, NaN if none."""
    t = np.asarray(time, dtype="float64")
    b = np.asarray(blq, dtype=bool)
    near = np.abs(t - nominal) <= window
    if not near.any():
        return math.nan
    idx = np.flatnonzero(near)[np.argmin(np.abs(t[near] - nominal))]
    return 0.0 if b[idx] else 1.0


def summarize_geometric(values: pd.Series) -> dict[str, float]:
    """n, geometric mean, geometric CV % (sqrt(exp(s^2) - 1) x 100 with s the SD of ln x), median, min, max."""
    x = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    x = x[x > 0]
    n = len(x)
    if n == 0:
        return {"n": 0.0, "geomean": math.nan, "geocv": math.nan, "median": math.nan, "min": math.nan,
                "max": math.nan}
    logs = np.log(x.to_numpy(float))
    s = float(np.std(logs, ddof=1)) if n > 1 else math.nan
    return {"n": float(n), "geomean": float(np.exp(logs.mean())),
            "geocv": math.sqrt(math.exp(s ** 2) - 1) * 100 if n > 1 else math.nan,
            "median": float(np.median(x)), "min": float(x.min()), "max": float(x.max())}


PARAMETERS = ("CMAX", "TMAX", "TLAST", "AUC28", "AUC28LIN", "LAMZ", "THALF")


def _segment_areas(t1, t2, c1, c2, log_down: bool) -> np.ndarray:
    """Vectorised :func:`_segment_auc`."""
    log = (c2 < c1) & (c1 > 0) & (c2 > 0) if log_down else np.zeros(len(t1), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        logarithmic = (c1 - c2) / np.log(np.where(log, c1 / c2, 2.0)) * (t2 - t1)
    return np.where(log, logarithmic, (c1 + c2) / 2 * (t2 - t1))


def _auc_by_profile(p, t, c, n_profiles: int, *, end: float, log_down: bool) -> np.ndarray:
    """Vectorised :func:`compute_auc` sums (profiles sorted by ``p``, times sorted within a profile)."""
    same = p[1:] == p[:-1]
    p1, t1, t2, c1, c2 = p[:-1][same], t[:-1][same], t[1:][same], c[:-1][same], c[1:][same]
    inside = t1 < end
    p1, t1, t2, c1, c2 = p1[inside], t1[inside], t2[inside], c1[inside], c2[inside]
    cut = t2 > end
    with np.errstate(divide="ignore", invalid="ignore"):
        log = log_down & (c2 < c1) & (c1 > 0) & (c2 > 0)
        frac = (end - t1) / (t2 - t1)
        c_end = np.where(log, np.exp(np.log(np.where(log, c1, 1.0)) + (np.log(np.where(log, c2, 1.0))
                                                                       - np.log(np.where(log, c1, 1.0))) * frac),
                         c1 + (c2 - c1) * frac)
    area = _segment_areas(t1, np.where(cut, end, t2), c1, np.where(cut, c_end, c2), log_down)
    return np.bincount(p1, weights=area, minlength=n_profiles)


def nca_table(profile, time, conc, blq, *, auc_end: float = 27.0, tolerance: float = 1.0) -> pd.DataFrame:
    """Every parameter of many profiles at once: the vectorised form of :func:`compute_nca`.

    ``profile`` numbers the profiles 0..P-1; samples may come in any order (ties in time keep their
    order). Returns one row per profile with a value column and a reason column per parameter
    (``CMAX``, ``CMAX_REASON``, ...), the same values and reasons :func:`compute_nca` gives one profile.
    """
    pid = np.asarray(profile, dtype="int64")
    t0, c0, b0 = (np.asarray(time, dtype="float64"), np.asarray(conc, dtype="float64"),
                  np.asarray(blq, dtype=bool))
    n_profiles = int(pid.max()) + 1 if len(pid) else 0
    order = np.lexsort((t0, pid))  # stable: ties in time keep their order, as in prepare_profile
    pid, t, c, b = pid[order], t0[order], c0[order], b0[order]
    pos = np.arange(len(t))
    # prepare_profile: BLQ before the first Cmax is 0, embedded BLQ and the BLQ tail are dropped
    quant = ~b & ~np.isnan(c)
    q_max = np.full(n_profiles, -np.inf)
    np.maximum.at(q_max, pid, np.where(quant, c, -np.inf))
    first_max = np.full(n_profiles, len(t))
    np.minimum.at(first_max, pid, np.where(quant & (c == q_max[pid]), pos, len(t)))
    last_q = np.full(n_profiles, -1)
    np.maximum.at(last_q, pid, np.where(quant, pos, -1))
    lead = (pos < first_max[pid]) & b
    keep = (lead | quant) & (pos <= last_q[pid])
    p, t, c = pid[keep], t[keep], np.where(lead, 0.0, c)[keep]
    kept = pd.DataFrame({"p": p, "t": t, "c": c, "k": np.arange(len(p))})
    n = np.bincount(p, minlength=n_profiles)
    by = kept.groupby("p", sort=True)
    out = pd.DataFrame(index=pd.RangeIndex(n_profiles))
    # Cmax, Tmax (first maximum), Tlast
    cmax = by["c"].max().reindex(out.index)
    at_max = by["c"].idxmax().reindex(out.index)
    positive = cmax > 0
    out["CMAX"] = cmax.where(positive)
    out["TMAX"] = pd.Series(t[at_max.fillna(0).astype("int64")] if len(t) else np.nan, index=out.index).where(positive)
    last_pos = kept[kept["c"] > 0].groupby("p")["t"].last().reindex(out.index)
    out["TLAST"] = last_pos
    reason = np.where(positive, "", "no quantifiable sample")
    for name in ("CMAX", "TMAX", "TLAST"):
        out[f"{name}_REASON"] = reason
    # AUC0-end, both rules, with the same conditions as compute_auc
    first_t = by["t"].first().reindex(out.index).to_numpy()
    last_t = by["t"].last().reindex(out.index).to_numpy()
    few, late_start = n < 2, first_t > 0
    short = last_t < auc_end - tolerance
    why = np.where(few, "fewer than 2 usable samples", np.where(late_start, "no sample at time 0", np.where(
        short, [f"profile ends {x:.2f} days after infusion, before {auc_end:g} (no extrapolation)" for x in last_t],
        "")))
    missing = few | late_start | short
    for name, log_down in (("AUC28", True), ("AUC28LIN", False)):
        auc = _auc_by_profile(p, t, c, n_profiles, end=auc_end, log_down=log_down)
        out[name] = np.where(missing, np.nan, auc)
        out[f"{name}_REASON"] = why
    # lambda_z: least squares of ln C on t after the first Cmax, over samples above 0 (at least 3)
    after = (kept["k"].to_numpy() > at_max.reindex(p).to_numpy()) & (c > 0)
    x, y, q = t[after], np.log(c[after]), p[after]
    m = np.bincount(q, minlength=n_profiles).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        xbar = np.bincount(q, x, n_profiles) / m
        ybar = np.bincount(q, y, n_profiles) / m
        sxy = np.bincount(q, (x - xbar[q]) * (y - ybar[q]), n_profiles)
        sxx = np.bincount(q, (x - xbar[q]) ** 2, n_profiles)
        slope = sxy / sxx
    none = n == 0
    enough = m >= 3
    decline = enough & (slope < 0)
    out["LAMZ"] = np.where(decline & ~none, -slope, np.nan)
    out["THALF"] = np.log(2) / out["LAMZ"]
    lam_why = np.where(none, "no quantifiable sample", np.where(
        ~enough, [f"{int(k)} quantifiable samples after Tmax (3 needed)" for k in m],
        np.where(decline, "", "no decline after Tmax")))
    out["LAMZ_REASON"] = lam_why
    out["THALF_REASON"] = lam_why
    return out[[name for paramcd in PARAMETERS for name in (paramcd, f"{paramcd}_REASON")]]


def persistence_table(profile, time, blq, *, nominal: float, window: float) -> np.ndarray:
    """Vectorised :func:`compute_persistence`: per profile 0..P-1, 1 / 0 / NaN (samples in their given order)."""
    pid = np.asarray(profile, dtype="int64")
    dist = np.abs(np.asarray(time, dtype="float64") - nominal)
    n_profiles = int(pid.max()) + 1 if len(pid) else 0
    near = np.flatnonzero(dist <= window)
    frame = pd.DataFrame({"p": pid[near], "d": dist[near], "b": np.asarray(blq, dtype=bool)[near]})
    nearest = frame.groupby("p", sort=True)["d"].idxmin()  # first of the nearest, in the samples' order
    value = np.full(n_profiles, np.nan)
    value[nearest.index.to_numpy()] = np.where(frame["b"].to_numpy()[nearest.to_numpy()], 0.0, 1.0)
    return value
