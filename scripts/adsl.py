"""Rule adsl: build ADSL from the cut SDTM domains."""
from cartrial.adam.adsl import build_adsl, sdtm_columns
from cartrial.io import job_log, read_sdtm, write_parquet

with job_log(snakemake.log[0], "adsl") as log:  # noqa: F821
    domains = read_sdtm(snakemake.input.sdtm, columns=sdtm_columns)  # noqa: F821
    adsl = build_adsl(domains, cut=snakemake.params.cut, sledai_version=snakemake.params.sledai_version,  # noqa: F821
                      age_breaks=list(snakemake.params.age_breaks),  # noqa: F821
                      monitoring=dict(snakemake.params.monitoring))  # noqa: F821
    write_parquet(adsl, snakemake.output.parquet)  # noqa: F821
    log.info("ADSL: %d subjects, %d infused", len(adsl), int((adsl["SAFFL"] == "Y").sum()))
