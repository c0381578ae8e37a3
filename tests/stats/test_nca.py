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
    assert r["AUCINT"][0] == pytest.approx(expected, rel=1e-12)
    # linear: 350 + 75*7 + 30*14 = 1295
    assert r["AUCINTLN"][0] == pytest.approx(1295.0, rel=1e-12)
    assert (r["CMAX"][0], r["TMAX"][0], r["TLST"][0]) == (100, 7, 28)
    # lambda_z needs 3 points after Tmax: only 2 here
    assert math.isnan(r["LAMZ"][0]) and "3 needed" in r["LAMZ"][1]


def test_embedded_blq_is_dropped_and_leading_blq_is_zero():
    t = [0, 4, 7, 10, 14, 21, 28]
    c = [np.nan, np.nan, 80, 40, np.nan, 10, 5]
    blq = [True, True, False, False, True, False, False]
    tt, cc = prepare_profile(t, c, blq)
    assert tt.tolist() == [0, 4, 7, 10, 21, 28] and cc.tolist() == [0, 0, 80, 40, 10, 5]


def test_blq_tail_counts_as_zero_and_closes_the_interval():
    # quantifiable to day 21, BLQ at 28 (PKNCA conc.blq last = "keep"): the BLQ sample is 0, so the
    # interval 0-28 is covered: 350 + 50/ln2*7 (7-14) + 30/ln2.5*7 (14-21) + linear (20+0)/2*7 (21-28)
    r = nca([0, 7, 14, 21, 28], [0, 100, 50, 20, np.nan], [False, False, False, False, True])
    assert r["AUCINT"][0] == pytest.approx(350 + 50 / math.log(2) * 7 + 30 / math.log(2.5) * 7 + 70, rel=1e-12)
    # linear: 350 + 75*7 + 35*7 + 10*7
    assert r["AUCINTLN"][0] == pytest.approx(350 + 525 + 245 + 70, rel=1e-12)
    assert r["TLST"][0] == 21
    tt, cc = prepare_profile([0, 7, 14, 21, 28, 60], [0, 100, 50, 20, np.nan, np.nan], [False] * 4 + [True] * 2)
    assert tt.tolist() == [0, 7, 14, 21, 28, 60] and cc.tolist() == [0, 100, 50, 20, 0, 0]


def test_missing_day28_is_interpolated():
    # no day-28 sample, but one at 35: log-down interpolation at 28 between 20 (day 21) and 5 (day 35)
    t, c = np.array([0, 7, 14, 21, 35.0]), np.array([0, 100, 50, 20, 5.0])
    c28 = math.exp(math.log(20) + (math.log(5) - math.log(20)) * 7 / 14)   # = 10
    expected = 350 + 50 / math.log(2) * 7 + 30 / math.log(2.5) * 7 + (20 - c28) / math.log(20 / c28) * 7
    assert compute_auc(t, c, end=28)[0] == pytest.approx(expected, rel=1e-12)
    # towards a BLQ (0) sample the interpolation is linear: 20 at 21, 0 at 35 -> 10 at 28
    r = nca([0, 7, 14, 21, 35], [0, 100, 50, 20, np.nan], [False] * 4 + [True])
    assert r["AUCINT"][0] == pytest.approx(350 + 50 / math.log(2) * 7 + 30 / math.log(2.5) * 7 + 15 * 7, rel=1e-12)


def test_protocol_day28_sample_closes_the_0_28_interval():
    # infusion Day 1 08:30; the visit DAY 28 sample at 09:00 is 27.0208 days after it: within the default
    # tolerance (2 days, the visit window) of the 28-day end, so the area runs to that sample (nothing is
    # extrapolated)
    t, c = np.array([0, 6.0208, 27.0208]), np.array([0, 100, 10.0])
    r = {p: (v, why) for p, v, _, why in compute_nca(t, c, [False] * 3)}
    assert r["AUCINT"][0] == pytest.approx(100 / 2 * 6.0208 + 90 / math.log(10) * 21, rel=1e-12)
    # a profile that stops at 25.5 days is too short for the default interval
    assert "before 28" in compute_nca([0, 6, 25.5], [0, 100, 10.0], [False] * 3)[3][3]


def test_never_above_lloq():
    r = nca([0, 7, 14], [np.nan] * 3, [True] * 3)
    assert math.isnan(r["CMAX"][0]) and r["CMAX"][1] == "no quantifiable sample"
    assert math.isnan(r["AUCINT"][0])


def test_ties_at_cmax_take_first():
    assert compute_cmax(np.array([0, 7, 10, 14.0]), np.array([0, 50, 50, 20.0])) == (50, 7)


def test_terminal_slope_by_hand():
    # exact mono-exponential decline after Tmax: C = 100 exp(-0.1 (t - 7)); every fit has R2adj 1, so the
    # fit with the most points is taken (Tmax itself is never in the fit)
    t = np.array([0, 7, 10, 14, 21, 28.0])
    c = np.where(t == 0, 0.0, 100 * np.exp(-0.1 * (t - 7)))
    terminal, reason = compute_lambda_z(t, c)
    assert terminal["LAMZ"] == pytest.approx(0.1, rel=1e-10) and reason == ""
    assert terminal["LAMZHL"] == pytest.approx(math.log(2) / 0.1)
    assert (terminal["LAMZNPT"], terminal["LAMZLL"], terminal["LAMZUL"]) == (4, 10, 28)


def test_terminal_phase_by_best_adjusted_r2():
    # after Tmax (day 7): a fast fall to day 21, then a slow phase ln C = ln 40 - 0.005 (t - 28) exact over
    # days 28, 60, 91 (3 points, R2adj = 1); adding day 21 (C = 100) bends the line, so its R2adj < 1:
    # the 3-point fit wins and gives t1/2 = ln 2 / 0.005 = 138.6 days
    t = np.array([0, 7, 14, 21, 28, 60, 91.0])
    slow = 40 * np.exp(-0.005 * (t - 28))
    c = np.array([0, 1000, 400, 100, *slow[4:]])
    terminal, reason = compute_lambda_z(t, c)
    assert reason == "" and terminal["LAMZNPT"] == 3 and terminal["LAMZLL"] == 28
    assert terminal["LAMZ"] == pytest.approx(0.005, rel=1e-9) and terminal["R2ADJ"] == pytest.approx(1.0)
    assert terminal["LAMZHL"] == pytest.approx(math.log(2) / 0.005, rel=1e-9)
    # the 4-point fit (21, 28, 60, 91) by hand: R2adj from the least-squares line of ln C on t
    x, y = t[3:], np.log(c[3:])
    sxx, syy = ((x - x.mean()) ** 2).sum(), ((y - y.mean()) ** 2).sum()
    r2 = (((x - x.mean()) * (y - y.mean())).sum()) ** 2 / (sxx * syy)
    assert 1 - (1 - r2) * 3 / 2 < 1 - 1e-4


def _adjusted_r2_by_hand(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    sxy = ((x - x.mean()) * (y - y.mean())).sum()
    r2 = sxy ** 2 / (((x - x.mean()) ** 2).sum() * ((y - y.mean()) ** 2).sum())
    return 1 - (1 - r2) * (len(x) - 1) / (len(x) - 2)


@pytest.mark.parametrize("eps,points", [(0.002, 4), (0.05, 3)])
def test_terminal_phase_within_the_factor_takes_more_points(eps, points):
    # ln C falls by 0.1 a day after Tmax (day 7); day 14 is raised by eps on the log scale. The last 3 points
    # (21, 28, 35) fit exactly (R2adj 1); the 4-point fit's R2adj is 1 - d. Within 1e-4 of the best (d small)
    # the 4-point fit is taken, otherwise the 3-point one.
    t = np.array([0, 7, 14, 21, 28, 35.0])
    y = np.log(100) - 0.1 * (t - 7)
    y[2] += eps
    c = np.exp(y)
    c[0] = 0.0
    d = 1 - _adjusted_r2_by_hand(t[2:], y[2:])
    assert (d < 1e-4) == (points == 4)
    terminal, _ = compute_lambda_z(t, c)
    assert terminal["LAMZNPT"] == points
    assert terminal["R2ADJ"] == pytest.approx(1 - d if points == 4 else 1.0, abs=1e-12)


def test_persistence_and_geometric_summary():
    assert compute_persistence([0, 90, 180], [False, False, True], nominal=91.3, window=30) == 1
    assert compute_persistence([0, 90, 180], [False, False, True], nominal=182.6, window=30) == 0
    assert math.isnan(compute_persistence([0, 90], [False, False], nominal=365, window=30))
    s = summarize_geometric([10.0, 100.0, 1000.0])
    assert s["geomean"] == pytest.approx(100.0)
    # SD of ln x = ln 10; CV = sqrt(exp(ln(10)^2) - 1) x 100
    assert s["geocv"] == pytest.approx(math.sqrt(math.exp(math.log(10) ** 2) - 1) * 100)


def test_day28_sample_slightly_early_closes_a_27_day_interval():
    # infusion 10:00, Day 28 sample at 09:00 -> 26.958 days; the default end is Day 28 = 27 days after infusion
    t, c = np.array([0, 6.958, 26.958]), np.array([0, 100, 10.0])
    auc, reason = compute_auc(t, c, end=27.0, tolerance=1.0)
    assert reason == "" and auc == pytest.approx(100 / 2 * 6.958 + 90 / math.log(10) * 20)
    assert math.isnan(compute_auc(t, c, end=27.0)[0])
