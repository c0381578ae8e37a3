"""Rule read: read, check against the contract, normalise and unit-convert every SDTM domain of a study, once per
study and file content (no data cut; cartrial.sdtm.readstudy), and check the study folder."""
from cartrial.worker import run_in_worker

run_in_worker(snakemake)  # noqa: F821  (a local run's jobs run in its warm job server: cartrial/worker.py)

from cartrial.io import job_log
from cartrial.sdtm.readstudy import read_study

with job_log(snakemake.log[0], "read") as log:  # noqa: F821
    out, par = snakemake.output, snakemake.params  # noqa: F821
    outputs = {d: (frame, meta) for d, frame, meta in zip(par.domains, out.frames, out.meta)}
    done = read_study(par.folder, list(par.domains), outputs=outputs, cache=par.cache, checks=par.checks,
                      studyid=par.studyid, code=par.code, workers=snakemake.threads)  # noqa: F821
    log.info("read: %s; from the cache: %s", ", ".join(d for d, how in done.items() if how == "read") or "none",
             ", ".join(d for d, how in done.items() if how == "cached") or "none")
