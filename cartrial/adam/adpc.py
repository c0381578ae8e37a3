"""ADPC (CAR-T kinetics samples) and ADPP (non-compartmental parameters), one assay per PARCAT1.

- Actual time ``ATPT`` (days) = sample date-time - infusion date-time; when
  either has no time of day, whole days between the dates. A sample taken
  before the infusion is time 0 with concentration 0.
- Nominal time ``NTPT`` from the visit: ``DAY n`` -> n - 1, ``MONTH m`` ->
  round(30.4375 m) days.
- ``BLQFL`` = Y when PCORRES starts with ``<`` or the result is missing;
  ``LLOQ`` from PCLLOQ. Assays (PCTESTCD ``CARTDNA``, ``CARTCELL``) are never mixed.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cartrial.adam.traceability import source_columns
from cartrial.dates import MONTH_DAYS, dtc_to_date, dtc_to_datetime
from cartrial.stats.nca import PARAMETERS, nca_table, persistence_table

UNITS = {"conc": None, "days": "days", "conc*days": None, "1/days": "1/days"}
PARAMETER_UNITS = {"CMAX": "conc", "TMAX": "days", "TLAST": "days", "AUC28": "conc*days", "AUC28LIN": "conc*days",
                   "LAMZ": "1/days", "THALF": "days"}


def nominal_day(visit: pd.Series) -> pd.Series:
    kind = visit.str.extract(r"^(DAY|MONTH)\s+(\d+)$")
    n = pd.to_numeric(kind[1], errors="coerce")
    return pd.Series(np.where(kind[0] == "DAY", n - 1, np.where(kind[0] == "MONTH", np.floor(n * MONTH_DAYS + 0.5),
                                                                 np.nan)), index=visit.index)


def build_adpc(pc: pd.DataFrame, adsl: pd.DataFrame, ex: pd.DataFrame | None) -> pd.DataFrame:
    """Kinetic samples of infused subjects with actual and nominal times and BLQ flags."""
    saf = adsl.loc[adsl["SAFFL"] == "Y", ["USUBJID", "TRT01A", "TRTSDT"]].rename(columns={"TRT01A": "ARM"})
    out = pc.merge(saf, on="USUBJID", how="inner", validate="many_to_one")
    infusion_dtc = pd.Series(pd.NA, index=out.index, dtype="string")
    if ex is not None and len(ex) and "EXCAT" in ex:
        cart = ex[ex["EXCAT"] == "CAR-T"].sort_values("EXSTDTC").drop_duplicates("USUBJID")
        infusion_dtc = out["USUBJID"].map(cart.set_index("USUBJID")["EXSTDTC"]).astype("string")
    s_dt, s_has = dtc_to_datetime(out["PCDTC"])
    i_dt, i_has = dtc_to_datetime(infusion_dtc)
    s_day = dtc_to_date(out["PCDTC"])
    both = s_has & i_has
    exact = (s_dt - i_dt).dt.total_seconds() / 86400
    by_date = (s_day - out["TRTSDT"]).dt.days.astype("float64")
    atpt = np.where(both, exact, by_date)
    pre = atpt < 0
    blq = out["PCORRES"].astype("string").str.startswith("<").fillna(False) | out["PCSTRESN"].isna()
    out = out.assign(**source_columns(out, "PC", "PCSTRESN"), PARCAT1=out["PCTESTCD"], ADT=s_day, ATPT=np.where(pre, 0.0, atpt),
                     NTPT=nominal_day(out["VISIT"]) if "VISIT" in out else np.nan,
                     AVAL=np.where(pre, 0.0, out["PCSTRESN"]), BLQFL=np.where(blq & ~pre, "Y", ""),
                     PREDOSFL=np.where(pre | (atpt == 0), "Y", ""), LLOQ=out.get("PCLLOQ"),
                     AVALU=out.get("PCSTRESU"))
    keep = ["STUDYID", "USUBJID", "ARM", "PARCAT1", "VISIT", "ADT", "ATPT", "NTPT", "AVAL", "AVALU", "BLQFL",
            "LLOQ", "PREDOSFL", "SRCDOM", "SRCVAR", "SRCSEQ"]
    for col in keep:
        if col not in out:
            out[col] = None
    return out[keep].sort_values(["USUBJID", "PARCAT1", "ATPT"], kind="stable").reset_index(drop=True)


def build_adpp(adpc: pd.DataFrame, *, auc_end: float = 27.0, tolerance: float = 1.0,
               persistence_months: tuple[int, ...] = (3, 6, 12), window_days: float = 30.0) -> pd.DataFrame:
    """One record per subject, assay and parameter (missing values carry ``REASON``); all profiles at once."""
    columns = ["USUBJID", "ARM", "PARCAT1", "PARAMCD", "AVAL", "AVALU", "REASON"]
    keys = ["USUBJID", "ARM", "PARCAT1"]
    samples = adpc.dropna(subset=keys)
    if not len(samples):
        return pd.DataFrame(columns=["STUDYID"] + columns if len(adpc) else columns)
    pid, profiles = pd.MultiIndex.from_frame(samples[keys]).factorize(sort=True)
    profiles = pd.DataFrame(list(profiles), columns=keys)
    blq = (samples["BLQFL"] == "Y").to_numpy()
    wide = nca_table(pid, samples["ATPT"], samples["AVAL"], blq, auc_end=auc_end, tolerance=tolerance)
    unit = samples["AVALU"].groupby(pid).first().reindex(range(len(profiles))).fillna("").to_numpy(object)
    long = []
    for k, paramcd in enumerate(PARAMETERS):
        tag = PARAMETER_UNITS[paramcd]
        avalu = np.full(len(profiles), UNITS[tag], dtype=object) if UNITS[tag] else (
            unit if tag == "conc" else np.char.add(unit.astype(str), "*days").astype(object))
        long.append(profiles.assign(PARAMCD=paramcd, AVAL=wide[paramcd].to_numpy(), AVALU=avalu,
                                    REASON=wide[f"{paramcd}_REASON"].to_numpy(), _order=k))
    for k, m in enumerate(persistence_months, start=len(PARAMETERS)):
        nominal = math.floor(m * MONTH_DAYS + 0.5)
        value = persistence_table(pid, samples["ATPT"], blq, nominal=nominal, window=window_days)
        long.append(profiles.assign(PARAMCD=f"PERS{m}M", AVAL=value, AVALU="Y=1/N=0", REASON=np.where(
            np.isnan(value), f"no sample within {window_days:g} days of Month {m}", ""), _order=k))
    out = pd.concat(long, ignore_index=True)
    out["_profile"] = np.tile(np.arange(len(profiles)), len(long))
    out = out.sort_values(["_profile", "_order"], kind="stable")[columns].reset_index(drop=True)
    out.insert(0, "STUDYID", adpc["STUDYID"].iloc[0])
    return out
