"""Kaplan-Meier estimation with survfit-compatible confidence limits and quantiles.

The product-limit estimate and its event table come from lifelines. On top:

- Greenwood standard error of log S(t): sqrt(sum d_i / (n_i (n_i - d_i))).
- Pointwise CIs by ``conf_type``: ``log-log`` (default; SAS PROC LIFETEST and
  R ``conf.type = "log-log"``): S^exp(+/- z se / log S), undefined where S is
  0 or 1; ``log``: S exp(+/- z se), capped at 1; ``plain``: S +/- z S se,
  clipped to [0, 1].
- Quantiles (the median and the 25th/75th percentiles) by the rule of
  Brookmeyer & Crowley and R ``quantile.survfit``: the first time at which
  1 - S(t) reaches p; when the curve sits exactly at 1 - p over an interval,
  the midpoint of that interval (to the last follow-up time when the curve
  stays there to the end). The CI of a quantile applies the same rule to the
  lower and upper confidence curves.
- Landmark rates S(tau) with the CI of the step in force at tau; missing when
  tau is beyond the last follow-up time.

References
----------
1. Kaplan EL, Meier P. J Am Stat Assoc 1958;53:457-481.
2. Brookmeyer R, Crowley J. A confidence interval for the median survival
   time. Biometrics 1982;38:29-41.
3. Therneau TM. survival: A Package for Survival Analysis in R
   (survfit, quantile.survfit).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.special import ndtri

CONF_TYPES = ("log-log", "log", "plain")
TOL = math.sqrt(np.finfo(float).eps)


def compute_km(time, event, *, conf_type: str = "log-log", conf: float = 0.95) -> pd.DataFrame:
    """KM table at every distinct time: n_risk, n_event, n_censor, surv, std_err (of log S), lower, upper."""
    from lifelines import KaplanMeierFitter

    if conf_type not in CONF_TYPES:
        raise ValueError(f"conf_type must be one of {CONF_TYPES}, got {conf_type!r}")
    time = np.asarray(time, dtype="float64")
    event = np.asarray(event, dtype="int64")
    columns = ["time", "n_risk", "n_event", "n_censor", "surv", "std_err", "lower", "upper"]
    if time.size == 0:
        return pd.DataFrame(columns=columns)
    kmf = KaplanMeierFitter().fit(time, event)
    et = kmf.event_table
    et = et[et["removed"] > 0]
    n, d = et["at_risk"].to_numpy(float), et["observed"].to_numpy(float)
    surv = kmf.survival_function_.iloc[:, 0].reindex(et.index).to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(d > 0, d / (n * (n - d)), 0.0)
        se = np.sqrt(np.cumsum(term))
        z = ndtri(0.5 + conf / 2)
        if conf_type == "log-log":
            ok = (surv > 0) & (surv < 1)
            xx = np.where(ok, se / np.log(np.where(ok, surv, 0.5)), np.nan)
            lower = np.exp(-np.exp(np.log(-np.log(np.where(ok, surv, 0.5))) - z * xx))
            upper = np.exp(-np.exp(np.log(-np.log(np.where(ok, surv, 0.5))) + z * xx))
            lower, upper = np.where(ok, lower, np.nan), np.where(ok, upper, np.nan)
        elif conf_type == "log":
            ok = surv > 0
            lower = np.where(ok, np.exp(np.log(np.where(ok, surv, 1)) - z * se), np.nan)
            upper = np.where(ok, np.minimum(np.exp(np.log(np.where(ok, surv, 1)) + z * se), 1.0), np.nan)
        else:
            lower = np.clip(surv - z * se * surv, 0.0, 1.0)
            upper = np.clip(surv + z * se * surv, 0.0, 1.0)
            bad = ~np.isfinite(se)
            lower, upper = np.where(bad, np.nan, lower), np.where(bad, np.nan, upper)
    return pd.DataFrame({"time": et.index.to_numpy(float), "n_risk": n, "n_event": d,
                         "n_censor": et["censored"].to_numpy(float), "surv": surv, "std_err": se,
                         "lower": lower, "upper": upper})


def _first_reaching(x: np.ndarray, y: np.ndarray, level: float) -> int | None:
    """Index of the point whose value is the smallest at or above ``level`` (None when none).

    For a monotone curve this is the first point that reaches the level. A
    ``log`` confidence curve capped at 1 can be non-monotone; taking the
    smallest qualifying value (the earliest on a tie) reproduces
    ``quantile.survfit``, which interpolates the curve as sorted by value.
    """
    hit = np.flatnonzero(~np.isnan(y) & (y >= level))
    if not len(hit):
        return None
    return int(hit[np.lexsort((hit, y[hit]))[0]])


def compute_km_quantile(table: pd.DataFrame, prob: float, *, curve: str = "surv") -> float:
    """Time at which the cumulative incidence 1 - ``curve`` reaches ``prob`` (module rule); NaN if never."""
    if not len(table):
        return math.nan
    x = np.concatenate([[0.0], table["time"].to_numpy(float)])
    y = np.concatenate([[0.0], 1.0 - table[curve].to_numpy(float)])
    xmax = x[-1]
    keep = ~pd.Series(y).duplicated().to_numpy()
    x, y = x[keep], y[keep]
    if np.all(np.isnan(y)) or np.nanmax(y) < prob:
        return math.nan
    if prob == 0:
        return float(x[0])
    i1 = _first_reaching(x, y, prob - TOL)
    i2 = _first_reaching(x, y, prob + TOL)
    last = y[-1]
    if not np.isnan(last) and abs(prob - last) < TOL and i1 is not None:
        return float((x[i1] + xmax) / 2)
    if i1 is None or i2 is None:
        return math.nan
    return float((x[i1] + x[i2]) / 2)


def summarize_quantile(table: pd.DataFrame, prob: float) -> tuple[float, float, float]:
    """(estimate, lower, upper) of the ``prob`` quantile of the event-time distribution."""
    return (compute_km_quantile(table, prob), compute_km_quantile(table, prob, curve="lower"),
            compute_km_quantile(table, prob, curve="upper"))


def compute_landmark(table: pd.DataFrame, tau: float) -> dict[str, float]:
    """S(tau), its CI and the number at risk at ``tau``, by one convention at the edges of the curve
    (docs/spec/statistics.md; compared with R ``survfit`` in tests/reference/km_edges.R):

    - S = 1 (no event by ``tau``): the rate is 1 and its CI not estimable (NaN), before the first time as after
      a censoring (survfit gives (1, 1) before the first time and NA after);
    - S = 0 (the last subject at risk had the event): the curve stays at 0 after its last time, CI NaN;
    - beyond the last follow-up time with S > 0: not estimable (NaN; survfit's ``extend = TRUE`` carries S).
    """
    nan = {"surv": math.nan, "lower": math.nan, "upper": math.nan, "n_risk": math.nan}
    if not len(table):
        return nan
    last = table.iloc[-1]
    if tau > last["time"]:
        if last["surv"] == 0:
            return {"surv": 0.0, "lower": math.nan, "upper": math.nan, "n_risk": 0.0}
        return nan
    before = table[table["time"] <= tau]
    after = table[table["time"] >= tau]
    n_risk = float(after["n_risk"].iloc[0]) if len(after) else 0.0
    surv = float(before["surv"].iloc[-1]) if len(before) else 1.0
    if surv in (0.0, 1.0):
        return {"surv": surv, "lower": math.nan, "upper": math.nan, "n_risk": n_risk}
    row = before.iloc[-1]
    return {"surv": surv, "lower": float(row["lower"]), "upper": float(row["upper"]), "n_risk": n_risk}
