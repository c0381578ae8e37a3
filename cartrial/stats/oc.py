"""Operating characteristics of a study's interim decision rules, by simulation.

Each simulated trial enrols the planned number of infused subjects one after another. Each subject
has the dose-limiting toxicity of the safety stopping rule with probability ``p_toxicity`` and
responds with probability ``p_response``, independently. After each subject the Beta-binomial
safety rule of ``cartrial.stats.monitoring`` is applied (stop when P(rate > threshold | data) >
cutoff); a trial that reaches the planned size is a success when the final posterior
P(response rate > p0 | data) exceeds the success cutoff (the rule of the predictive probability).

Everything is vectorised over trials; a chunk of trials is reproducible from (seed, chunk index),
so the figures do not depend on how the chunks are run (one job simulates them all: each takes less than
a job's start-up).

Reference: Thall PF, Simon R, Estey EH. Stat Med 1995;14:357-379 (monitoring rules evaluated by
simulation under assumed true rates).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from cartrial.config import default_scenarios  # noqa: F401 (re-exported)
from cartrial.stats.monitoring import compute_stopping_boundary

TRIAL_COLUMNS = ["scenario", "trial", "stopped", "n_enrolled", "toxicities", "responders", "success"]


def chunk_sizes(n_trials: int, chunks: int) -> list[int]:
    """Trials per chunk: equal sizes, the last one smaller when ``n_trials`` does not divide."""
    size = -(-n_trials // chunks)
    return [max(0, min(size, n_trials - i * size)) for i in range(chunks)]


def simulate_chunk(*, scenarios: list[dict], n_trials: int, planned_n: int, safety: dict, efficacy: dict,
                   seed: int, chunk: int, first_trial: int | None = None) -> pd.DataFrame:
    """One row per simulated trial and scenario; trials are numbered from ``first_trial``
    (default ``chunk * n_trials``)."""
    a, b = safety["prior"]
    boundary = compute_stopping_boundary(planned_n, a=a, b=b, threshold=safety["threshold"],
                                         cutoff=safety["cutoff"])
    ea, eb = efficacy["prior"]
    xs = np.arange(planned_n + 1)
    final_success = stats.beta.sf(efficacy["p0"], ea + xs, eb + planned_n - xs) > efficacy["cutoff"]
    rows = []
    for k, sc in enumerate(scenarios):
        rng = np.random.default_rng([seed, chunk, k])
        tox = rng.random((n_trials, planned_n)) < sc["p_toxicity"]
        resp = rng.random((n_trials, planned_n)) < sc["p_response"]
        cum = tox.cumsum(axis=1)
        hit = cum >= np.where(np.isnan(boundary), np.inf, boundary)[None, :]
        stopped = hit.any(axis=1)
        n_enrolled = np.where(stopped, hit.argmax(axis=1) + 1, planned_n)
        enrolled = np.arange(planned_n)[None, :] < n_enrolled[:, None]
        responders = (resp & enrolled).sum(axis=1)
        rows.append(pd.DataFrame({
            "scenario": sc["name"], "trial": np.arange(n_trials) + (chunk * n_trials if first_trial is None else first_trial), "stopped": stopped,
            "n_enrolled": n_enrolled, "toxicities": (tox & enrolled).sum(axis=1), "responders": responders,
            "success": ~stopped & final_success[responders],
        }))
    return pd.concat(rows, ignore_index=True)[TRIAL_COLUMNS]


def summarise(trials: pd.DataFrame, scenarios: list[dict], *, threshold: float, p0: float) -> pd.DataFrame:
    """Per scenario: probabilities of an early stop, a false stop and success, with Monte Carlo SEs.

    A stop is false when the true toxicity rate is not above the unacceptable rate (p_toxicity <=
    threshold); success under a true response rate <= p0 is a false positive (type I error)."""
    out = []
    for sc in scenarios:
        t = trials[trials["scenario"] == sc["name"]]
        n = len(t)
        p_stop, p_success = t["stopped"].mean(), t["success"].mean()
        acceptable = sc["p_toxicity"] <= threshold
        out.append({
            "scenario": sc["name"], "p_response": sc["p_response"], "p_toxicity": sc["p_toxicity"], "trials": n,
            "p_stop_early": p_stop, "p_stop_early_se": np.sqrt(p_stop * (1 - p_stop) / n),
            "p_false_stop": p_stop if acceptable else np.nan,
            "p_success": p_success, "p_success_se": np.sqrt(p_success * (1 - p_success) / n),
            "success_is_type1_error": sc["p_response"] <= p0,
            "mean_enrolled": t["n_enrolled"].mean(),
        })
    return pd.DataFrame(out)
