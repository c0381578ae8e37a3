"""Rule adam_tte: ADTTE from ADSL and ADRS (efficacy parameters) and ADLB (time to B-cell recovery)."""
import json
from pathlib import Path

import pandas as pd

from cartrial.adam.adtte import build_adtte
from cartrial.io import job_log, write_parquet

with job_log(snakemake.log[0], "adam_tte") as log:  # noqa: F821
    inp, out = snakemake.input, snakemake.output  # noqa: F821
    adlb = pd.read_parquet(inp.adlb, filters=[("PARAMCD", "==", "BCELL")])
    adtte, skipped = build_adtte(pd.read_parquet(inp.adsl), pd.read_parquet(inp.adrs),
                                 [dict(s) for s in snakemake.params.specs], adlb=adlb,  # noqa: F821
                                 bcell_below=snakemake.params.kinetics["bcell_aplasia_below"])  # noqa: F821
    write_parquet(adtte, out.adtte)
    Path(out.notes).write_text(json.dumps({"skipped": skipped}, indent=1) + "\n", encoding="utf-8")
    log.info("ADTTE %d records; skipped: %s", len(adtte), skipped)
