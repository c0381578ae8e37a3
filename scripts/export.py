"""Rule export: the ADaM datasets of one analysis as XPT v5 and Dataset-JSON v1.1 (each dataset read once,
largest first, in the rule's threads), and their define.xml."""
from cartrial.worker import run_in_worker

run_in_worker(snakemake)  # noqa: F821  (a local run's jobs run in its warm job server: cartrial/worker.py)

import os

from cartrial.adam.define import write_define
from cartrial.adam.export import export_datasets
from cartrial.adam.methods import derivation_methods
from cartrial.dates import report_timestamp
from cartrial.io import job_log

with job_log(snakemake.log[0], "export") as log:  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    stamp = report_timestamp(os.environ.get("SOURCE_DATE_EPOCH"), cut=par.cut)
    jobs = list(zip(inp.parquet, out.xpt, out.json))
    described = export_datasets(jobs, study=par.study, timestamp=stamp, workers=snakemake.threads)  # noqa: F821
    write_define(described, out.define, study=par.study, description=par.title, created=stamp,
                 methods=derivation_methods(dict(par.kinetics)))
    log.info("%d datasets as XPT and Dataset-JSON in %d process(es), define.xml", len(jobs),
             snakemake.threads)  # noqa: F821
