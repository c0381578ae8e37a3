"""Rule oc_chunk: simulate one chunk of trials under every scenario."""
from cartrial.io import job_log, write_parquet
from cartrial.stats.oc import chunk_sizes, simulate_chunk

with job_log(snakemake.log[0], "oc_chunk"):  # noqa: F821
    s = snakemake.params.settings  # noqa: F821
    chunk = int(snakemake.wildcards.chunk)  # noqa: F821
    sizes = chunk_sizes(s["oc"]["n_trials"], s["oc"]["chunks"])
    trials = simulate_chunk(scenarios=s["oc"]["scenarios"], n_trials=sizes[chunk], planned_n=s["planned_n"],
                            safety=s["safety"], efficacy=s["efficacy"], seed=s["oc"]["seed"], chunk=chunk,
                            first_trial=sum(sizes[:chunk]))
    write_parquet(trials, snakemake.output[0])  # noqa: F821
