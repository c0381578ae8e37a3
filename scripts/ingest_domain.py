"""Rule ingest_domain: read, check, convert units and cut one SDTM domain (other than DM)."""
import pandas as pd

from cartrial.io import job_log, write_domain_audit
from cartrial.sdtm.checks import DataChecks
from cartrial.sdtm.ingest import ingest_domain
from cartrial.sdtm.readers import find_domain_files

with job_log(snakemake.log[0], f"ingest_{snakemake.wildcards.domain}") as log:  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    domain = par.domain
    context = {name.upper(): pd.read_parquet(path) for name, path in zip(("dm", "ex"), inp.context)}
    result = ingest_domain(domain, find_domain_files(par.folder), cut=par.cut,
                           subjects=pd.read_parquet(inp.subjects), context=context,
                           settings=DataChecks.from_config(par.checks), studyid=par.studyid)
    write_domain_audit(result, domain, sdtm=out.sdtm, issues=out.issues, reconciliation=out.reconciliation)
    log.info("%s: %s records kept, %d data issues", domain,
             "no file" if result.frame is None else len(result.frame), len(result.issues))
