rule report:
    """The PDF report (jinja2 -> HTML -> weasyprint) and its provenance record."""
    input:
        tables=[
            "results/{study}/{analysis}/tables/t14_1_1_disposition.json",
            "results/{study}/{analysis}/tables/t14_1_2_demographics.json",
        ],
        reconciliation="results/{study}/{analysis}/sdtm/reconciliation.csv",
        issues="results/{study}/{analysis}/sdtm/data_issues.csv",
        templates=["templates/report.html.j2", "templates/_table.html.j2", "templates/report.css"],
    output:
        pdf="results/{study}/{analysis}/report.pdf",
        html="results/{study}/{analysis}/report.html",
        provenance="results/{study}/{analysis}/provenance.json",
    params:
        study=lambda wc: wc.study,
        analysis=lambda wc: wc.analysis,
        settings=study_config,
        sponsor=config["report"]["sponsor"],
        root=workflow.basedir,
    conda:
        "../envs/cartrial.yaml"
    log:
        "logs/{study}/{analysis}/report.log",
    script:
        "../../scripts/report.py"
