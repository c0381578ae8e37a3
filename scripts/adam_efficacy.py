"""Rule adam_efficacy: ADQS and ADRS from the cut SDTM domains and ADSL."""
import json
from pathlib import Path

import pandas as pd

from cartrial.adam.efficacy import build_efficacy, sdtm_columns
from cartrial.adam.visits import make_month_windows
from cartrial.csvsafe import write_csv
from cartrial.endpoints.rules import EndpointRules
from cartrial.io import job_log, read_sdtm, write_parquet
from cartrial.sdtm.errors import findings_frame

with job_log(snakemake.log[0], "adam_efficacy") as log:  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    adsl = pd.read_parquet(inp.adsl)
    adqs, adrs, issues, skipped = build_efficacy(
        read_sdtm(inp.sdtm, columns=sdtm_columns), adsl, version=par.sledai_version, windows=make_month_windows(list(par.months)),
        rules=EndpointRules.from_config(dict(par.endpoints)), cut=par.cut)
    write_parquet(adqs, out.adqs)
    write_parquet(adrs, out.adrs)
    write_csv(findings_frame(issues), out.issues)
    Path(out.notes).write_text(json.dumps({"skipped": skipped}, indent=1) + "\n", encoding="utf-8")
    log.info("ADQS %d records, ADRS %d records (%d imputed)", len(adqs), len(adrs),
             int((adrs["DTYPE"] == "NRI").sum()) if len(adrs) else 0)
