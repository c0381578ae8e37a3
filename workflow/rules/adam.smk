rule adsl:
    """ADSL: populations, key dates, disposition, baseline characteristics."""
    input:
        sdtm=expand("results/{{study}}/{{analysis}}/sdtm/{domain}.parquet", domain=ADSL_DOMAINS),
    output:
        parquet="results/{study}/{analysis}/adam/adsl.parquet",
    params:
        code=code_hash("adsl"),
        cut=analysis_value("cut"),
        sledai_version=study_value("sledai_version"),
        age_breaks=study_value("age_breaks"),
        monitoring=lambda wc: STUDIES[wc.study]["safety"]["monitoring"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/adsl.tsv"
    log:
        "logs/{study}/{analysis}/adsl.log",
    script:
        "../../scripts/adsl.py"


rule adam_efficacy:
    """ADQS (disease activity by visit) and ADRS (responder flags by visit, NRI)."""
    input:
        sdtm=expand("results/{{study}}/{{analysis}}/sdtm/{domain}.parquet", domain=EFFICACY_DOMAINS),
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
    output:
        adqs="results/{study}/{analysis}/adam/adqs.parquet",
        adrs="results/{study}/{analysis}/adam/adrs.parquet",
        issues="results/{study}/{analysis}/adam/efficacy_issues.csv",
        notes="results/{study}/{analysis}/adam/efficacy_notes.json",
    params:
        code=code_hash("adam_efficacy"),
        cut=analysis_value("cut"),
        sledai_version=study_value("sledai_version"),
        months=lambda wc: STUDIES[wc.study]["efficacy"]["months"],
        endpoints=config["endpoints"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/adam_efficacy.tsv"
    log:
        "logs/{study}/{analysis}/adam_efficacy.log",
    script:
        "../../scripts/adam_efficacy.py"


rule adam_safety:
    """ADAE (dates, TEAE, grades, AESI, CAR-T syndromes), ADLB (every laboratory parameter; CTCAE grades of
    cytopenias, ICAHT), ADCM (medications with CRS-therapy, rescue and glucocorticoid flags) and ADVS."""
    input:
        ae="results/{study}/{analysis}/sdtm/ae.parquet",
        lb="results/{study}/{analysis}/sdtm/lb.parquet",
        cm="results/{study}/{analysis}/sdtm/cm.parquet",
        vs="results/{study}/{analysis}/sdtm/vs.parquet",
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
    output:
        adae="results/{study}/{analysis}/adam/adae.parquet",
        adlb="results/{study}/{analysis}/adam/adlb.parquet",
        adcm="results/{study}/{analysis}/adam/adcm.parquet",
        advs="results/{study}/{analysis}/adam/advs.parquet",
        icaht="results/{study}/{analysis}/adam/adcyto.parquet",
    params:
        code=code_hash("adam_safety"),
        cut=analysis_value("cut"),
        safety=lambda wc: STUDIES[wc.study]["safety"],
        endpoints=config["endpoints"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/adam_safety.tsv"
    log:
        "logs/{study}/{analysis}/adam_safety.log",
    script:
        "../../scripts/adam_safety.py"


rule adam_tte:
    """ADTTE from the declarative event and censoring sources of config time_to_event, and the time to B-cell
    recovery from ADLB."""
    input:
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
        adrs="results/{study}/{analysis}/adam/adrs.parquet",
        adlb="results/{study}/{analysis}/adam/adlb.parquet",
    output:
        adtte="results/{study}/{analysis}/adam/adtte.parquet",
        notes="results/{study}/{analysis}/adam/tte_notes.json",
    params:
        code=code_hash("adam_tte"),
        specs=config["time_to_event"],
        kinetics=config["kinetics"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/adam_tte.tsv"
    log:
        "logs/{study}/{analysis}/adam_tte.log",
    script:
        "../../scripts/adam_tte.py"


rule adam_kinetics:
    """ADPC (kinetic samples), ADPP (non-compartmental parameters) and ADCP (CAR-T cell phenotype)."""
    input:
        pc="results/{study}/{analysis}/sdtm/pc.parquet",
        cp="results/{study}/{analysis}/sdtm/cp.parquet",
        ex="results/{study}/{analysis}/sdtm/ex.parquet",
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
    output:
        adpc="results/{study}/{analysis}/adam/adpc.parquet",
        adpp="results/{study}/{analysis}/adam/adpp.parquet",
        adcp="results/{study}/{analysis}/adam/adcp.parquet",
    params:
        code=code_hash("adam_kinetics"),
        kinetics=config["kinetics"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/adam_kinetics.tsv"
    log:
        "logs/{study}/{analysis}/adam_kinetics.log",
    script:
        "../../scripts/adam_kinetics.py"


rule export_xpt:
    """ADaM datasets as SAS transport v5 files with dataset and variable labels, and their Define-XML 2.1
    (one job per analysis)."""
    input:
        parquet=expand("results/{{study}}/{{analysis}}/adam/{dataset}.parquet", dataset=XPT_DATASETS),
    output:
        xpt=expand("results/{{study}}/{{analysis}}/adam/{dataset}.xpt", dataset=XPT_DATASETS),
        define="results/{study}/{analysis}/adam/define.xml",
    params:
        code=code_hash("export_xpt"),
        cut=analysis_value("cut"),
        study=lambda wc: STUDIES[wc.study]["studyid"] or wc.study.upper(),
        title=study_value("title"),
        kinetics=config["kinetics"],
    conda:
        "../envs/cartrial.yaml"
    threads: 2  # two files at a time (forked processes)
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/export_xpt.tsv"
    log:
        "logs/{study}/{analysis}/export_xpt.log",
    script:
        "../../scripts/export_xpt.py"


rule export_json:
    """ADaM datasets as CDISC Dataset-JSON v1.1 (one job per analysis)."""
    input:
        parquet=expand("results/{{study}}/{{analysis}}/adam/{dataset}.parquet", dataset=XPT_DATASETS),
    output:
        json=expand("results/{{study}}/{{analysis}}/adam/{dataset}.json", dataset=XPT_DATASETS),
    params:
        code=code_hash("export_json"),
        cut=analysis_value("cut"),
        study=lambda wc: STUDIES[wc.study]["studyid"] or wc.study.upper(),
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/export_json.tsv"
    log:
        "logs/{study}/{analysis}/export_json.log",
    script:
        "../../scripts/export_json.py"
