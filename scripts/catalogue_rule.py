"""Rules tables_<layer> and figures_<layer>: the outputs the catalogue (cartrial/catalogue.yaml) assigns to the
rule, built by the builders of cartrial/tables/<layer>.py or cartrial/figures/<layer>.py."""
import importlib

from cartrial.io import job_log
from cartrial.produce import run_rule

rule = snakemake.rule  # noqa: F821
with job_log(snakemake.log[0], rule):  # noqa: F821
    kind, layer = rule.split("_", 1)
    run_rule(snakemake, rule, importlib.import_module(f"cartrial.{kind}.{layer}"))  # noqa: F821
