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


rule tables_baseline:
    """Tables 14.1.1 (disposition) and 14.1.2 (demographics) from their ARDs."""
    input:
        disposition="results/{study}/{analysis}/ard/disposition.csv",
        demographics="results/{study}/{analysis}/ard/demographics.csv",
    output:
        disposition=multiext("results/{study}/{analysis}/tables/t14_1_1_disposition", ".json", ".csv", ".rtf"),
        demographics=multiext("results/{study}/{analysis}/tables/t14_1_2_demographics", ".json", ".csv", ".rtf"),
    params:
        code=code_hash("tables_baseline"),
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/tables_baseline.tsv"
    log:
        "logs/{study}/{analysis}/tables_baseline.log",
    script:
        "../../scripts/tables_baseline.py"


rule ard_efficacy:
    """Response rates (NRI and observed cases), dose-group differences, change from baseline."""
    input:
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
        adqs="results/{study}/{analysis}/adam/adqs.parquet",
        adrs="results/{study}/{analysis}/adam/adrs.parquet",
    output:
        rates="results/{study}/{analysis}/ard/response_rates.csv",
        rates_oc="results/{study}/{analysis}/ard/response_rates_oc.csv",
        differences="results/{study}/{analysis}/ard/response_differences.csv",
        change="results/{study}/{analysis}/ard/change_from_baseline.csv",
    params:
        code=code_hash("ard_efficacy"),
        arm_order=study_value("arm_order"),
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


rule tables_efficacy:
    """Tables 14.2: primary endpoint, response rates, differences, change from baseline."""
    input:
        rates="results/{study}/{analysis}/ard/response_rates.csv",
        rates_oc="results/{study}/{analysis}/ard/response_rates_oc.csv",
        differences="results/{study}/{analysis}/ard/response_differences.csv",
        change="results/{study}/{analysis}/ard/change_from_baseline.csv",
        populations="results/{study}/{analysis}/ard/populations.csv",
    output:
        tables=expand(
            "results/{{study}}/{{analysis}}/tables/{name}.{ext}",
            name=EFFICACY_TABLES,
            ext=["json", "csv", "rtf"],
        ),
    params:
        code=code_hash("tables_efficacy"),
        primary=lambda wc: STUDIES[wc.study]["efficacy"]["primary"],
        endpoints=config["endpoints"],
        sledai_version=study_value("sledai_version"),
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/tables_efficacy.tsv"
    log:
        "logs/{study}/{analysis}/tables_efficacy.log",
    script:
        "../../scripts/tables_efficacy.py"


rule figures_efficacy:
    """Figures 14.2: response over time, SLEDAI trajectories and waterfall, renal markers."""
    input:
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
        adqs="results/{study}/{analysis}/adam/adqs.parquet",
        rates="results/{study}/{analysis}/ard/response_rates.csv",
    output:
        figures=expand(
            "results/{{study}}/{{analysis}}/figures/{name}.{ext}",
            name=EFFICACY_FIGURES,
            ext=["png", "svg"],
        ),
    params:
        code=code_hash("figures_efficacy"),
        max_subjects=config["report"]["max_subjects_per_figure"],
        figure_endpoints=config["report"]["figure_endpoints"],
        primary=lambda wc: STUDIES[wc.study]["efficacy"]["primary"],
        arm_order=study_value("arm_order"),
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/figures_efficacy.tsv"
    log:
        "logs/{study}/{analysis}/figures_efficacy.log",
    script:
        "../../scripts/figures_efficacy.py"


rule ard_safety:
    """Safety ARDs: overview, SOC/PT, PT by grade, syndromes, labs, ICAHT, interim monitoring."""
    input:
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
        adae="results/{study}/{analysis}/adam/adae.parquet",
        adlb="results/{study}/{analysis}/adam/adlb.parquet",
        icaht="results/{study}/{analysis}/adam/adcyto.parquet",
        adcm="results/{study}/{analysis}/adam/adcm.parquet",
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


rule tables_safety:
    """Tables 14.3.1-14.3.9 and listings 16.2.7."""
    input:
        **{name: f"results/{{study}}/{{analysis}}/ard/{name}.csv" for name in SAFETY_ARDS},
        adae="results/{study}/{analysis}/adam/adae.parquet",
    output:
        tables=expand(
            "results/{{study}}/{{analysis}}/tables/{name}.{ext}",
            name=SAFETY_TABLES,
            ext=["json", "csv", "rtf"],
        ),
    params:
        code=code_hash("tables_safety"),
        analysis_type=analysis_value("type"),
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/tables_safety.tsv"
    log:
        "logs/{study}/{analysis}/tables_safety.log",
    script:
        "../../scripts/tables_safety.py"


rule figures_safety:
    """Figures 14.3.1-14.3.2."""
    input:
        adae="results/{study}/{analysis}/adam/adae.parquet",
        adlb="results/{study}/{analysis}/adam/adlb.parquet",
    output:
        figures=expand(
            "results/{{study}}/{{analysis}}/figures/{name}.{ext}",
            name=SAFETY_FIGURES,
            ext=["png", "svg"],
        ),
    params:
        code=code_hash("figures_safety"),
        max_subjects=config["report"]["max_subjects_per_figure"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/figures_safety.tsv"
    log:
        "logs/{study}/{analysis}/figures_safety.log",
    script:
        "../../scripts/figures_safety.py"


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


rule tables_tte:
    """Table 14.2.6: time-to-event summary."""
    input:
        tte="results/{study}/{analysis}/ard/time_to_event.csv",
        populations="results/{study}/{analysis}/ard/populations.csv",
    output:
        tables=multiext("results/{study}/{analysis}/tables/t14_2_6_time_to_event", ".json", ".csv", ".rtf"),
    params:
        code=code_hash("tables_tte"),
        km=config["km"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/tables_tte.tsv"
    log:
        "logs/{study}/{analysis}/tables_tte.log",
    script:
        "../../scripts/tables_tte.py"


rule figures_tte:
    """Figures 14.2.5 (Kaplan-Meier curves) and 14.2.6 (swimmer plot)."""
    input:
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
        adrs="results/{study}/{analysis}/adam/adrs.parquet",
        adtte="results/{study}/{analysis}/adam/adtte.parquet",
    output:
        figures=expand(
            "results/{{study}}/{{analysis}}/figures/{name}.{ext}",
            name=TTE_FIGURES,
            ext=["png", "svg"],
        ),
    params:
        code=code_hash("figures_tte"),
        max_subjects=config["report"]["max_subjects_per_figure"],
        figure_endpoints=config["report"]["figure_endpoints"],
        arm_order=study_value("arm_order"),
        specs=config["time_to_event"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/figures_tte.tsv"
    log:
        "logs/{study}/{analysis}/figures_tte.log",
    script:
        "../../scripts/figures_tte.py"


rule ard_kinetics:
    """Kinetic parameter summaries, persistence, cytokines by CRS grade, B-cell aplasia and recovery."""
    input:
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
        adpp="results/{study}/{analysis}/adam/adpp.parquet",
        adae="results/{study}/{analysis}/adam/adae.parquet",
        adlb="results/{study}/{analysis}/adam/adlb.parquet",
        adtte="results/{study}/{analysis}/adam/adtte.parquet",
    output:
        kinetics="results/{study}/{analysis}/ard/kinetics.csv",
        cytokines="results/{study}/{analysis}/ard/cytokines.csv",
        bcells="results/{study}/{analysis}/ard/bcells.csv",
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


rule tables_kinetics:
    """Tables 14.4.1-14.4.4."""
    input:
        kinetics="results/{study}/{analysis}/ard/kinetics.csv",
        cytokines="results/{study}/{analysis}/ard/cytokines.csv",
        bcells="results/{study}/{analysis}/ard/bcells.csv",
        populations="results/{study}/{analysis}/ard/populations.csv",
    output:
        tables=expand(
            "results/{{study}}/{{analysis}}/tables/{name}.{ext}",
            name=KINETICS_TABLES,
            ext=["json", "csv", "rtf"],
        ),
    params:
        code=code_hash("tables_kinetics"),
        kinetics=config["kinetics"],
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/tables_kinetics.tsv"
    log:
        "logs/{study}/{analysis}/tables_kinetics.log",
    script:
        "../../scripts/tables_kinetics.py"


rule figures_kinetics:
    """Figures 14.4.1-14.4.4."""
    input:
        adsl="results/{study}/{analysis}/adam/adsl.parquet",
        adpc="results/{study}/{analysis}/adam/adpc.parquet",
        adpp="results/{study}/{analysis}/adam/adpp.parquet",
        adae="results/{study}/{analysis}/adam/adae.parquet",
        adlb="results/{study}/{analysis}/adam/adlb.parquet",
    output:
        figures=expand(
            "results/{{study}}/{{analysis}}/figures/{name}.{ext}",
            name=KINETICS_FIGURES,
            ext=["png", "svg"],
        ),
    params:
        code=code_hash("figures_kinetics"),
        max_subjects=config["report"]["max_subjects_per_figure"],
        arm_order=study_value("arm_order"),
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    benchmark:
        "logs/{study}/{analysis}/benchmark/figures_kinetics.tsv"
    log:
        "logs/{study}/{analysis}/figures_kinetics.log",
    script:
        "../../scripts/figures_kinetics.py"
