"""The vectorised NCA (all profiles at once, used by ADPP) against the one-profile functions, which are
checked by hand in test_nca.py: every parameter, value and reason, on many awkward profiles."""
import math

import numpy as np
import pandas as pd
import pytest

from cartrial.stats.nca import PARAMETERS, compute_nca, compute_persistence, nca_table, persistence_table


def _profiles(seed: int, n: int = 400):
    """Profiles with rises and falls, BLQ at the start, inside and at the end, missing results, repeated
    times, zeros, single samples, all-BLQ profiles and profiles that end early or start late."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(n):
        k = int(rng.integers(1, 12))
        grid = np.array([0, 1, 4, 7, 10, 14, 21, 27, 28, 60, 91, 182, 365], dtype=float)
        t = np.sort(rng.choice(grid, size=k, replace=True)) + rng.choice([0, 0, 0, 0.25, -0.5], size=k)
        t = np.maximum(t, 0) + (rng.random() < 0.1) * 2  # some profiles start late
        c = np.round(rng.lognormal(3, 2, size=k), int(rng.integers(0, 3)))
        c[rng.random(k) < 0.1] = 0.0
        blq = rng.random(k) < rng.choice([0, 0.2, 0.5, 1.0])
        c[blq & (rng.random(k) < 0.5)] = np.nan
        c[~blq & (rng.random(k) < 0.05)] = np.nan
        order = rng.permutation(k)  # samples arrive in any order
        rows += [(p, t[i], c[i], blq[i]) for i in order]
    return pd.DataFrame(rows, columns=["p", "t", "c", "blq"])


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("end,tolerance", [(27.0, 1.0), (28.0, 0.0)])
def test_vectorised_nca_equals_one_profile_at_a_time(seed, end, tolerance):
    frame = _profiles(seed)
    wide = nca_table(frame["p"], frame["t"], frame["c"], frame["blq"], auc_end=end, tolerance=tolerance)
    for p, g in frame.groupby("p"):
        for paramcd, value, _, reason in compute_nca(g["t"], g["c"], g["blq"], auc_end=end, tolerance=tolerance):
            got = wide.at[p, paramcd]
            assert (math.isnan(value) and math.isnan(got)) or got == pytest.approx(value, rel=1e-9), (p, paramcd)
            assert wide.at[p, f"{paramcd}_REASON"] == reason, (p, paramcd)
    assert list(wide.columns[::2]) == list(PARAMETERS)


@pytest.mark.parametrize("nominal", [91.0, 183.0, 365.0])
def test_vectorised_persistence_equals_one_profile_at_a_time(nominal):
    frame = _profiles(4)
    got = persistence_table(frame["p"], frame["t"], frame["blq"], nominal=nominal, window=30.0)
    for p, g in frame.groupby("p"):
        want = compute_persistence(g["t"], g["blq"], nominal=nominal, window=30.0)
        assert (math.isnan(want) and math.isnan(got[p])) or got[p] == want, p


def test_hand_profile_through_the_table():
    # the rise-and-fall profile of test_nca.py, given backwards: AUC 350 + 50/ln2*7 + 40/ln5*14
    wide = nca_table([0, 0, 0, 0], [28, 14, 7, 0], [10, 50, 100, 0], [False] * 4, auc_end=28.0, tolerance=0.0)
    assert wide.at[0, "AUCINT"] == pytest.approx(350 + 50 / math.log(2) * 7 + 40 / math.log(5) * 14, rel=1e-12)
    assert wide.at[0, "AUCINTLN"] == pytest.approx(1295.0, rel=1e-12)
    assert (wide.at[0, "CMAX"], wide.at[0, "TMAX"], wide.at[0, "TLST"]) == (100, 7, 28)
