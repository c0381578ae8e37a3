"""Binomial CIs against independent references (tests/reference/binomial.R) and Newcombe (1998)."""
from pathlib import Path

import pandas as pd
import pytest

from cartrial.stats.binomial import compute_clopper_pearson, compute_diff_ci, compute_fisher_p

REF = Path(__file__).resolve().parents[1] / "reference"


@pytest.mark.parametrize("row", pd.read_csv(REF / "clopper_pearson.csv").to_dict("records"),
                         ids=lambda r: f"{r['x']}/{r['n']}")
def test_clopper_pearson_matches_r_binom_test(row):
    p, lo, hi = compute_clopper_pearson(int(row["x"]), int(row["n"]))
    assert p == row["x"] / row["n"]
    assert lo == pytest.approx(row["lower"], abs=1e-9)
    assert hi == pytest.approx(row["upper"], abs=1e-9)


@pytest.mark.parametrize("row", pd.read_csv(REF / "two_sample.csv").to_dict("records"),
                         ids=lambda r: f"{r['x1']}/{r['n1']}-{r['x2']}/{r['n2']}")
def test_two_sample_intervals_match_r(row):
    args = int(row["x1"]), int(row["n1"]), int(row["x2"]), int(row["n2"])
    d, lo, hi = compute_diff_ci(*args, method="miettinen-nurminen")
    assert d == pytest.approx(row["diff"], abs=1e-12)
    assert (lo, hi) == pytest.approx((row["mn_lower"], row["mn_upper"]), abs=1e-6)
    _, lo, hi = compute_diff_ci(*args, method="newcombe")
    assert (lo, hi) == pytest.approx((row["newcombe_lower"], row["newcombe_upper"]), abs=1e-9)
    assert compute_fisher_p(*args) == pytest.approx(row["p_fisher"], rel=1e-9)


@pytest.mark.parametrize("args, method10", [
    # Newcombe RG. Stat Med 1998;17:873-890, Table II, method 10 (hybrid score), 4 decimals
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
])
def test_newcombe_1998_published_values(args, method10):
    assert compute_diff_ci(*args, method="newcombe")[1:] == pytest.approx(method10, abs=6e-5)


def test_miettinen_nurminen_published_example():
    # Newcombe 1998 Table II, example (a) 56/70 - 48/80, method 6 (Miettinen-Nurminen): 0.0528 to 0.3382
    assert compute_diff_ci(56, 70, 48, 80, method="miettinen-nurminen")[1:] == pytest.approx((0.0528, 0.3382),
                                                                                            abs=6e-5)


def test_edge_cases():
    assert compute_clopper_pearson(0, 15)[1] == 0.0
    assert compute_clopper_pearson(15, 15)[2] == 1.0
    assert all(v != v for v in compute_clopper_pearson(0, 0))
    with pytest.raises(ValueError, match="method"):
        compute_diff_ci(1, 2, 1, 2, method="wald")
