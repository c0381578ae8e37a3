import math

import numpy as np

from cartrial.stats.descriptive import compute_continuous


def test_quartiles_follow_sas_qntldef5():
    # Hand derivation, SAS QNTLDEF=5: n*p integer -> average of the two order statistics.
    # x = 1,2,3,4: Q1 = (x1+x2)/2 = 1.5, median = 2.5, Q3 = (x3+x4)/2 = 3.5
    r = compute_continuous([4, 1, 3, 2, None])
    assert (r["n"], r["q1"], r["median"], r["q3"], r["min"], r["max"]) == (4, 1.5, 2.5, 3.5, 1, 4)
    assert math.isclose(r["mean"], 2.5)
    assert math.isclose(r["sd"], math.sqrt(5 / 3), rel_tol=1e-12)  # sum of squares 5, n-1 = 3
    # n = 5: n*p = 1.25 not integer -> next order statistic: Q1 = x2 = 2, Q3 = x4 = 4
    r5 = compute_continuous([1, 2, 3, 4, 5])
    assert (r5["q1"], r5["median"], r5["q3"]) == (2, 3, 4)


def test_edge_cases():
    empty = compute_continuous([])
    assert empty["n"] == 0 and np.isnan(empty["mean"])
    one = compute_continuous([7.0])
    assert one["n"] == 1 and one["mean"] == 7 and np.isnan(one["sd"])
