rule oc:
    """Operating characteristics of the interim monitoring rules: the simulated trials (in seeded chunks, so
    the figures do not depend on how the work is spread) summarised in one table and one figure for the
    report appendix. One job per study: a chunk's simulation takes less than a job's start-up."""
    output:
        table="results/{study}/oc/operating_characteristics.csv",
        figure="results/{study}/oc/operating_characteristics.svg",
    params:
        code=code_hash("oc"),
        settings=oc_settings,
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    priority: job_priority("oc")
    resources:
        mem_mb=2000,
        runtime=30,
    log:
        "logs/{study}/oc/oc.log",
    script:
        "../../scripts/oc.py"
