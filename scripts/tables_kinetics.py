"""Rule tables_kinetics: Tables 14.4.1-14.4.4."""
from pathlib import Path

from cartrial.ard import read_ard
from cartrial.io import job_log
from cartrial.tables import kinetics as T
from cartrial.tables.display import write_table
from cartrial.tables.efficacy import population_n

with job_log(snakemake.log[0], "tables_kinetics"):  # noqa: F821
    inp, out = snakemake.input, snakemake.output  # noqa: F821
    folder = Path(out.tables[0]).parent
    kin = read_ard(inp.kinetics)
    tables = [
        T.build_kinetic_table(kin, source="ADPP; ard/kinetics.csv (rule ard_kinetics)",
                              bign=population_n(read_ard(inp.populations), "SAFFL"),
                              auc_end=snakemake.params.kinetics["auc_interval_days"]),  # noqa: F821
        T.build_persistence_table(kin, source="ADPP; ard/kinetics.csv (rule ard_kinetics)"),
        T.build_cytokine_table(read_ard(inp.cytokines), source="ADLB, ADAE; ard/cytokines.csv (rule ard_kinetics)"),
        T.build_bcell_table(read_ard(inp.bcells), source="ADLB; ard/bcells.csv (rule ard_kinetics)"),
    ]
    for table in tables:
        write_table(table, folder / table.id)
