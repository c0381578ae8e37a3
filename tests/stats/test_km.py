"""Kaplan-Meier quantiles and landmark rates against R survival::survfit (tests/reference/km.R)."""
import math
from pathlib import Path

import pandas as pd
import pytest

from cartrial.stats.km import compute_km, compute_landmark, summarize_quantile

REF = Path(__file__).resolve().parents[1] / "reference"
CASES = pd.read_csv(REF / "km_cases.csv")
QUANT = pd.read_csv(REF / "km_quantiles.csv")
LAND = pd.read_csv(REF / "km_landmarks.csv")


def _same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-6)


@pytest.mark.parametrize("row", QUANT.to_dict("records"), ids=lambda r: f"{r['case']}-{r['conf_type']}-{r['prob']}")
def test_quantiles_match_survfit(row):
    d = CASES[CASES["case"] == row["case"]]
    table = compute_km(d["time"], d["status"], conf_type=row["conf_type"])
    est, lo, hi = summarize_quantile(table, row["prob"])
    assert _same(est, row["estimate"]), ("estimate", est, row["estimate"])
    assert _same(lo, row["lower"]), ("lower", lo, row["lower"])
    assert _same(hi, row["upper"]), ("upper", hi, row["upper"])


@pytest.mark.parametrize("row", LAND.to_dict("records"), ids=lambda r: f"{r['case']}-{r['conf_type']}-{r['time']}")
def test_landmarks_match_survfit(row):
    d = CASES[CASES["case"] == row["case"]]
    got = compute_landmark(compute_km(d["time"], d["status"], conf_type=row["conf_type"]), row["time"])
    for key in ("surv", "lower", "upper", "n_risk"):
        assert _same(got[key], row[key]), (key, got[key], row[key])


def test_hand_derived_median_at_exact_half():
    # 4 events at 1, 2, 3, 4: S(2) = 0.5 exactly, so the median is (2 + 3) / 2
    table = compute_km([1, 2, 3, 4], [1, 1, 1, 1])
    assert summarize_quantile(table, 0.5)[0] == 2.5
    assert compute_landmark(table, 10.0)["surv"] != compute_landmark(table, 10.0)["surv"]  # beyond follow-up: NaN
