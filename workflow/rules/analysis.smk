rule ard_baseline:
    """Disposition and baseline characteristics as ARDs."""
    input:
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
    output:
        disposition="results/{study}/{analysis}/ard/disposition.csv",
        demographics="results/{study}/{analysis}/ard/demographics.csv",
        populations="results/{study}/{analysis}/ard/populations.csv",
    params:
        code=code_hash("ard_baseline"),
        arm_order=study_value("arm_order"),
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/ard_baseline.tsv"
    log:
        "logs/{study}/{analysis}/ard_baseline.log",
    script:
        "../../scripts/ard_baseline.py"


rule ard_efficacy:
    """Response rates (NRI and observed cases), dose-group differences, change from baseline, serology."""
    input:
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
        adqs="results/{study}/{analysis}/adam/adqs.parquet",
        adrs="results/{study}/{analysis}/adam/adrs.parquet",
        adlb="results/{study}/{analysis}/adam/adlb.parquet",
    output:
        rates="results/{study}/{analysis}/ard/response_rates.csv",
        rates_oc="results/{study}/{analysis}/ard/response_rates_oc.csv",
        differences="results/{study}/{analysis}/ard/response_differences.csv",
        change="results/{study}/{analysis}/ard/change_from_baseline.csv",
        serology="results/{study}/{analysis}/ard/serology.csv",
    params:
        code=code_hash("ard_efficacy"),
        arm_order=study_value("arm_order"),
        months=lambda wc: STUDIES[wc.study]["efficacy"]["months"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/ard_efficacy.tsv"
    log:
        "logs/{study}/{analysis}/ard_efficacy.log",
    script:
        "../../scripts/ard_efficacy.py"


rule ard_safety:
    """Safety ARDs: overview, SOC/PT, PT by grade, syndromes, GVHD, labs, ICAHT, vital signs, concomitant
    treatments and glucocorticoid taper, interim monitoring."""
    input:
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
        adae="results/{study}/{analysis}/adam/adae.parquet",
        adlb="results/{study}/{analysis}/adam/adlb.parquet",
        icaht="results/{study}/{analysis}/adam/adcyto.parquet",
        adcm="results/{study}/{analysis}/adam/adcm.parquet",
        advs="results/{study}/{analysis}/adam/advs.parquet",
        adqs="results/{study}/{analysis}/adam/adqs.parquet",
        rates="results/{study}/{analysis}/ard/response_rates.csv",
    output:
        **{name: f"results/{{study}}/{{analysis}}/ard/{name}.csv" for name in SAFETY_ARDS},
    params:
        code=code_hash("ard_safety"),
        arm_order=study_value("arm_order"),
        safety=lambda wc: STUDIES[wc.study]["safety"],
        primary=lambda wc: STUDIES[wc.study]["efficacy"]["primary"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/ard_safety.tsv"
    log:
        "logs/{study}/{analysis}/ard_safety.log",
    script:
        "../../scripts/ard_safety.py"


rule ard_tte:
    """Kaplan-Meier summaries of every ADTTE parameter by arm."""
    input:
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
        adtte="results/{study}/{analysis}/adam/adtte.parquet",
    output:
        tte="results/{study}/{analysis}/ard/time_to_event.csv",
    params:
        code=code_hash("ard_tte"),
        arm_order=study_value("arm_order"),
        km=config["km"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/ard_tte.tsv"
    log:
        "logs/{study}/{analysis}/ard_tte.log",
    script:
        "../../scripts/ard_tte.py"


rule ard_kinetics:
    """Kinetic parameter summaries, persistence, cytokines by CRS grade, B-cell aplasia and recovery, CAR-T
    phenotype by visit."""
    input:
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
        adpp="results/{study}/{analysis}/adam/adpp.parquet",
        adae="results/{study}/{analysis}/adam/adae.parquet",
        adlb="results/{study}/{analysis}/adam/adlb.parquet",
        adtte="results/{study}/{analysis}/adam/adtte.parquet",
        adcp="results/{study}/{analysis}/adam/adcp.parquet",
    output:
        kinetics="results/{study}/{analysis}/ard/kinetics.csv",
        cytokines="results/{study}/{analysis}/ard/cytokines.csv",
        bcells="results/{study}/{analysis}/ard/bcells.csv",
        phenotype="results/{study}/{analysis}/ard/phenotype.csv",
    params:
        code=code_hash("ard_kinetics"),
        arm_order=study_value("arm_order"),
        kinetics=config["kinetics"],
        km=config["km"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/ard_kinetics.tsv"
    log:
        "logs/{study}/{analysis}/ard_kinetics.log",
    script:
        "../../scripts/ard_kinetics.py"


# The table and figure rules, one per rule named in the catalogue of outputs (cartrial/catalogue.yaml): their
# inputs are the ARDs and ADaM datasets the rule's outputs declare, their outputs the files of those outputs.
for _rule in CATALOGUE.rules():

    rule:
        name:
            _rule
        input:
            unpack(catalogue_inputs(_rule)),
        output:
            catalogue_files(_rule),
        params:
            code=code_hash("catalogue_rule", builders=_rule),
            settings=study_config,
            shared=shared_config,
            analysis=lambda wc: wc.analysis,
        conda:
            "../envs/cartrial.yaml"
        threads: 1
        resources:
            mem_mb=job_memory_mb,
            runtime=job_runtime_min,
        benchmark:
            f"logs/{{study}}/{{analysis}}/benchmark/{_rule}.tsv"
        log:
            f"logs/{{study}}/{{analysis}}/{_rule}.log",
        script:
            "../../scripts/catalogue_rule.py"
