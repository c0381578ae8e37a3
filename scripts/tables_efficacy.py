"""Rule tables_efficacy: Tables 14.2.1-14.2.5 from the efficacy ARDs."""
from pathlib import Path

from cartrial.ard import read_ard
from cartrial.endpoints.rules import EndpointRules
from cartrial.io import job_log
from cartrial.tables import efficacy as T
from cartrial.tables.display import write_table

with job_log(snakemake.log[0], "tables_efficacy"):  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    folder = Path(out.tables[0]).parent
    rates = read_ard(inp.rates)
    bign = T.population_n(read_ard(inp.populations), "EFFFL")
    src = "ADRS; ard/{} (rule ard_efficacy)"
    renal_upcr = EndpointRules.from_config(dict(par.endpoints)).renal_population_upcr
    tables = [
        T.build_primary_table(rates, paramcd=par.primary["paramcd"], visits=list(par.primary["visits"]),
                              source=src.format("response_rates.csv"), bign=bign),
        T.build_response_table(rates, number="14.2.2", table_id="t14_2_2_response_rates",
                               title="Response rates by visit (non-responder imputation)",
                               source=src.format("response_rates.csv"), bign=bign, renal_upcr=renal_upcr),
        T.build_response_table(read_ard(inp.rates_oc), number="14.2.3", table_id="t14_2_3_response_rates_oc",
                               title="Response rates by visit (observed cases, sensitivity)",
                               source=src.format("response_rates_oc.csv"), observed=True, bign=bign,
                               renal_upcr=renal_upcr),
        T.build_difference_table(read_ard(inp.differences), source=src.format("response_differences.csv"),
                                 bign=bign),
        T.build_change_table(read_ard(inp.change), source="ADQS; ard/change_from_baseline.csv (rule ard_efficacy)",
                             bign=bign),
    ]
    for table in tables:
        write_table(table, folder / table.id)
