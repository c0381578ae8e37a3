"""Rule ingest_summary: the study's data_issues.csv and reconciliation.csv from its domains' audit files."""
import pandas as pd

from cartrial.csvsafe import write_csv
from cartrial.io import job_log
from cartrial.sdtm.ingest import ignored_files, stack_rows
from cartrial.sdtm.readers import find_domain_files


def _read_all(paths):
    return stack_rows([pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths])


with job_log(snakemake.log[0], "ingest_summary") as log:  # noqa: F821
    inp, out = snakemake.input, snakemake.output  # noqa: F821
    issues = _read_all(inp.issues)
    recon = _read_all(inp.reconciliation)
    ignored = ignored_files(find_domain_files(snakemake.params.folder), recon)  # noqa: F821
    if len(ignored):
        recon = pd.concat([recon, ignored.astype(object).fillna("")], ignore_index=True)
    write_csv(issues, out.issues)
    write_csv(recon, out.reconciliation)
    log.info("%d data issues; %d reconciliation rows", len(issues), len(recon))
