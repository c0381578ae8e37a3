rule adsl:
    """ADSL: populations, key dates, disposition, baseline characteristics."""
    input:
        sdtm=expand("results/{{study}}/{{analysis}}/sdtm/{domain}.parquet", domain=SDTM_DOMAINS),
    output:
        parquet="results/{study}/{analysis}/adam/adsl.parquet",
    params:
        cut=analysis_value("cut"),
        sledai_version=study_value("sledai_version"),
        age_breaks=study_value("age_breaks"),
    conda:
        "../envs/cartrial.yaml"
    log:
        "logs/{study}/{analysis}/adsl.log",
    script:
        "../../scripts/adsl.py"
