"""Rule oc_merge: one table and one figure of the operating characteristics."""
from pathlib import Path

import pandas as pd

from cartrial.csvsafe import write_csv
from cartrial.figures.oc import plot_operating_characteristics
from cartrial.io import job_log
from cartrial.stats.oc import summarise

with job_log(snakemake.log[0], "oc_merge") as log:  # noqa: F821
    s = snakemake.params.settings  # noqa: F821
    trials = pd.concat([pd.read_parquet(p) for p in snakemake.input], ignore_index=True)  # noqa: F821
    table = summarise(trials, s["oc"]["scenarios"], threshold=s["safety"]["threshold"], p0=s["efficacy"]["p0"])
    write_csv(table.round(6), snakemake.output.table)  # noqa: F821
    plot_operating_characteristics(table, stem=Path(snakemake.output.figure).with_suffix(""))  # noqa: F821
    log.info("%d trials per scenario, %d scenarios", table["trials"].iloc[0], len(table))
