# Ingest in two stages, so that a new data cut re-reads nothing and a changed raw table re-reads only itself:
# read reads, checks, normalises and unit-converts every domain of a study, once per study and file content (a
# cache of each domain as read, by the SHA-256 of its files: a changed table re-reads only its domain; it knows
# no cut); ingest applies one analysis's cut to every domain so read, runs the data checks on the records kept
# and writes the analysis's data_issues.csv and reconciliation.csv.
rule read:
    """Read, check against the contract, normalise and unit-convert every domain of a study (and check the study
    folder); domains whose files, code and settings are unchanged come from the cache."""
    input:
        files=study_files,
    output:
        frames=expand("results/{{study}}/read/{domain}.parquet", domain=SDTM_ORDER),
        meta=expand("results/{{study}}/read/{domain}.json", domain=SDTM_ORDER),
    params:
        code=code_hash("read"),
        folder=study_value("data"),
        checks=study_value("data_checks"),
        studyid=lambda wc: STUDIES[wc.study]["studyid"] or wc.study,
        domains=[d.upper() for d in SDTM_ORDER],
        cache=lambda wc: f"results/{wc.study}/read/cache",
    conda:
        "../envs/cartrial.yaml"
    threads: job_threads("read")  # domains read two at a time in a large study
    priority: job_priority("read")
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    log:
        "logs/{study}/read/read.log",
    script:
        "../../scripts/read.py"


rule ingest:
    """Apply the analysis's data cut to every domain as read, run the data checks, and list the data issues and
    the reconciliation of records of the study."""
    input:
        frames=expand("results/{{study}}/read/{domain}.parquet", domain=SDTM_ORDER),
        meta=expand("results/{{study}}/read/{domain}.json", domain=SDTM_ORDER),
        files=study_files,
    output:
        sdtm=expand("results/{{study}}/{{analysis}}/sdtm/{domain}.parquet", domain=SDTM_ORDER),
        issues="results/{study}/{analysis}/sdtm/data_issues.csv",
        reconciliation="results/{study}/{analysis}/sdtm/reconciliation.csv",
    params:
        code=code_hash("ingest"),
        folder=study_value("data"),
        cut=analysis_value("cut"),
        checks=study_value("data_checks"),
    conda:
        "../envs/cartrial.yaml"
    threads: job_threads("ingest")  # domains cut two at a time in a large study
    priority: job_priority("ingest")
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    log:
        "logs/{study}/{analysis}/ingest.log",
    script:
        "../../scripts/ingest.py"
