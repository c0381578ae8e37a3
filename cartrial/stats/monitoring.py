"""Bayesian interim monitoring: Beta-binomial toxicity stopping rule and predictive probability of success.

With a Beta(a, b) prior on the event rate and x events in n subjects, the
posterior is Beta(a + x, b + n - x). The toxicity rule stops when
P(rate > threshold | data) > cutoff. The boundary at n is the smallest x for
which it does. The predictive probability of success at the planned size N
averages, over the beta-binomial predictive distribution of the responders
among the N - n subjects still to come, the indicator that the final
posterior P(rate > p0) exceeds the success cutoff.

References
----------
1. Thall PF, Simon R, Estey EH. Bayesian sequential monitoring designs for
   single-arm clinical trials with multiple outcomes. Stat Med 1995;14:357-379.
2. Lee JJ, Liu DD. A predictive probability design for phase II cancer
   clinical trials. Clin Trials 2008;5:93-106.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats


def compute_posterior_exceedance(x: int, n: int, *, a: float, b: float, threshold: float) -> float:
    """P(rate > threshold | x of n) under a Beta(a, b) prior."""
    return float(stats.beta.sf(threshold, a + x, b + n - x))


def compute_stopping_boundary(max_n: int, *, a: float, b: float, threshold: float, cutoff: float) -> np.ndarray:
    """Smallest event count that stops at each n = 1..max_n (NaN where no count can)."""
    out = np.full(max_n, np.nan)
    for n in range(1, max_n + 1):
        xs = np.arange(n + 1)
        post = stats.beta.sf(threshold, a + xs, b + n - xs)
        hit = np.flatnonzero(post > cutoff)
        if len(hit):
            out[n - 1] = xs[hit[0]]
    return out


def compute_predictive_probability(x: int, n: int, *, planned_n: int, a: float, b: float, p0: float,
                                   cutoff: float) -> float:
    """Predictive probability that the final analysis at ``planned_n`` finds P(rate > p0) > cutoff."""
    remaining = planned_n - n
    if remaining < 0:
        return math.nan
    ys = np.arange(remaining + 1)
    weights = stats.betabinom.pmf(ys, remaining, a + x, b + n - x)
    success = stats.beta.sf(p0, a + x + ys, b + planned_n - x - ys) > cutoff
    return float(np.sum(weights * success))
