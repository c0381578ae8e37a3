"""Rule tables_baseline: Tables 14.1.1 and 14.1.2 from their ARDs."""
from pathlib import Path

from cartrial.ard import read_ard
from cartrial.io import job_log
from cartrial.tables.baseline import build_baseline_table, build_disposition_table
from cartrial.tables.display import write_table

with job_log(snakemake.log[0], "tables_baseline"):  # noqa: F821
    out, inp = snakemake.output, snakemake.input  # noqa: F821
    disp = build_disposition_table(read_ard(inp.disposition), source="ADSL; ard/disposition.csv (rule ard_baseline)")
    write_table(disp, Path(out.disposition[0]).with_suffix(""))
    demo = build_baseline_table(read_ard(inp.demographics), source="ADSL; ard/demographics.csv (rule ard_baseline)")
    write_table(demo, Path(out.demographics[0]).with_suffix(""))
