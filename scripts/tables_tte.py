"""Rule tables_tte: Table 14.2.6."""
from pathlib import Path

from cartrial.ard import read_ard
from cartrial.io import job_log
from cartrial.tables.efficacy import population_n
from cartrial.tables.tte import build_tte_table
from cartrial.tables.display import write_table

with job_log(snakemake.log[0], "tables_tte"):  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    table = build_tte_table(read_ard(inp.tte), bign=population_n(read_ard(inp.populations), "SAFFL"),
                            conf_type=par.km["conf_type"], landmark_months=list(par.km["landmark_months"]),
                            source="ADTTE; ard/time_to_event.csv (rule ard_tte)")
    write_table(table, Path(out.tables[0]).with_suffix(""))
