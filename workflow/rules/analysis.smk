rule ards:
    """Every analysis results dataset of the analysis (cartrial/catalogue.yaml lists them): populations,
    disposition, baseline; response rates, differences, change from baseline, serology; Kaplan-Meier; safety,
    GVHD, laboratory tests, vital signs, concomitant treatments, interim monitoring; kinetics, cytokines,
    B cells, phenotype. One job per analysis."""
    input:
        **{d: f"results/{{study}}/{{analysis}}/adam/{d}.parquet"
           for d in ("adsl", "adqs", "adrs", "adtte", "adae", "adlb", "adcm", "advs", "adpp", "adcp")},
        icaht="results/{study}/{analysis}/adam/adcyto.parquet",
    output:
        **{name: f"results/{{study}}/{{analysis}}/ard/{name}.csv" for name in ARD_FILES},
    params:
        code=code_hash("ards"),
        arm_order=study_value("arm_order"),
        months=lambda wc: STUDIES[wc.study]["efficacy"]["months"],
        safety=lambda wc: STUDIES[wc.study]["safety"],
        primary=lambda wc: STUDIES[wc.study]["efficacy"]["primary"],
        kinetics=config["kinetics"],
        km=config["km"],
    conda:
        "../envs/cartrial.yaml"
    threads: study_threads  # efficacy and safety ARDs side by side in a large study
    priority: job_priority("ards")
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    log:
        "logs/{study}/{analysis}/ards.log",
    script:
        "../../scripts/ards.py"


# The table and figure rules, from the catalogue of outputs (cartrial/catalogue.yaml): for each rule named there,
# one Snakemake rule for the final analyses and one for the interim analyses (catalogue_variants), whose outputs
# are the files of the outputs that type of report may show and whose inputs are the ARDs and ADaM datasets
# those outputs declare.
for _rule in CATALOGUE.rules():
    for _name, _files, _studies, _analyses in catalogue_variants(_rule):

        rule:
            name:
                _name
            input:
                unpack(catalogue_inputs(_rule)),
            output:
                [f"results/{{study}}/{{analysis}}/{f}" for f in _files],
            wildcard_constraints:
                study=_studies,
                analysis=_analyses,
            params:
                code=code_hash("catalogue_rule", builders=_rule),
                catalogue_rule=_rule,
                settings=study_config,
                shared=shared_config,
                analysis=lambda wc: wc.analysis,
            conda:
                "../envs/cartrial.yaml"
            # one process: after the ARDs a study's tables, figures and export run side by side, one core each
            # (cartrial.schedule); --set-threads tables=2 builds one job's outputs in two processes
            threads: 1
            priority: job_priority(_rule)
            resources:
                mem_mb=job_memory_mb,
                runtime=job_runtime_min,
            log:
                f"logs/{{study}}/{{analysis}}/{_rule}.log",
            script:
                "../../scripts/catalogue_rule.py"
