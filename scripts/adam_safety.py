"""Rule adam_safety: ADAE, ADLB, ADCM, ADVS and the per-subject cytopenia dataset (ICAHT, prolonged cytopenia)."""
import pandas as pd

from cartrial.adam.adae import build_adae
from cartrial.adam.adcm import build_adcm
from cartrial.adam.adlb import build_adlb, derive_icaht
from cartrial.adam.advs import build_advs
from cartrial.endpoints.rules import EndpointRules
from cartrial.io import job_log, read_sdtm, write_parquet

with job_log(snakemake.log[0], "adam_safety") as log:  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    adsl = pd.read_parquet(inp.adsl)
    adae = build_adae(pd.read_parquet(inp.ae), adsl, cut=par.cut, aesi_terms=list(par.safety["aesi_terms"]),
                      aesi_socs=list(par.safety["aesi_socs"]), related_terms=tuple(par.safety["related_terms"]))
    adlb = build_adlb(pd.read_parquet(inp.lb), adsl)
    write_parquet(adae, out.adae)
    write_parquet(adlb, out.adlb)
    rules = EndpointRules.from_config(dict(par.endpoints))
    write_parquet(build_adcm(read_sdtm([inp.cm]).get("CM"), adsl, factors=rules.steroid_factors,
                             frequencies=rules.steroid_frequencies, routes=list(rules.steroid_routes)), out.adcm)
    write_parquet(build_advs(read_sdtm([inp.vs]).get("VS"), adsl, limits=dict(par.safety["vital_sign_limits"])),
                  out.advs)
    write_parquet(derive_icaht(adlb), out.icaht)
    log.info("ADAE %d records (%d treatment-emergent)", len(adae), int((adae["TRTEMFL"] == "Y").sum()))
