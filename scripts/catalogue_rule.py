"""Rules tables and figures: the outputs the catalogue (cartrial/catalogue.yaml) assigns to the rule, each
built by its builder (cartrial/tables/<layer>.py or cartrial/figures/<layer>.py)."""
from cartrial.worker import run_in_worker

run_in_worker(snakemake)  # noqa: F821  (a local run's jobs run in its warm job server: cartrial/worker.py)

from cartrial.io import job_log
from cartrial.produce import run_rule

with job_log(snakemake.log[0], snakemake.params.catalogue_rule):  # noqa: F821
    run_rule(snakemake, snakemake.params.catalogue_rule, workers=snakemake.threads)  # noqa: F821
