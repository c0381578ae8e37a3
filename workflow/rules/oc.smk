rule oc_chunk:
    """One chunk of simulated trials (operating characteristics of the interim rules)."""
    output:
        "results/{study}/oc/chunk_{chunk}.parquet",
    params:
        code=code_hash("oc_chunk"),
        settings=oc_settings,
    wildcard_constraints:
        chunk=r"\d+",
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    benchmark:
        "logs/{study}/oc/benchmark/oc_chunk_{chunk}.tsv"
    log:
        "logs/{study}/oc/oc_chunk_{chunk}.log",
    script:
        "../../scripts/oc_chunk.py"


rule oc_merge:
    """Merge the chunks into one table (and its figure) for the report appendix."""
    input:
        oc_chunks,
    output:
        table="results/{study}/oc/operating_characteristics.csv",
        figure="results/{study}/oc/operating_characteristics.svg",
    params:
        code=code_hash("oc_merge"),
        settings=oc_settings,
    conda:
        "../envs/cartrial.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    benchmark:
        "logs/{study}/oc/benchmark/oc_merge.tsv"
    log:
        "logs/{study}/oc/oc_merge.log",
    script:
        "../../scripts/oc_merge.py"
