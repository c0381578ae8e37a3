rule report:
    """The PDF report (jinja2 -> HTML -> weasyprint) and its provenance record."""
    input:
        tables=catalogue_files(kinds=("table", "listing")),
        figures=catalogue_files(kinds=("figure",)),
        ards=expand("results/{{study}}/{{analysis}}/ard/{name}.csv", name=ARD_FILES),
        current=[
            "results/{study}/{analysis}/adam/adsl.parquet",
            "results/{study}/{analysis}/adam/adae.parquet",
            "results/{study}/{analysis}/adam/adrs.parquet",
        ],
        previous=comparison_inputs,
        reconciliation="results/{study}/{analysis}/sdtm/reconciliation.csv",
        issues=[
            "results/{study}/{analysis}/sdtm/data_issues.csv",
            "results/{study}/{analysis}/adam/efficacy_issues.csv",
        ],
        notes=[
            "results/{study}/{analysis}/adam/efficacy_notes.json",
            "results/{study}/{analysis}/adam/tte_notes.json",
        ],
        oc_table="results/{study}/oc/operating_characteristics.csv",
        oc_figure="results/{study}/oc/operating_characteristics.svg",
        templates=["templates/report.html.j2", "templates/_table.html.j2", "templates/report.css"],
    output:
        pdf="results/{study}/{analysis}/report.pdf",
        html="results/{study}/{analysis}/report.html",
        provenance="results/{study}/{analysis}/provenance.json",
        index="results/{study}/{analysis}/outputs.csv",
    params:
        code=code_hash("report"),
        study=lambda wc: wc.study,
        analysis=lambda wc: wc.analysis,
        settings=report_config,
        effective=effective_config,
        endpoints=config["endpoints"],
        km=config["km"],
        kinetics=config["kinetics"],
        sponsor=config["report"]["sponsor"],
        max_listing_rows=config["report"]["max_listing_rows"],
        root=workflow.basedir,
        previous=lambda wc: previous_analysis(wc) or "",
        oc=oc_settings,
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    priority: job_priority("report")
    resources:
        mem_mb=job_memory_mb,
        runtime=job_runtime_min,
    log:
        "logs/{study}/{analysis}/report.log",
    script:
        "../../scripts/report.py"
