"""Display formats: rounding half away from zero (as SAS ``ROUND``).

``n (xx.x%)`` with 0 shown as ``0``; CI as ``(xx.x, xx.x)``; missing as
``NE`` where a statistic is not estimable and empty where it does not apply.
Python's ``round`` rounds half to even and is never used here.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def round_half_away(x: float, digits: int = 0) -> float:
    """Round to ``digits`` decimals, halves away from zero (2.5 -> 3, -2.5 -> -3).

    The decimal representation that Python prints for ``x`` (its shortest
    repr) is rounded, so 2.675 -> 2.68 as a reader expects, although the
    binary double is slightly below 2.675.
    """
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return x
    return float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def fmt_num(x: float | None, digits: int = 0, *, missing: str = "") -> str:
    """A number with ``digits`` decimals, rounded half away from zero."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return missing
    value = round_half_away(x, digits)
    text = f"{value:.{digits}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def fmt_n_pct(n: float, N: float, *, digits: int = 1) -> str:
    """``n (xx.x%)``; ``0`` when n is 0; ``n`` alone when N is 0 or missing."""
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return ""
    if n == 0:
        return "0"
    if not N:
        return fmt_num(n)
    return f"{fmt_num(n)} ({fmt_num(100.0 * n / N, digits)}%)"


def fmt_ci(lo: float | None, hi: float | None, digits: int = 1, *, scale: float = 1.0) -> str:
    """``(lo, hi)``, each bound scaled then rounded; ``NE`` for a missing bound."""
    parts = [fmt_num(None if v is None else v * scale, digits, missing="NE") for v in (lo, hi)]
    return f"({parts[0]}, {parts[1]})"


def fmt_mean_sd(mean: float, sd: float, digits: int) -> str:
    """``mean (SD)`` with the mean at ``digits`` + 1 and SD at ``digits`` + 2 decimals."""
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return ""
    return f"{fmt_num(mean, digits + 1)} ({fmt_num(sd, digits + 2, missing='NE')})"


def fmt_range(lo: float, hi: float, digits: int) -> str:
    """``min, max`` at the data's precision."""
    if lo is None or (isinstance(lo, float) and math.isnan(lo)):
        return ""
    return f"{fmt_num(lo, digits)}, {fmt_num(hi, digits)}"


def fmt_n_of_N_pct(n: float, N: float, *, digits: int = 1) -> str:
    """``n/N (xx.x%)``; ``0/N`` when n is 0; empty when N is 0 or missing."""
    if N is None or (isinstance(N, float) and math.isnan(N)) or N == 0:
        return ""
    if n == 0:
        return f"0/{fmt_num(N)}"
    return f"{fmt_num(n)}/{fmt_num(N)} ({fmt_num(100.0 * n / N, digits)}%)"


def fmt_p(p: float | None) -> str:
    """p-value to 3 decimals; ``<0.001`` below; ``>0.999`` above."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    if p < 0.001:
        return "<0.001"
    if p > 0.999:
        return ">0.999"
    return fmt_num(p, 3)


def fmt_rate_ci(values, key: tuple, *, n: str = "n", N: str = "N", lower: str = "ci_lower",
                upper: str = "ci_upper") -> str:
    """``n/N (%)`` over ``(lower, upper)`` in percent, from an ARD look-up: ``values[(*key, stat)]`` for the
    four statistic names (a page never parts a rate from its exact CI)."""
    return (f"{fmt_n_of_N_pct(values[(*key, n)], values[(*key, N)])}\n"
            f"{fmt_ci(values[(*key, lower)], values[(*key, upper)], 1, scale=100)}")
