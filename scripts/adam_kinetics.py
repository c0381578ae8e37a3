"""Rule adam_kinetics: ADPC, ADPP and ADCP."""
import pandas as pd

from cartrial.adam.adcp import build_adcp
from cartrial.adam.adpc import build_adpc, build_adpp
from cartrial.io import job_log, write_parquet

with job_log(snakemake.log[0], "adam_kinetics") as log:  # noqa: F821
    inp, out, k = snakemake.input, snakemake.output, snakemake.params.kinetics  # noqa: F821
    adpc = build_adpc(pd.read_parquet(inp.pc), pd.read_parquet(inp.adsl), pd.read_parquet(inp.ex))
    adpp = build_adpp(adpc, auc_end=k["auc_interval_days"], tolerance=k["auc_end_tolerance_days"],
                      persistence_months=tuple(k["persistence_months"]), window_days=k["persistence_window_days"])
    write_parquet(adpc, out.adpc)
    write_parquet(adpp, out.adpp)
    adcp = build_adcp(pd.read_parquet(inp.cp), pd.read_parquet(inp.adsl))
    write_parquet(adcp, out.adcp)
    log.info("ADPC %d samples, ADPP %d parameters, ADCP %d results", len(adpc), len(adpp), len(adcp))
