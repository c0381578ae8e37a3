rule ard_baseline:
    """Disposition and baseline characteristics as ARDs."""
    input:
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
    output:
        disposition="results/{study}/{analysis}/ard/disposition.csv",
        demographics="results/{study}/{analysis}/ard/demographics.csv",
    params:
        arm_order=study_value("arm_order"),
    conda:
        "../envs/cartrial.yaml"
    log:
        "logs/{study}/{analysis}/ard_baseline.log",
    script:
        "../../scripts/ard_baseline.py"


rule tables_baseline:
    """Tables 14.1.1 (disposition) and 14.1.2 (demographics) from their ARDs."""
    input:
        disposition="results/{study}/{analysis}/ard/disposition.csv",
        demographics="results/{study}/{analysis}/ard/demographics.csv",
    output:
        disposition=multiext("results/{study}/{analysis}/tables/t14_1_1_disposition", ".json", ".csv"),
        demographics=multiext("results/{study}/{analysis}/tables/t14_1_2_demographics", ".json", ".csv"),
    conda:
        "../envs/cartrial.yaml"
    log:
        "logs/{study}/{analysis}/tables_baseline.log",
    script:
        "../../scripts/tables_baseline.py"
