"""Rule ingest: read, check, convert units and cut the SDTM-like tables of one study."""
from pathlib import Path

from cartrial.io import empty_domain, job_log, write_parquet
from cartrial.sdtm.ingest import ingest_study

with job_log(snakemake.log[0], "ingest") as log:  # noqa: F821
    result = ingest_study(snakemake.params.folder, cut=snakemake.params.cut)  # noqa: F821
    for path in snakemake.output.sdtm:  # noqa: F821
        domain = Path(path).stem.upper()
        write_parquet(result.domains.get(domain, empty_domain(domain)), path)
    result.issues.to_csv(snakemake.output.issues, index=False, lineterminator="\n")  # noqa: F821
    result.reconciliation.to_csv(snakemake.output.reconciliation, index=False, lineterminator="\n")  # noqa: F821
    log.info("%d domains read, %d data issues", len(result.domains), len(result.issues))
