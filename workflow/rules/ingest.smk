# One ingest job per SDTM domain, so a changed raw table re-reads only that domain. DM goes first: it
# checks the study folder and lists every DM subject (and whether the subject is in the cut) for the
# referential and data-cut checks of the other domains.


rule ingest_dm:
    """Check the study folder; read, check and cut DM."""
    input:
        files=domain_files("DM"),
    output:
        sdtm="results/{study}/{analysis}/sdtm/dm.parquet",
        subjects="results/{study}/{analysis}/sdtm/audit/subjects.parquet",
        issues="results/{study}/{analysis}/sdtm/audit/dm_issues.csv",
        reconciliation="results/{study}/{analysis}/sdtm/audit/dm_reconciliation.csv",
    params:
        code=code_hash("ingest_dm"),
        folder=study_value("data"),
        cut=analysis_value("cut"),
        checks=study_value("data_checks"),
        studyid=lambda wc: STUDIES[wc.study]["studyid"] or wc.study,
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/ingest_dm.tsv"
    log:
        "logs/{study}/{analysis}/ingest_dm.log",
    script:
        "../../scripts/ingest_dm.py"


rule ingest_domain:
    """Read, check, convert units and cut one domain other than DM."""
    input:
        files=domain_files(),
        subjects="results/{study}/{analysis}/sdtm/audit/subjects.parquet",
        # kinetic samples of subjects never infused are listed: PC needs the cut DM and EX
        context=lambda wc: [f"results/{wc.study}/{wc.analysis}/sdtm/{d}.parquet" for d in ("dm", "ex")] if wc.domain == "pc" else [],
    output:
        sdtm="results/{study}/{analysis}/sdtm/{domain}.parquet",
        issues="results/{study}/{analysis}/sdtm/audit/{domain}_issues.csv",
        reconciliation="results/{study}/{analysis}/sdtm/audit/{domain}_reconciliation.csv",
    wildcard_constraints:
        domain="|".join(d for d in SDTM_DOMAINS if d != "dm"),
    params:
        code=code_hash("ingest_domain"),
        folder=study_value("data"),
        cut=analysis_value("cut"),
        checks=study_value("data_checks"),
        studyid=lambda wc: STUDIES[wc.study]["studyid"] or wc.study,
        domain=lambda wc: wc.domain.upper(),
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/ingest_{domain}.tsv"
    log:
        "logs/{study}/{analysis}/ingest_{domain}.log",
    script:
        "../../scripts/ingest_domain.py"


rule ingest_summary:
    """data_issues.csv and reconciliation.csv of the study: every domain's, and the files no domain took."""
    input:
        files=study_files,
        issues=expand("results/{{study}}/{{analysis}}/sdtm/audit/{domain}_issues.csv", domain=SDTM_ORDER),
        reconciliation=expand("results/{{study}}/{{analysis}}/sdtm/audit/{domain}_reconciliation.csv", domain=SDTM_ORDER),
    output:
        issues="results/{study}/{analysis}/sdtm/data_issues.csv",
        reconciliation="results/{study}/{analysis}/sdtm/reconciliation.csv",
    params:
        code=code_hash("ingest_summary"),
        folder=study_value("data"),
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/ingest_summary.tsv"
    log:
        "logs/{study}/{analysis}/ingest_summary.log",
    script:
        "../../scripts/ingest_summary.py"
