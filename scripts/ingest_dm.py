"""Rule ingest_dm: check the study folder, read, check and cut DM; list every DM subject for the other domains."""
from cartrial.io import job_log, write_domain_audit, write_parquet
from cartrial.sdtm.checks import DataChecks
from cartrial.sdtm.ingest import check_folder, ingest_dm

with job_log(snakemake.log[0], "ingest_dm") as log:  # noqa: F821
    out, par = snakemake.output, snakemake.params  # noqa: F821
    result, subjects = ingest_dm(check_folder(par.folder), cut=par.cut, settings=DataChecks.from_config(par.checks),
                                 studyid=par.studyid, folder=par.folder)
    write_domain_audit(result, "DM", sdtm=out.sdtm, issues=out.issues, reconciliation=out.reconciliation)
    write_parquet(subjects, out.subjects)
    log.info("DM: %d subjects, %d in the cut, %d data issues", len(subjects), int(subjects["ENROLLED"].sum()),
             len(result.issues))
