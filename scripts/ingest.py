"""Rule ingest: an analysis's data cut applied to every domain of its study as read, the data checks on the
records kept, and the study's data_issues.csv and reconciliation.csv."""
from cartrial.worker import run_in_worker

run_in_worker(snakemake)  # noqa: F821  (a local run's jobs run in its warm job server: cartrial/worker.py)

from pathlib import Path

import pandas as pd

from cartrial.csvsafe import write_csv
from cartrial.io import audit_rows, job_log
from cartrial.sdtm.checks import DataChecks
from cartrial.sdtm.errors import findings_frame
from cartrial.sdtm.ingest import StoredReads, cut_domains, ignored_files, write_cut
from cartrial.sdtm.readers import find_domain_files


with job_log(snakemake.log[0], "ingest") as log:  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    reads = StoredReads({Path(f).stem.upper(): (f, m) for f, m in zip(inp.frames, inp.meta)})
    files = find_domain_files(par.folder)
    targets = {Path(path).stem.upper(): path for path in out.sdtm}
    # each domain is read when its turn comes and written as soon as it is cut: one domain held at a time (in
    # each of the rule's processes)
    results = {r.domain: r for r in cut_domains(reads, cut=par.cut, settings=DataChecks.from_config(par.checks),
                                                sink=lambda r: write_cut(r, targets[r.domain]),
                                                workers=snakemake.threads)}  # noqa: F821
    issues = audit_rows([findings_frame(r.issues) for r in results.values()])
    recon = audit_rows([r.reconciliation for r in results.values()])
    ignored = ignored_files(files, recon)
    if len(ignored):
        recon = pd.concat([recon, ignored.astype(object).fillna("")], ignore_index=True)
    write_csv(issues, out.issues)
    write_csv(recon, out.reconciliation)
    log.info("%d domains cut at %s; %d data issues; %d reconciliation rows", len(results), par.cut,
             len(issues), len(recon))
