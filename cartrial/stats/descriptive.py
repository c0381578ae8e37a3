"""Descriptive statistics for continuous and categorical variables.

Quantiles use Hyndman & Fan (1996) definition 2 (averaging of the empirical
distribution at discontinuities), which is SAS ``PROC UNIVARIATE``'s default
``QNTLDEF=5``; the standard deviation has n - 1 in the denominator.

References
----------
1. Hyndman RJ, Fan Y. Sample quantiles in statistical packages.
   Am Stat 1996;50:361-365.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

CONTINUOUS_STATS = ("n", "mean", "sd", "median", "q1", "q3", "min", "max")


def compute_continuous(values: np.ndarray | pd.Series) -> dict[str, float]:
    """n, mean, SD, median, Q1, Q3, min, max of the non-missing values.

    With n = 0 every statistic but n is NaN; with n = 1 the SD is NaN.
    """
    x = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce").dropna(), dtype="float64")
    n = x.size
    if n == 0:
        return {"n": 0.0, **{k: np.nan for k in CONTINUOUS_STATS[1:]}}
    q1, med, q3 = np.quantile(x, [0.25, 0.5, 0.75], method="averaged_inverted_cdf")
    return {
        "n": float(n), "mean": float(np.mean(x)), "sd": float(np.std(x, ddof=1)) if n > 1 else np.nan,
        "median": float(med), "q1": float(q1), "q3": float(q3), "min": float(np.min(x)), "max": float(np.max(x)),
    }
