"""NCA against hand-computed reference profiles."""
import math

import numpy as np
import pytest

from cartrial.stats.nca import (compute_auc, compute_cmax, compute_lambda_z, compute_nca, compute_persistence,
                                prepare_profile, summarize_geometric)


def nca(t, c, blq=None):
    blq = [False] * len(t) if blq is None else blq
    return {p: (v, r) for p, v, _, r in compute_nca(t, c, blq, auc_end=28.0, tolerance=0.0)}


def test_rise_and_fall_by_hand():
    # t: 0, 7, 14, 28; C: 0, 100, 50, 10
    # AUC: 0-7 linear (0+100)/2*7 = 350; 7-14 log (100-50)/ln2*7 = 504.943...; 14-28 log (50-10)/ln5*14 = 347.947...
    t, c = [0, 7, 14, 28], [0, 100, 50, 10]
    expected = 350 + 50 / math.log(2) * 7 + 40 / math.log(5) * 14
    r = nca(t, c)
    assert r["AUC28"][0] == pytest.approx(expected, rel=1e-12)
    # linear: 350 + 75*7 + 30*14 = 1295
    assert r["AUC28LIN"][0] == pytest.approx(1295.0, rel=1e-12)
    assert (r["CMAX"][0], r["TMAX"][0], r["TLAST"][0]) == (100, 7, 28)
    # lambda_z needs 3 points after Tmax: only 2 here
    assert math.isnan(r["LAMZ"][0]) and "3 needed" in r["LAMZ"][1]


def test_embedded_blq_is_dropped_and_leading_blq_is_zero():
    t = [0, 4, 7, 10, 14, 21, 28]
    c = [np.nan, np.nan, 80, 40, np.nan, 10, 5]
    blq = [True, True, False, False, True, False, False]
    tt, cc = prepare_profile(t, c, blq)
    assert tt.tolist() == [0, 4, 7, 10, 21, 28] and cc.tolist() == [0, 0, 80, 40, 10, 5]


def test_blq_tail_ends_profile_and_missing_day28_is_interpolated():
    # quantifiable to day 21, BLQ at 28: the profile ends at 21 -> no AUC0-28
    r = nca([0, 7, 14, 21, 28], [0, 100, 50, 20, np.nan], [False, False, False, False, True])
    assert math.isnan(r["AUC28"][0]) and "before 28" in r["AUC28"][1]
    assert r["TLAST"][0] == 21
    # no day-28 sample, but one at 35: log-down interpolation at 28 between 20 (day 21) and 5 (day 35)
    t, c = np.array([0, 7, 14, 21, 35.0]), np.array([0, 100, 50, 20, 5.0])
    c28 = math.exp(math.log(20) + (math.log(5) - math.log(20)) * 7 / 14)   # = 10
    expected = 350 + 50 / math.log(2) * 7 + 30 / math.log(2.5) * 7 + (20 - c28) / math.log(20 / c28) * 7
    assert compute_auc(t, c, end=28)[0] == pytest.approx(expected, rel=1e-12)


def test_never_above_lloq():
    r = nca([0, 7, 14], [np.nan] * 3, [True] * 3)
    assert math.isnan(r["CMAX"][0]) and r["CMAX"][1] == "no quantifiable sample"
    assert math.isnan(r["AUC28"][0])


def test_ties_at_cmax_take_first():
    assert compute_cmax(np.array([0, 7, 10, 14.0]), np.array([0, 50, 50, 20.0])) == (50, 7)


def test_terminal_slope_by_hand():
    # exact mono-exponential decline after Tmax: C = 100 exp(-0.1 (t - 7))
    t = np.array([0, 7, 10, 14, 21, 28.0])
    c = np.where(t == 0, 0.0, 100 * np.exp(-0.1 * (t - 7)))
    lam, half, reason = compute_lambda_z(t, c)
    assert lam == pytest.approx(0.1, rel=1e-10) and half == pytest.approx(math.log(2) / 0.1) and reason == ""


def test_persistence_and_geometric_summary():
    assert compute_persistence([0, 90, 180], [False, False, True], nominal=91.3, window=30) == 1
    assert compute_persistence([0, 90, 180], [False, False, True], nominal=182.6, window=30) == 0
    assert math.isnan(compute_persistence([0, 90], [False, False], nominal=365, window=30))
    s = summarize_geometric([10.0, 100.0, 1000.0])
    assert s["geomean"] == pytest.approx(100.0)
    # SD of ln x = ln 10; CV = sqrt(exp(ln(10)^2) - 1) x 100
    assert s["geocv"] == pytest.approx(math.sqrt(math.exp(math.log(10) ** 2) - 1) * 100)


def test_day28_sample_slightly_early_closes_the_interval():
    # infusion 10:00, Day 28 sample at 09:00 -> 26.958 days; the default end is Day 28 = 27 days after infusion
    t, c = np.array([0, 6.958, 26.958]), np.array([0, 100, 10.0])
    auc, reason = compute_auc(t, c, end=27.0, tolerance=1.0)
    assert reason == "" and auc == pytest.approx(100 / 2 * 6.958 + 90 / math.log(10) * 20)
    assert math.isnan(compute_auc(t, c, end=27.0)[0])
