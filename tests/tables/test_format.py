import math

import pytest

from cartrial.tables.format import fmt_ci, fmt_mean_sd, fmt_n_pct, fmt_num, round_half_away


@pytest.mark.parametrize("x, digits, expected", [
    (2.5, 0, 3.0), (-2.5, 0, -3.0), (0.5, 0, 1.0), (1.5, 0, 2.0),  # Python's round gives 2, -2, 0, 2
    (2.675, 2, 2.68), (0.125, 2, 0.13), (33.35, 1, 33.4), (-0.05, 1, -0.1),
])
def test_round_half_away_from_zero(x, digits, expected):
    assert round_half_away(x, digits) == expected


def test_n_pct_formats():
    assert fmt_n_pct(0, 15) == "0"
    assert fmt_n_pct(1, 3) == "1 (33.3%)"
    assert fmt_n_pct(2, 3) == "2 (66.7%)"
    assert fmt_n_pct(15, 15) == "15 (100.0%)"
    # 1/8 = 12.5% exactly; 1/16 = 6.25% -> 6.3 (half away from zero)
    assert fmt_n_pct(1, 16) == "1 (6.3%)"


def test_ci_and_missing():
    assert fmt_ci(0.0, 0.21802, 1, scale=100) == "(0.0, 21.8)"
    assert fmt_ci(None, 0.5, 1) == "(NE, 0.5)"
    assert fmt_num(math.nan, 1) == ""
    assert fmt_num(-0.04, 1) == "0.0"
    assert fmt_mean_sd(12.345, 2.71828, 1) == "12.35 (2.718)"
