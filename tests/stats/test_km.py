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
    if row["surv"] == 1:  # the convention at S = 1: CI not estimable (survfit: (1, 1) before the first time)
        row = {**row, "lower": math.nan, "upper": math.nan}
    for key in ("surv", "lower", "upper", "n_risk"):
        assert _same(got[key], row[key]), (key, got[key], row[key])


EDGES = pd.read_csv(REF / "km_edges.csv")
EDGE_CASES = pd.read_csv(REF / "km_edges_cases.csv")


@pytest.mark.parametrize("row", EDGES.to_dict("records"), ids=lambda r: f"{r['case']}-{r['time']}")
def test_landmark_edges_follow_the_stated_convention(row):
    """survfit(..., conf.type = "log-log") with summary(extend = TRUE) (tests/reference/km_edges.R), except where
    the convention differs: CI not estimable at S = 1, and no estimate beyond the last follow-up with S > 0."""
    d = EDGE_CASES[EDGE_CASES["case"] == row["case"]]
    got = compute_landmark(compute_km(d["time"], d["status"], conf_type="log-log"), row["time"])
    want = dict(row)
    if row["surv"] == 1:
        want.update(lower=math.nan, upper=math.nan)
    if row["time"] > row["last_time"] and row["surv"] > 0:
        want.update(surv=math.nan, lower=math.nan, upper=math.nan, n_risk=math.nan)
    for key in ("surv", "lower", "upper", "n_risk"):
        assert _same(got[key], want[key]), (key, got[key], want[key])


def test_hand_derived_median_at_exact_half():
    # 4 events at 1, 2, 3, 4: S(2) = 0.5 exactly, so the median is (2 + 3) / 2
    table = compute_km([1, 2, 3, 4], [1, 1, 1, 1])
    assert summarize_quantile(table, 0.5)[0] == 2.5
    assert compute_landmark(table, 10.0)["surv"] == 0.0  # reached 0 with an event: stays 0 after the last time
    censored = compute_km([1, 2, 3, 4], [1, 1, 1, 0])
    assert math.isnan(compute_landmark(censored, 10.0)["surv"])  # beyond follow-up with S > 0: not estimable
