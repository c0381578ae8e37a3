"""Rule tables_safety: Tables 14.3.1-14.3.9 and listings 16.2.7.1-16.2.7.2."""
from pathlib import Path

import pandas as pd

from cartrial.ard import read_ard
from cartrial.io import job_log
from cartrial.tables import safety as T
from cartrial.tables.display import write_table

with job_log(snakemake.log[0], "tables_safety"):  # noqa: F821
    inp, out = snakemake.input, snakemake.output  # noqa: F821
    folder = Path(out.tables[0]).parent
    adae = pd.read_parquet(inp.adae)
    src = "ADAE; ard/{}.csv (rule ard_safety)"
    soc = read_ard(inp.ae_by_soc_pt)
    tables = [
        T.build_overview_table(read_ard(inp.safety_overview), source=src.format("safety_overview")),
        T.build_soc_pt_table(soc, table_id="t14_3_2_teae_soc_pt", number="14.3.2",
                             title="Treatment-emergent adverse events by system organ class and preferred term",
                             source=src.format("ae_by_soc_pt")),
        T.build_pt_grade_table(read_ard(inp.ae_by_pt_grade), source=src.format("ae_by_pt_grade")),
        T.build_syndrome_table(read_ard(inp.syndromes), source="ADAE, CM; ard/syndromes.csv (rule ard_safety)"),
        T.build_soc_pt_table(soc, table_id="t14_3_5_infections", number="14.3.5",
                             title="Treatment-emergent infections by preferred term", source=src.format("ae_by_soc_pt"),
                             socs=["Infections and infestations"]),
        T.build_soc_pt_table(read_ard(inp.ae_lymphodepletion), table_id="t14_3_6_lymphodepletion",
                             number="14.3.6", title="Adverse events during lymphodepletion (before infusion)",
                             source=src.format("ae_lymphodepletion"),
                             notes=["Events starting on or after the first lymphodepletion dose and before the "
                                    "CAR-T infusion; not treatment-emergent."]),
        T.build_lab_shift_table(read_ard(inp.lab_shift), source="ADLB; ard/lab_shift.csv (rule ard_safety)"),
        T.build_icaht_table(read_ard(inp.icaht), source="ADLB; ard/icaht.csv (rule ard_safety)"),
        T.build_monitoring_table(read_ard(inp.monitoring), source="ADAE, ADRS; ard/monitoring.csv (rule ard_safety)",
                                 analysis_type=snakemake.params.analysis_type),  # noqa: F821
        T.build_ae_listing(adae, table_id="l16_2_7_1_ae_listing", number="16.2.7.1", title="Listing of adverse events",
                           source="ADAE (rule tables_safety)"),
        T.build_ae_listing(adae[(adae["AESER"] == "Y") | (adae["FATALFL"] == "Y")], table_id="l16_2_7_2_sae_death_listing",
                           number="16.2.7.2", title="Listing of serious and fatal adverse events",
                           source="ADAE (rule tables_safety)"),
    ]
    for table in tables:
        write_table(table, folder / table.id)
