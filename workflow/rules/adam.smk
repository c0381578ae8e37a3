rule adam:
    """Every ADaM dataset of the analysis: ADSL (populations, key dates, disposition, baseline), ADQS and ADRS
    (disease activity and responder flags by visit window, NRI), ADAE, ADLB, ADCM, ADVS and the cytopenia
    dataset, ADTTE, ADPC, ADPP and ADCP. One job: ADSL reads every domain, so no step could be cached apart."""
    input:
        sdtm=expand("results/{{study}}/{{analysis}}/sdtm/{domain}.parquet", domain=ADSL_DOMAINS),
        efficacy=expand("results/{{study}}/{{analysis}}/sdtm/{domain}.parquet", domain=EFFICACY_DOMAINS),
        **{d: f"results/{{study}}/{{analysis}}/sdtm/{d}.parquet" for d in ("ae", "lb", "cm", "vs", "pc", "cp", "ex")},
    output:
        **{d: f"results/{{study}}/{{analysis}}/adam/{d}.parquet" for d in XPT_DATASETS},
        icaht="results/{study}/{analysis}/adam/adcyto.parquet",
        efficacy_issues="results/{study}/{analysis}/adam/efficacy_issues.csv",
        efficacy_notes="results/{study}/{analysis}/adam/efficacy_notes.json",
        tte_notes="results/{study}/{analysis}/adam/tte_notes.json",
    params:
        code=code_hash("adam"),
        cut=analysis_value("cut"),
        sledai_version=study_value("sledai_version"),
        age_breaks=study_value("age_breaks"),
        months=lambda wc: STUDIES[wc.study]["efficacy"]["months"],
        safety=lambda wc: STUDIES[wc.study]["safety"],
        endpoints=config["endpoints"],
        tte_specs=config["time_to_event"],
        kinetics=config["kinetics"],
    conda:
        "../envs/cartrial.yaml"
    threads: adam_threads  # groups of datasets two at a time in a large study (scripts/adam.py)
    priority: job_priority("adam")
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    log:
        "logs/{study}/{analysis}/adam.log",
    script:
        "../../scripts/adam.py"


rule export:
    """The ADaM datasets as SAS transport v5 files (dataset and variable labels; largest first; with two threads,
    two at a time in forked processes) with their Define-XML 2.1, and as CDISC Dataset-JSON v1.1: one job per
    analysis."""
    input:
        parquet=expand("results/{{study}}/{{analysis}}/adam/{dataset}.parquet", dataset=XPT_DATASETS),
    output:
        xpt=expand("results/{{study}}/{{analysis}}/adam/{dataset}.xpt", dataset=XPT_DATASETS),
        define="results/{study}/{analysis}/adam/define.xml",
        json=expand("results/{{study}}/{{analysis}}/adam/{dataset}.json", dataset=XPT_DATASETS),
    params:
        code=code_hash("export"),
        cut=analysis_value("cut"),
        study=lambda wc: STUDIES[wc.study]["studyid"] or wc.study.upper(),
        title=study_value("title"),
        kinetics=config["kinetics"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1  # beside the tables and figures (cartrial.schedule); --set-threads export=2: two datasets at a time
    priority: job_priority("export")
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    log:
        "logs/{study}/{analysis}/export.log",
    script:
        "../../scripts/export.py"
