"""ADPC (CAR-T kinetics samples) and ADPP (non-compartmental parameters), one assay per PARCAT1.

Variables after the ADaM conventions for PK concentration data (ADNCA):

- ``AFRLT`` (and ``ARELTM``, the same for a single infusion), actual elapsed
  time in days = sample date-time - infusion date-time; when either has no
  time of day, whole days between the dates. A sample taken before the
  infusion is time 0 with concentration 0.
- ``NFRLT`` (= ``ATPTN``), nominal elapsed time from the visit: ``DAY n`` ->
  n - 1 (SDTM study days count the infusion day as Day 1), ``MONTH m`` ->
  round(30.4375 m) days; ``ATPT`` is the visit's text.
- ``PARAMCD`` = PCTESTCD, ``PARAM`` = PCTEST (unit); ``BLQFL`` = Y when PCORRES
  starts with ``<`` or the result is missing; ``LLOQ`` from PCLLOQ. Assays
  (PCTESTCD ``CARTDNA``, ``CARTCELL``) are never mixed.
- ADPP: one record per subject, assay and CDISC PK parameter
  (:data:`cartrial.stats.nca.PARAMETERS`) plus persistence at the configured
  months; AUCINT carries its interval as ISO 8601 durations from the infusion
  (PPSTINT ``P0D``, PPENINT ``P28D``).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cartrial.adam.bds import parameter_numbers
from cartrial.adam.traceability import source_columns, treatment_columns
from cartrial.dates import MONTH_DAYS, dtc_to_date, dtc_to_datetime, study_day
from cartrial.stats.nca import PARAMETERS, nca_table, persistence_table

#: ADPC time variables are in days (RRLTU)
TIME_UNIT = "DAYS"


def nominal_day(visit: pd.Series) -> pd.Series:
    kind = visit.str.extract(r"^(DAY|MONTH)\s+(\d+)$")
    n = pd.to_numeric(kind[1], errors="coerce")
    return pd.Series(np.where(kind[0] == "DAY", n - 1, np.where(kind[0] == "MONTH", np.floor(n * MONTH_DAYS + 0.5),
                                                                 np.nan)), index=visit.index)


def build_adpc(pc: pd.DataFrame, adsl: pd.DataFrame, ex: pd.DataFrame | None) -> pd.DataFrame:
    """Kinetic samples of infused subjects with actual and nominal times from infusion and BLQ flags."""
    saf = adsl.loc[adsl["SAFFL"] == "Y", ["USUBJID", "TRTSDT"]]
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
    actual = np.where(both, exact, by_date)
    pre = actual < 0
    blq = out["PCORRES"].astype("string").str.startswith("<").fillna(False) | out["PCSTRESN"].isna()
    visit = out["VISIT"] if "VISIT" in out else pd.Series(None, index=out.index, dtype=object)
    nominal = nominal_day(visit.astype("string").fillna(""))
    unit = out["PCSTRESU"] if "PCSTRESU" in out else pd.Series("", index=out.index)
    test = out["PCTEST"] if "PCTEST" in out else out["PCTESTCD"]
    out = out.assign(**source_columns(out, "PC", "PCSTRESN"), **treatment_columns(out["USUBJID"], adsl),
                     PARCAT1=out["PCTESTCD"], PARAMCD=out["PCTESTCD"], PARAMN=parameter_numbers(out["PCTESTCD"]),
                     PARAM=test.astype("string") + " (" + unit.astype("string").fillna("") + ")",
                     AVISIT=visit, AVISITN=out.get("VISITNUM"), ATPT=visit, ATPTN=nominal,
                     ADT=s_day, ADY=study_day(s_day, out["TRTSDT"]),
                     AFRLT=np.where(pre, 0.0, actual), ARELTM=np.where(pre, 0.0, actual), NFRLT=nominal,
                     RRLTU=TIME_UNIT, AVAL=np.where(pre, 0.0, out["PCSTRESN"]), BLQFL=np.where(blq & ~pre, "Y", ""),
                     PREDOSFL=np.where(pre | (actual == 0), "Y", ""), LLOQ=out.get("PCLLOQ"), AVALU=unit)
    for col in ADPC_ORDER:
        if col not in out:
            out[col] = None
    return out[ADPC_ORDER].sort_values(["USUBJID", "PARCAT1", "AFRLT"], kind="stable").reset_index(drop=True)


ADPC_ORDER = ["STUDYID", "USUBJID", "TRTP", "TRTA", "PARCAT1", "PARAMCD", "PARAM", "PARAMN", "AVISIT", "AVISITN", "ATPT",
              "ATPTN", "ADT", "ADY", "AFRLT", "ARELTM", "NFRLT", "RRLTU", "AVAL", "AVALU", "BLQFL", "LLOQ", "PREDOSFL",
              "SRCDOM", "SRCVAR", "SRCSEQ"]
ADPP_ORDER = ["STUDYID", "USUBJID", "TRTP", "TRTA", "PARCAT1", "PARAMCD", "PARAM", "PARAMN", "AVAL", "AVALU",
              "PPSTINT", "PPENINT", "PPREASND"]


def _iso_days(days: float) -> str:
    """An elapsed time in days as an ISO 8601 duration (``P28D``; ``PT12H`` below a day)."""
    return f"P{days:g}D" if float(days).is_integer() else f"PT{days * 24:g}H"


def build_adpp(adpc: pd.DataFrame, *, auc_end: float = 28.0, tolerance: float = 2.0,
               persistence_months: tuple[int, ...] = (3, 6, 12), window_days: float = 30.0) -> pd.DataFrame:
    """One record per subject, assay and parameter (CDISC PK parameter terms; missing values carry their
    reason in ``PPREASND``; AUCINT and AUCINTLN their interval in PPSTINT/PPENINT); all profiles at once."""
    keys = ["USUBJID", "TRTP", "TRTA", "PARCAT1"]
    samples = adpc.dropna(subset=["USUBJID", "TRTA", "PARCAT1"])
    if not len(samples):
        return pd.DataFrame(columns=ADPP_ORDER)
    pid, profiles = pd.MultiIndex.from_frame(samples[keys].astype(object).fillna("")).factorize(sort=True)
    profiles = pd.DataFrame(list(profiles), columns=keys).replace({"TRTP": {"": None}})
    blq = (samples["BLQFL"] == "Y").to_numpy()
    wide = nca_table(pid, samples["AFRLT"], samples["AVAL"], blq, auc_end=auc_end, tolerance=tolerance)
    unit = samples["AVALU"].groupby(pid).first().reindex(range(len(profiles))).fillna("").to_numpy(object)
    units = {"conc": unit, "conc*days": np.char.add(unit.astype(str), "*days").astype(object), "days": "days",
             "1/days": "1/days", "": ""}
    interval = {"PPSTINT": _iso_days(0.0), "PPENINT": _iso_days(auc_end)}
    long = []
    for k, (paramcd, (param, tag)) in enumerate(PARAMETERS.items(), start=1):
        on_interval = paramcd.startswith("AUCINT")
        long.append(profiles.assign(PARAMCD=paramcd, PARAM=param + (f" (0-{auc_end:g} days)" if on_interval else ""),
                                    PARAMN=k, AVAL=wide[paramcd].to_numpy(), AVALU=units[tag],
                                    PPSTINT=interval["PPSTINT"] if on_interval else "",
                                    PPENINT=interval["PPENINT"] if on_interval else "",
                                    PPREASND=wide[f"{paramcd}_REASON"].to_numpy()))
    for k, m in enumerate(persistence_months, start=len(PARAMETERS) + 1):
        nominal = math.floor(m * MONTH_DAYS + 0.5)
        value = persistence_table(pid, samples["AFRLT"], blq, nominal=nominal, window=window_days)
        long.append(profiles.assign(PARAMCD=f"PERS{m}M", PARAM=f"CAR-T Quantifiable at Month {m} (1=Yes, 0=No)",
                                    PARAMN=k, AVAL=value, AVALU="", PPSTINT="", PPENINT="", PPREASND=np.where(
                                        np.isnan(value), f"no sample within {window_days:g} days of Month {m}", "")))
    out = pd.concat(long, ignore_index=True)
    out["_profile"] = np.tile(np.arange(len(profiles)), len(long))
    out = out.sort_values(["_profile", "PARAMN"], kind="stable").reset_index(drop=True)
    out.insert(0, "STUDYID", adpc["STUDYID"].iloc[0])
    return out[ADPP_ORDER]
