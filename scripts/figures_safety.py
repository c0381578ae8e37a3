"""Rule figures_safety: Figures 14.3.1-14.3.2."""
from pathlib import Path

import pandas as pd

from cartrial.figures import safety as F
from cartrial.io import job_log

with job_log(snakemake.log[0], "figures_safety"):  # noqa: F821
    inp, out = snakemake.input, snakemake.output  # noqa: F821
    folder = Path(out.figures[0]).parent
    F.plot_syndrome_timeline(pd.read_parquet(inp.adae), stem=folder / F.SAFETY_FIGURES[0],
                             max_subjects=snakemake.params.max_subjects)  # noqa: F821
    F.plot_counts(pd.read_parquet(inp.adlb), stem=folder / F.SAFETY_FIGURES[1],
                  max_subjects=snakemake.params.max_subjects)  # noqa: F821
