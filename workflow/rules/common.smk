from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from cartrial.config import check_config, dates_to_text, default_scenarios
from cartrial.catalogue import load_catalogue
from cartrial.config import SHARED_SECTIONS
from cartrial.outputs import FORMATS
from cartrial.schedule import adam_processes, data_size_mb, job_processes, machine_memory_mb, processes, \
    priority as scheduling_priority
from cartrial.sdtm.contract import DOMAINS

config.update(dates_to_text(dict(config)))
try:
    validate(config, "../schemas/config.schema.yaml", set_default=True)
except WorkflowError as _err:
    # Snakemake prints the whole schema; say only where the config breaks which rule.
    _cause = _err.__cause__ or _err.__context__
    if _cause is None or not hasattr(_cause, "absolute_path"):
        raise
    _where = ".".join(str(p) for p in _cause.absolute_path) or "(top level)"
    raise WorkflowError(f"config.yaml, key {_where}: {_cause.message}") from None
_problems = check_config(config, root=".")
for _study, _settings in config["studies"].items():
    try:  # the study's changes to the catalogue of outputs resolve (known outputs and sections, unique numbers)
        load_catalogue().with_overrides(_settings.get("outputs"))
    except ValueError as _err:
        _problems.append(f"studies.{_study}.{_err}")
if _problems:
    raise WorkflowError("config.yaml: " + "; ".join(_problems))

STUDIES = config["studies"]


def code_hash(script_name, builders=None):
    """The hash of the code a job runs (its script and the cartrial modules it imports, cartrial.codehash):
    a rule's params change when that code does, so Snakemake reruns exactly the jobs whose code changed, and
    what depends on their outputs. ``builders``: a catalogue rule (tables, figures) whose builder modules
    (cartrial/<kind>/<layer>.py) the generic script imports by name."""
    from cartrial.codehash import PACKAGE, code_hash as _hash

    extra = []
    if builders is not None:
        extra = [PACKAGE.joinpath(*m.split(".")[1:]).with_suffix(".py") for m in CATALOGUE.modules(builders)]
    return _hash(Path(workflow.basedir) / "scripts" / f"{script_name}.py", *extra)
SDTM_DOMAINS = sorted(d.lower() for d in DOMAINS)
SDTM_ORDER = ["dm"] + [d for d in SDTM_DOMAINS if d != "dm"]  # the order of data_issues.csv and reconciliation.csv
# the cut SDTM domains ADSL reads (last contact date: every dated record) and those ADQS/ADRS read
ADSL_DOMAINS = SDTM_DOMAINS
EFFICACY_DOMAINS = ["cm", "lb", "rs", "vs"]
XPT_DATASETS = ["adsl", "adqs", "adrs", "adtte", "adae", "adlb", "adcm", "advs", "adpc", "adpp", "adcp"]
CATALOGUE = load_catalogue()
ARD_FILES = CATALOGUE.ards()


wildcard_constraints:
    study="[A-Za-z0-9][A-Za-z0-9_.-]*",
    analysis="[A-Za-z0-9][A-Za-z0-9_.-]*",


def all_reports():
    """Every configured analysis of every study."""
    return [
        f"results/{study}/{analysis}/{target}"
        for study, settings in STUDIES.items()
        for analysis in settings["analyses"]
        for target in ["report.pdf"] + [f"adam/{name}.{ext}" for name in XPT_DATASETS for ext in ("xpt", "json")]
    ]


def previous_analysis(wildcards):
    """The analysis of the same study with the latest cut before this one (None for the first)."""
    analyses = STUDIES[wildcards.study]["analyses"]
    cut = analyses[wildcards.analysis]["cut"]
    earlier = [(spec["cut"], name) for name, spec in analyses.items() if spec["cut"] < cut]
    return max(earlier)[1] if earlier else None


def comparison_inputs(wildcards):
    """ADaM of the previous analysis for the data-cut comparison appendix (none for the first cut)."""
    prev = previous_analysis(wildcards)
    if prev is None:
        return []
    return [f"results/{wildcards.study}/{prev}/adam/{name}.parquet" for name in ("adsl", "adae", "adrs")]


def study_files(wildcards):
    """The input tables of a study: every CSV, XPT or Parquet file in its folder."""
    folder = Path(STUDIES[wildcards.study]["data"])
    return sorted(str(p) for p in folder.iterdir() if p.suffix.lower() in FORMATS)


def study_value(key):
    return lambda wildcards: STUDIES[wildcards.study][key]


def analysis_value(key):
    return lambda wildcards: STUDIES[wildcards.study]["analyses"][wildcards.analysis][key]


STUDY_CATALOGUES = {study: CATALOGUE.with_overrides(settings.get("outputs")) for study, settings in STUDIES.items()}


analysis_type = analysis_value("type")


STUDY_DATA_MB = {study: data_size_mb(settings["data"]) for study, settings in STUDIES.items()}


def job_priority(rule_name):
    """A job's scheduling priority: the longest chain of work still ahead of it (cartrial.schedule), so the
    longest report's chain starts first. A job without an analysis (read, oc) feeds every analysis of its study."""

    def of(wildcards):
        analyses = STUDIES[wildcards.study]["analyses"]
        names = [wildcards.analysis] if hasattr(wildcards, "analysis") else list(analyses)
        return scheduling_priority(rule_name, [analyses[name]["type"] for name in names], STUDY_DATA_MB[wildcards.study])

    return of


MEMORY_MB = machine_memory_mb()


def study_threads(wildcards):
    """Processes (threads) for the read, ingest, ADaM and ARD jobs of a study: two for a large study whose two
    processes fit the machine's memory, one otherwise (cartrial.schedule.processes). The tables, figures and
    export that follow take one each and run side by side."""
    return processes(STUDY_DATA_MB[wildcards.study], MEMORY_MB)


def job_threads(rule_name):
    """Processes for a study's read or ingest job: as study_threads, with that job's own memory per process (the
    ingest holds only the columns its data cut and checks read as Python objects: cartrial.schedule.job_processes)."""

    def of(wildcards):
        return job_processes(rule_name, STUDY_DATA_MB[wildcards.study], MEMORY_MB)

    return of


def adam_threads(wildcards):
    """Processes for the ADaM job: as study_threads, but a study built in slices of subjects needs the memory
    of a slice in each (cartrial.schedule.adam_processes)."""
    return adam_processes(STUDY_DATA_MB[wildcards.study], MEMORY_MB)


def catalogue_variants(rule_name):
    """The Snakemake rules that build one catalogue rule (tables, figures), one per set of outputs. An analysis
    builds the outputs its type of report may show (an interim analysis not the final-only ones). Each is
    (name, files, study constraint, analysis constraint): the rule ``rule_name`` for the final analyses and
    ``<rule_name>_interim`` for the interim ones; a study whose configuration changes which outputs an
    analysis type holds gets rules of its own. The analysis constraint names each study's analyses: a
    lookbehind on the study's folder (``/<study>/``) before each study's alternatives."""
    import re

    groups = {}
    for study, settings in STUDIES.items():
        for analysis, spec in settings["analyses"].items():
            files = tuple(STUDY_CATALOGUES[study].files(rule_name, analysis_type=spec["type"]))
            if files:
                groups.setdefault((spec["type"], files), {}).setdefault(study, []).append(analysis)
    variants = []
    for (kind, files), by_study in groups.items():
        name = rule_name if kind == "final" else f"{rule_name}_interim"
        if sum(1 for other, _ in groups if other == kind) > 1:
            name += "_" + "_".join(re.sub(r"\W", "_", s) for s in by_study)
        studies = "|".join(re.escape(s) for s in by_study)
        analyses = "|".join(f"(?<=/{re.escape(s)}/)(?:{'|'.join(re.escape(a) for a in names)})"
                            for s, names in by_study.items())
        variants.append((name, files, studies, analyses))
    return variants


def catalogue_inputs(rule_name):
    """Input function of a table or figure rule: the ARDs and ADaM datasets its outputs for the analysis
    read."""

    def inputs(wildcards):
        ards, adam = STUDY_CATALOGUES[wildcards.study].inputs(rule_name, analysis_type(wildcards))
        base = f"results/{wildcards.study}/{wildcards.analysis}"
        return {**{a: f"{base}/ard/{a}.csv" for a in ards}, **{d: f"{base}/adam/{d}.parquet" for d in adam}}

    return inputs


def catalogue_files(kinds=("table", "listing", "figure")):
    """Input function: the files of the catalogue outputs the analysis builds."""

    def files(wildcards):
        built = STUDY_CATALOGUES[wildcards.study].files(None, kinds, analysis_type(wildcards))
        return [f"results/{wildcards.study}/{wildcards.analysis}/{f}" for f in built]

    return files


def shared_config(wildcards):
    """The settings shared by every study (report, endpoints, km, kinetics, time_to_event)."""
    return {key: config[key] for key in SHARED_SECTIONS}


def _own_analyses(wildcards, previous=False):
    """The study's settings with only this analysis (and the one before it) under ``analyses``: a new data cut
    of the study changes no earlier analysis's parameters, so it reruns none of its jobs."""
    analyses = STUDIES[wildcards.study]["analyses"]
    names = [wildcards.analysis] + ([previous_analysis(wildcards)] if previous else [])
    return {**STUDIES[wildcards.study], "analyses": {n: analyses[n] for n in analyses if n in names}}


def study_config(wildcards):
    """The study's settings for a table or figure job (its own analysis only)."""
    return _own_analyses(wildcards)


def report_config(wildcards):
    """The study's settings for the report: its own analysis and the previous one (the data-cut comparison)."""
    return _own_analyses(wildcards, previous=True)


def effective_config(wildcards):
    """Every setting that shaped this analysis, defaults filled in (provenance.json: effective_config)."""
    from cartrial.config import effective_config as build

    return build({**config, "studies": {wildcards.study: report_config(wildcards)}}, wildcards.study)


def job_memory_mb(wildcards, input, attempt):
    """Memory a job asks a scheduler for: 1 GB plus 40x its (compressed, Parquet) inputs, doubled per retry."""
    return int((1000 + 40 * input.size_mb) * 2 ** (attempt - 1))


def job_runtime_min(wildcards, input, attempt):
    """Wall-clock minutes a job asks a scheduler for: 15 plus 1 per 10 MB of input, doubled per retry."""
    return int((15 + input.size_mb / 10) * 2 ** (attempt - 1))


def oc_settings(wildcards):
    """Everything the operating-characteristics simulation of a study needs (scenarios filled in)."""
    safety = STUDIES[wildcards.study]["safety"]
    oc = dict(safety["operating_characteristics"])
    monitoring, efficacy = dict(safety["monitoring"]), dict(safety["efficacy_monitoring"])
    oc["scenarios"] = oc["scenarios"] or default_scenarios(threshold=monitoring["threshold"], p0=efficacy["p0"])
    return {"oc": oc, "planned_n": safety["planned_n"], "safety": monitoring, "efficacy": efficacy}
