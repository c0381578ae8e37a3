"""Binomial proportions and two-sample differences.

- ``compute_clopper_pearson``: exact two-sided CI from beta quantiles (scipy);
  x = 0 gives a lower bound of 0, x = n an upper bound of 1.
- ``compute_diff_ci``: difference p1 - p2 with the Miettinen-Nurminen score
  interval (``miettinen-nurminen``, with the N/(N-1) variance correction) or
  Newcombe's hybrid score interval (``newcombe``, method 10). Newcombe's
  interval comes from statsmodels. The Miettinen-Nurminen interval is
  computed here: statsmodels 0.15 solves the cubic of the constrained MLE
  with a wrong linear coefficient for ``compare='diff'`` (upstream issue
  10269), so its score interval is wrong. The constrained MLE below is the
  closed-form root of Farrington & Manning (1990), and the interval is the
  set of differences whose score statistic is below the chi-square quantile,
  found by Brent's method.
- ``compute_fisher_p``: two-sided Fisher exact p-value (scipy).

References
----------
1. Clopper CJ, Pearson ES. Biometrika 1934;26:404-413.
2. Miettinen O, Nurminen M. Comparative analysis of two rates.
   Stat Med 1985;4:213-226.
3. Farrington CP, Manning G. Test statistics and sample size formulae for
   comparative binomial trials with null hypothesis of non-zero risk
   difference or non-unity relative risk. Stat Med 1990;9:1447-1454.
4. Newcombe RG. Interval estimation for the difference between independent
   proportions: comparison of eleven methods. Stat Med 1998;17:873-890.
"""
from __future__ import annotations

import functools
import math

import numpy as np

# scipy.stats and statsmodels are imported inside the functions that need them: they cost
# seconds of start-up in every job that only imports this module for another function.

DIFF_METHODS = ("miettinen-nurminen", "newcombe")


def compute_clopper_pearson(x: int, n: int, *, conf: float = 0.95) -> tuple[float, float, float]:
    """(p, lower, upper); all NaN when n = 0."""
    if n == 0:
        return (math.nan, math.nan, math.nan)
    return (x / n, *_exact_interval(int(x), int(n), float(conf)))


@functools.lru_cache(maxsize=4096)
def _exact_interval(x: int, n: int, conf: float) -> tuple[float, float]:
    """The Clopper-Pearson bounds, solved once per (x, n, level): an analysis asks for the same few
    fractions hundreds of times (every visit, group and endpoint)."""
    from scipy import stats

    ci = stats.binomtest(x, n).proportion_ci(confidence_level=conf, method="exact")
    return (float(ci.low), float(ci.high))


def summarize_proportion(x: int, n: int, *, conf: float = 0.95) -> dict[str, float]:
    """``x`` of ``n`` as the ARD statistics of a rate, in their order: ``n`` (= x), ``N`` (= n), ``p``,
    ``ci_lower`` and ``ci_upper`` (exact Clopper-Pearson; NaN when n = 0)."""
    p, lower, upper = compute_clopper_pearson(x, n, conf=conf)
    return {"n": x, "N": n, "p": p, "ci_lower": lower, "ci_upper": upper}


def compute_diff_ci(x1: int, n1: int, x2: int, n2: int, *, method: str, conf: float = 0.95
                    ) -> tuple[float, float, float]:
    """(p1 - p2, lower, upper) by ``method`` (``miettinen-nurminen`` or ``newcombe``)."""
    if method not in DIFF_METHODS:
        raise ValueError(f"method must be one of {list(DIFF_METHODS)}, got {method!r}")
    if n1 == 0 or n2 == 0:
        return (math.nan, math.nan, math.nan)
    if method == "newcombe":
        from statsmodels.stats.proportion import confint_proportions_2indep

        low, high = confint_proportions_2indep(int(x1), int(n1), int(x2), int(n2), method="newcomb",
                                               compare="diff", alpha=1 - conf)
        return (x1 / n1 - x2 / n2, float(low), float(high))
    return (x1 / n1 - x2 / n2, *compute_mn_ci(x1, n1, x2, n2, conf=conf))


def compute_mn_restricted_mle(x1: int, n1: int, x2: int, n2: int, delta: float) -> tuple[float, float]:
    """Maximum-likelihood (p1, p2) under p1 - p2 = delta (Farrington & Manning 1990, closed form).

    The root of the cubic a p^3 + b p^2 + c p + d = 0 in p1 with theta = n2/n1:
    a = 1 + theta, b = -(1 + theta + p1^ + theta p2^ + delta (theta + 2)),
    c = delta^2 + delta (2 p1^ + theta + 1) + p1^ + theta p2^,
    d = -p1^ delta (1 + delta), taken by the trigonometric solution.
    """
    p1h, p2h = x1 / n1, x2 / n2
    if delta == 0:
        pooled = (x1 + x2) / (n1 + n2)
        return pooled, pooled
    theta = n2 / n1
    a = 1 + theta
    b = -(1 + theta + p1h + theta * p2h + delta * (theta + 2))
    c = delta ** 2 + delta * (2 * p1h + theta + 1) + p1h + theta * p2h
    d = -p1h * delta * (1 + delta)
    v = b ** 3 / (27 * a ** 3) - b * c / (6 * a ** 2) + d / (2 * a)
    u = math.copysign(math.sqrt(max(b ** 2 / (9 * a ** 2) - c / (3 * a), 0.0)), v)
    if u == 0:
        p1 = -b / (3 * a)
    else:
        w = (math.pi + math.acos(float(np.clip(v / u ** 3, -1.0, 1.0)))) / 3
        p1 = 2 * u * math.cos(w) - b / (3 * a)
    p1 = min(max(p1, max(0.0, delta)), min(1.0, 1.0 + delta))
    return p1, p1 - delta


def compute_mn_statistic(x1: int, n1: int, x2: int, n2: int, delta: float) -> float:
    """Miettinen-Nurminen chi-square score statistic for H0: p1 - p2 = delta.

    (p1^ - p2^ - delta)^2 / V, V = [p1~(1 - p1~)/n1 + p2~(1 - p2~)/n2] x N/(N - 1),
    with p~ the constrained MLE and N = n1 + n2.
    """
    p1, p2 = compute_mn_restricted_mle(x1, n1, x2, n2, delta)
    n = n1 + n2
    var = (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) * n / (n - 1)
    diff = x1 / n1 - x2 / n2 - delta
    if var <= 0:
        return 0.0 if diff == 0 else math.inf
    return diff ** 2 / var


def compute_mn_ci(x1: int, n1: int, x2: int, n2: int, *, conf: float = 0.95) -> tuple[float, float]:
    """Miettinen-Nurminen score interval for p1 - p2: {delta : statistic(delta) <= chi2_1(conf)}."""
    from scipy import optimize, stats

    q = stats.chi2.ppf(conf, 1)
    eps = 1e-12
    est = min(max(x1 / n1 - x2 / n2, -1 + eps), 1 - eps)

    def f(delta: float) -> float:
        return compute_mn_statistic(x1, n1, x2, n2, delta) - q

    lower = -1.0 if f(-1 + eps) <= 0 else optimize.brentq(f, -1 + eps, est, xtol=1e-14, rtol=1e-15)
    upper = 1.0 if f(1 - eps) <= 0 else optimize.brentq(f, est, 1 - eps, xtol=1e-14, rtol=1e-15)
    return float(lower), float(upper)


def compute_fisher_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided Fisher exact p-value of the 2x2 table (responders, non-responders) x (group 1, group 2)."""
    from scipy import stats

    if n1 == 0 or n2 == 0:
        return math.nan
    return float(stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]], alternative="two-sided").pvalue)
