"""Non-compartmental parameters of CAR-T cellular kinetics (one assay, one subject per call).

Profile rules (docs/spec/endpoints.md, Cellular kinetics; PKNCA's default conventions):

- Times are elapsed days since the start of the infusion; the pre-infusion
  sample is time 0 with value 0.
- BLQ samples: before Tmax they count as 0; embedded BLQ (between Tmax and the
  last quantifiable sample) is dropped; BLQ after the last quantifiable sample
  counts as 0 (PKNCA ``conc.blq = list(first = "keep", middle = "drop",
  last = "keep")``), so a BLQ sample at the end of the interval closes the
  interval's AUC instead of removing it. A missing result that is not BLQ is
  dropped.
- CMAX: the highest concentration; TMAX: its first time (ties: first).
- TLST: time of the last quantifiable (non-zero) concentration.
- AUCINT: area from ``start`` (0, the infusion) to ``end`` elapsed days
  (default 28: CAR-T publications count the infusion day as Day 0, so the
  SDTM visit "DAY 28" lies 27 days after the infusion) by the
  linear-up/log-down trapezoidal rule (linear when the concentration rises or
  stays, or when either end is 0; logarithmic when it falls):
  log segment (C1 - C2) / ln(C1 / C2) x (t2 - t1). When no sample lies at the
  end, the concentration there is interpolated the same way (linear on a
  rising segment or towards 0, log-linear on a falling one); a segment cut
  at the end keeps the rule of the whole segment. A profile whose last usable
  sample lies up to ``tolerance`` days (default 2, the visit window of
  Day 28) before the end is integrated to that sample (PKNCA's AUCint over observed data: nothing is
  extrapolated); a profile that ends earlier has no AUCINT.
- AUCINTLN: the same interval by the linear trapezoidal rule with linear
  interpolation (sensitivity).
- Terminal phase (PKNCA ``pk.calc.half.life``): least-squares regressions of
  ln(C) on t over the last k >= 3 non-zero concentrations after Tmax, for
  every k; among the fits with lambda_z > 0 whose adjusted R^2 lies within
  1e-4 of the best adjusted R^2 of all fits, the one with the most points.
  Adjusted R^2 = 1 - (1 - R^2)(k - 1)/(k - 2). Reported: LAMZ (lambda_z),
  LAMZHL (ln 2 / lambda_z), R2ADJ, LAMZNPT (k), LAMZLL and LAMZUL (first and
  last time of the fit).

A parameter that cannot be computed is NaN with a stated reason.

References
----------
1. Gabrielsson J, Weiner D. Pharmacokinetic and Pharmacodynamic Data
   Analysis, 5th ed., 2016 (linear-up/log-down trapezoidal rule; section on
   strategies for estimating lambda_z).
2. Denney W, Duvvuri S, Buckeridge C. Simple, automatic noncompartmental
   analysis: the PKNCA R package. J Pharmacokinet Pharmacodyn 2015;42:S65.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

ADJ_R2_FACTOR = 1e-4
MIN_HL_POINTS = 3

# PARAMCD -> (PARAM, unit tag); CDISC PK parameter terms, AUCINTLN sponsor-defined (method variant)
PARAMETERS = {
    "CMAX": ("Max Conc", "conc"),
    "TMAX": ("Time of CMAX", "days"),
    "TLST": ("Time of Last Nonzero Conc", "days"),
    "AUCINT": ("AUC from T1 to T2", "conc*days"),
    "AUCINTLN": ("AUC from T1 to T2, Linear Trapezoidal", "conc*days"),
    "LAMZ": ("Lambda z", "1/days"),
    "LAMZHL": ("Half-Life Lambda z", "days"),
    "R2ADJ": ("R Squared Adjusted", ""),
    "LAMZNPT": ("Number of Points for Lambda z", ""),
    "LAMZLL": ("Lambda z Lower Limit", "days"),
    "LAMZUL": ("Lambda z Upper Limit", "days"),
}
TERMINAL = ("LAMZ", "LAMZHL", "R2ADJ", "LAMZNPT", "LAMZLL", "LAMZUL")


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
    pos = np.arange(len(t))
    zero = b & ((pos < first_max) | (pos > last_q))
    keep = quant | zero
    return t[keep], np.where(zero, 0.0, c)[keep]


def compute_cmax(t: np.ndarray, c: np.ndarray) -> tuple[float, float]:
    """(Cmax, Tmax), the first time of the maximum; NaN for an empty profile or all zero."""
    if not len(c) or np.nanmax(c) <= 0:
        return (math.nan, math.nan)
    i = int(np.argmax(c))
    return (float(c[i]), float(t[i]))


def compute_tlast(t: np.ndarray, c: np.ndarray) -> float:
    pos = np.flatnonzero(c > 0)
    return float(t[pos[-1]]) if len(pos) else math.nan


def _is_log(c1, c2, log_down: bool) -> bool:
    """A segment integrated logarithmically: falling, both ends above 0, lin-up/log-down rule."""
    return log_down and c2 < c1 and c1 > 0 and c2 > 0


def _segment_auc(t1, t2, c1, c2, *, log: bool) -> float:
    if log:
        return (c1 - c2) / math.log(c1 / c2) * (t2 - t1)
    return (c1 + c2) / 2 * (t2 - t1)


def _interpolate(t1, t2, c1, c2, tau, *, log: bool) -> float:
    if log:
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
        log = _is_log(c1, c2, log_down)  # a segment cut at the end keeps its own rule
        if t2 > end:
            auc += _segment_auc(t1, end, c1, _interpolate(t1, t2, c1, c2, end, log=log), log=log)
            break
        auc += _segment_auc(t1, t2, c1, c2, log=log)
    return (float(auc), "")


def adjusted_r2(r2, k):
    """Adjusted R^2 of a straight-line fit over ``k`` points."""
    return 1 - (1 - r2) * (k - 1) / (k - 2)


def compute_lambda_z(t: np.ndarray, c: np.ndarray) -> tuple[dict[str, float], str]:
    """Terminal phase by PKNCA's best-fit rule: ({LAMZ, LAMZHL, R2ADJ, LAMZNPT, LAMZLL, LAMZUL}, reason)."""
    empty = {name: math.nan for name in TERMINAL}
    if not len(c):
        return (empty, "no quantifiable sample")
    imax = int(np.argmax(c))
    tt, cc = t[imax + 1:], c[imax + 1:]
    tt, cc = tt[cc > 0], cc[cc > 0]
    if len(tt) < MIN_HL_POINTS:
        return (empty, f"{len(tt)} quantifiable samples after Tmax ({MIN_HL_POINTS} needed)")
    fits = []
    for k in range(MIN_HL_POINTS, len(tt) + 1):
        x, y = tt[-k:], np.log(cc[-k:])
        slope, intercept = np.polyfit(x, y, 1)
        ss_res = float(np.sum((y - (intercept + slope * x)) ** 2))
        ss_tot = float(np.sum((y - y.mean()) ** 2))
        r2 = 1 - ss_res / ss_tot if ss_tot > 0 else math.nan
        fits.append((k, -float(slope), adjusted_r2(r2, k), float(x[0]), float(x[-1])))
    best = np.nanmax([f[2] for f in fits]) if any(not math.isnan(f[2]) for f in fits) else math.nan
    ok = [f for f in fits if f[1] > 0 and f[2] > best - ADJ_R2_FACTOR]
    if not ok:
        return (empty, "no decline after Tmax")
    k, lam, r2adj, first, last = max(ok, key=lambda f: f[0])
    return ({"LAMZ": lam, "LAMZHL": math.log(2) / lam, "R2ADJ": r2adj, "LAMZNPT": float(k), "LAMZLL": first,
             "LAMZUL": last}, "")


def compute_nca(time, conc, blq, *, auc_end: float = 28.0, tolerance: float = 2.0
                ) -> list[tuple[str, float, str, str]]:
    """Every parameter of one profile as (PARAMCD, AVAL, unit tag, reason when missing)."""
    t, c = prepare_profile(time, conc, blq)
    cmax, tmax = compute_cmax(t, c)
    reason = "" if not math.isnan(cmax) else "no quantifiable sample"
    auc, auc_reason = compute_auc(t, c, end=auc_end, tolerance=tolerance)
    auc_lin, lin_reason = compute_auc(t, c, end=auc_end, method="linear", tolerance=tolerance)
    terminal, lam_reason = compute_lambda_z(t, c)
    values = {"CMAX": (cmax, reason), "TMAX": (tmax, reason), "TLST": (compute_tlast(t, c), reason),
              "AUCINT": (auc, auc_reason), "AUCINTLN": (auc_lin, lin_reason),
              **{name: (terminal[name], lam_reason) for name in TERMINAL}}
    return [(name, values[name][0], PARAMETERS[name][1], values[name][1]) for name in PARAMETERS]


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


def _segment_areas(t1, t2, c1, c2, log: np.ndarray) -> np.ndarray:
    """Vectorised :func:`_segment_auc`."""
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
    area = _segment_areas(t1, np.where(cut, end, t2), c1, np.where(cut, c_end, c2), log)
    return np.bincount(p1, weights=area, minlength=n_profiles)


def _terminal_by_profile(q: np.ndarray, x: np.ndarray, c: np.ndarray, n_profiles: int) -> pd.DataFrame:
    """Vectorised :func:`compute_lambda_z` over the points after Tmax (``q`` sorted, times sorted within).

    Every point starts one candidate fit: the points from it to the profile's last one. Sums over each
    candidate are suffix sums within the profile, centred on the profile's mean time and log concentration.
    """
    y = np.log(c)
    m = np.bincount(q, minlength=n_profiles).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        xc = x - (np.bincount(q, x, n_profiles) / m)[q]
        yc = y - (np.bincount(q, y, n_profiles) / m)[q]
    sums = pd.DataFrame({"q": q, "k": 1.0, "x": xc, "y": yc, "xx": xc * xc, "yy": yc * yc, "xy": xc * yc})
    suffix = sums.iloc[::-1].groupby("q", sort=False).cumsum().iloc[::-1]
    k = suffix["k"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        sxx = suffix["xx"].to_numpy() - suffix["x"].to_numpy() ** 2 / k
        syy = suffix["yy"].to_numpy() - suffix["y"].to_numpy() ** 2 / k
        sxy = suffix["xy"].to_numpy() - suffix["x"].to_numpy() * suffix["y"].to_numpy() / k
        slope = sxy / sxx
        r2 = np.where(syy > 0, 1 - (syy - slope * sxy) / syy, np.nan)
        adj = adjusted_r2(r2, k)  # fits of fewer than 3 points are dropped below
    fits = pd.DataFrame({"q": q, "k": k, "lam": -slope, "adj": adj, "first": x,
                         "last": pd.Series(x).groupby(q).transform("last").to_numpy()})
    fits = fits[fits["k"] >= MIN_HL_POINTS]
    best = fits.groupby("q")["adj"].transform("max")
    ok = fits[(fits["lam"] > 0) & (fits["adj"] > best - ADJ_R2_FACTOR)]
    chosen = ok.sort_values(["q", "k"], kind="stable").groupby("q").last()
    out = pd.DataFrame(index=pd.RangeIndex(n_profiles))
    out["LAMZ"] = chosen["lam"]
    out["LAMZHL"] = np.log(2) / out["LAMZ"]
    out["R2ADJ"] = chosen["adj"]
    out["LAMZNPT"] = chosen["k"]
    out["LAMZLL"] = chosen["first"]
    out["LAMZUL"] = chosen["last"]
    return out


def nca_table(profile, time, conc, blq, *, auc_end: float = 28.0, tolerance: float = 2.0) -> pd.DataFrame:
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
    # prepare_profile: BLQ before the first Cmax and after the last quantifiable sample is 0, embedded BLQ dropped
    quant = ~b & ~np.isnan(c)
    q_max = np.full(n_profiles, -np.inf)
    np.maximum.at(q_max, pid, np.where(quant, c, -np.inf))
    first_max = np.full(n_profiles, len(t))
    np.minimum.at(first_max, pid, np.where(quant & (c == q_max[pid]), pos, len(t)))
    last_q = np.full(n_profiles, -1)
    np.maximum.at(last_q, pid, np.where(quant, pos, -1))
    has_q = last_q[pid] >= 0
    zero = b & has_q & ((pos < first_max[pid]) | (pos > last_q[pid]))
    keep = quant | zero
    p, t, c = pid[keep], t[keep], np.where(zero, 0.0, c)[keep]
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
    out["TLST"] = kept[kept["c"] > 0].groupby("p")["t"].last().reindex(out.index)
    reason = np.where(positive, "", "no quantifiable sample")
    for name in ("CMAX", "TMAX", "TLST"):
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
    for name, log_down in (("AUCINT", True), ("AUCINTLN", False)):
        auc = _auc_by_profile(p, t, c, n_profiles, end=auc_end, log_down=log_down)
        out[name] = np.where(missing, np.nan, auc)
        out[f"{name}_REASON"] = why
    # terminal phase over the non-zero samples after the first Cmax
    after = (kept["k"].to_numpy() > at_max.reindex(p).to_numpy()) & (c > 0)
    terminal = _terminal_by_profile(p[after], t[after], c[after], n_profiles)
    m = np.bincount(p[after], minlength=n_profiles)
    lam_why = np.where(n == 0, "no quantifiable sample", np.where(
        m < MIN_HL_POINTS, [f"{int(k)} quantifiable samples after Tmax ({MIN_HL_POINTS} needed)" for k in m],
        np.where(terminal["LAMZ"].notna(), "", "no decline after Tmax")))
    for name in TERMINAL:
        out[name] = terminal[name]
        out[f"{name}_REASON"] = lam_why
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
