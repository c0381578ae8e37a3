"""Rule read_domain: read, check against the contract, normalise and unit-convert one SDTM domain of a study,
once per study and file content (no data cut); DM's job also checks the study folder."""
from cartrial.io import job_log, write_read_domain
from cartrial.sdtm.checks import DataChecks
from cartrial.sdtm.ingest import check_folder, read_checked_domain
from cartrial.sdtm.readers import find_domain_files

with job_log(snakemake.log[0], f"read_{snakemake.wildcards.domain}") as log:  # noqa: F821
    out, par = snakemake.output, snakemake.params  # noqa: F821
    domain = par.domain
    files = check_folder(par.folder) if domain == "DM" else find_domain_files(par.folder)
    read = read_checked_domain(domain, files, settings=DataChecks.from_config(par.checks), studyid=par.studyid,
                               folder=par.folder)
    write_read_domain(read, domain, frame=out.frame, meta=out.meta)
    log.info("%s: %s records read, %d warnings", domain, "no file" if read.frame is None else len(read.frame),
             len(read.warnings))
