"""Rule oc: simulate the trials of every scenario chunk by chunk (each chunk seeded from the study's seed and
its number), then one table and one figure of the operating characteristics."""
from cartrial.worker import run_in_worker

run_in_worker(snakemake)  # noqa: F821  (a local run's jobs run in its warm job server: cartrial/worker.py)

from pathlib import Path

import pandas as pd

from cartrial.csvsafe import write_csv
from cartrial.figures.oc import plot_operating_characteristics
from cartrial.io import job_log
from cartrial.stats.oc import chunk_sizes, simulate_chunk, summarise

with job_log(snakemake.log[0], "oc") as log:  # noqa: F821
    s = snakemake.params.settings  # noqa: F821
    sizes = chunk_sizes(s["oc"]["n_trials"], s["oc"]["chunks"])
    trials = pd.concat([simulate_chunk(scenarios=s["oc"]["scenarios"], n_trials=size, planned_n=s["planned_n"],
                                       safety=s["safety"], efficacy=s["efficacy"], seed=s["oc"]["seed"], chunk=chunk,
                                       first_trial=sum(sizes[:chunk]))
                        for chunk, size in enumerate(sizes)], ignore_index=True)
    table = summarise(trials, s["oc"]["scenarios"], threshold=s["safety"]["threshold"], p0=s["efficacy"]["p0"])
    write_csv(table.round(6), snakemake.output.table)  # noqa: F821
    plot_operating_characteristics(table, stem=Path(snakemake.output.figure).with_suffix(""))  # noqa: F821
    log.info("%d trials per scenario in %d chunks, %d scenarios", table["trials"].iloc[0], len(sizes), len(table))
