"""Operating characteristics: simulated probabilities against exact calculations by hand."""
import numpy as np
import pytest
from scipy import stats

from cartrial.stats.oc import default_scenarios, simulate_chunk, summarise

SAFETY = {"prior": [1, 1], "threshold": 0.25, "cutoff": 0.90}
EFFICACY = {"prior": [1, 1], "p0": 0.30, "cutoff": 0.95}


def test_without_stopping_success_equals_the_exact_binomial_probability():
    # cutoff 0.999999 with N = 10: no toxicity count can stop, so P(success) = P(X >= x*) exactly,
    # x* = smallest x with P(rate > 0.3 | x of 10, Beta(1,1)) > 0.95, found here by direct search.
    n = 10
    xstar = next(x for x in range(n + 1) if stats.beta.sf(0.3, 1 + x, 1 + n - x) > 0.95)
    exact = stats.binom.sf(xstar - 1, n, 0.6)
    sc = [{"name": "s", "p_response": 0.6, "p_toxicity": 0.2}]
    trials = simulate_chunk(scenarios=sc, n_trials=40000, planned_n=n, safety={**SAFETY, "cutoff": 0.999999},
                            efficacy=EFFICACY, seed=1, chunk=0)
    assert not trials["stopped"].any()
    assert trials["success"].mean() == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / 40000))


def test_stop_probability_at_the_first_boundary_matches_hand_derivation():
    # With threshold 0.25, cutoff 0.9, Beta(1,1): after 2 subjects, 2 toxicities give
    # P(rate > 0.25 | 2 of 2) = 1 - 0.25^3 = 0.984 > 0.9 (stop); after 1 subject, 1 toxicity gives
    # 1 - 0.25^2 = 0.9375 > 0.9 (stop). So every trial whose first subject has a toxicity stops at n = 1.
    sc = [{"name": "s", "p_response": 0.5, "p_toxicity": 0.3}]
    trials = simulate_chunk(scenarios=sc, n_trials=40000, planned_n=5, safety=SAFETY, efficacy=EFFICACY,
                            seed=2, chunk=0)
    p1 = (trials["n_enrolled"] == 1).mean()
    assert p1 == pytest.approx(0.3, abs=4 * np.sqrt(0.3 * 0.7 / 40000))
    assert (trials.loc[trials["n_enrolled"] == 1, "toxicities"] == 1).all()


def test_chunks_are_reproducible_and_distinct():
    kw = dict(scenarios=default_scenarios(threshold=0.25, p0=0.3), n_trials=200, planned_n=15, safety=SAFETY,
              efficacy=EFFICACY, seed=7)
    a, b, c = simulate_chunk(chunk=0, **kw), simulate_chunk(chunk=0, **kw), simulate_chunk(chunk=1, **kw)
    assert a.equals(b) and not a["responders"].equals(c["responders"])
    assert c["trial"].min() == 200


def test_summary_labels_false_stops_and_type1_error():
    sc = default_scenarios(threshold=0.25, p0=0.3)
    trials = simulate_chunk(scenarios=sc, n_trials=2000, planned_n=15, safety=SAFETY, efficacy=EFFICACY, seed=3,
                            chunk=0)
    s = summarise(trials, sc, threshold=0.25, p0=0.3).set_index("scenario")
    toxic = sc[-1]["name"]
    assert np.isnan(s.loc[toxic, "p_false_stop"]) and s.loc[toxic, "p_stop_early"] > s.loc[sc[1]["name"],
                                                                                         "p_stop_early"]
    assert s.loc[sc[0]["name"], "success_is_type1_error"] and not s.loc[sc[1]["name"], "success_is_type1_error"]


def _exact_stop_probability(p: float, planned_n: int, boundary: np.ndarray) -> float:
    """P(the rule stops before or at the planned size), by forward recursion over (n, events) states."""
    alive = np.zeros(planned_n + 1)
    alive[0] = 1.0
    stopped = 0.0
    for n in range(1, planned_n + 1):
        nxt = np.zeros(planned_n + 1)
        nxt[1:] += alive[:-1] * p
        nxt += alive * (1 - p)
        b = boundary[n - 1]
        if not np.isnan(b):
            stopped += nxt[int(b):].sum()
            nxt[int(b):] = 0.0
        alive = nxt
    return stopped


def test_simulated_stop_probability_matches_the_exact_recursion():
    from cartrial.stats.monitoring import compute_stopping_boundary

    boundary = compute_stopping_boundary(15, a=1, b=1, threshold=0.25, cutoff=0.90)
    sc = [{"name": "s", "p_response": 0.5, "p_toxicity": 0.125}]
    trials = simulate_chunk(scenarios=sc, n_trials=40000, planned_n=15, safety=SAFETY, efficacy=EFFICACY,
                            seed=4, chunk=0)
    exact = _exact_stop_probability(0.125, 15, boundary)
    assert trials["stopped"].mean() == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / 40000))
