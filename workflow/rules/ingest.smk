rule ingest:
    """Read, check, convert units and apply the data cut."""
    input:
        study_files,
    output:
        sdtm=expand("results/{{study}}/{{analysis}}/sdtm/{domain}.parquet", domain=SDTM_DOMAINS),
        issues="results/{study}/{analysis}/sdtm/data_issues.csv",
        reconciliation="results/{study}/{analysis}/sdtm/reconciliation.csv",
    params:
        library=LIBRARY_HASH,
        folder=study_value("data"),
        cut=analysis_value("cut"),
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/ingest.tsv"
    log:
        "logs/{study}/{analysis}/ingest.log",
    script:
        "../../scripts/ingest.py"
