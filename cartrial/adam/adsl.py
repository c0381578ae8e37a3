"""ADSL: one record per DM subject, with populations, key dates and baseline.

Every flag has a stated rule (CDISC ADaMIG v1.3 section 3.2; admiral's ADSL
template for the derivation order):

- ``SCRNFL`` = Y when ``DM.ARMCD`` is ``SCRNFAIL`` (screen failure).
- ``ENRLFL`` = Y when the subject is not a screen failure (enrolled).
- ``SAFFL``  = Y when a CAR-T infusion date exists (``TRTSDT``): the safety
  set is every infused subject.
- ``EFFFL``  = Y when ``SAFFL`` = Y and the subject has a baseline disease
  activity assessment (any record of the study's SLEDAI version on or before
  the infusion date); missing when the study has no RS domain.
- ``TRTSDT`` = date of the first EX record with ``EXCAT`` = ``CAR-T``, else
  the date part of ``DM.RFXSTDTC``.
- ``TRTEDT`` = end date of that infusion record (``EXENDTC``), else ``TRTSDT``
  (a single infusion starts and ends the treatment).
- ``LDSTDT`` = first ``EXCAT`` = ``LYMPHODEPLETION`` start date.
- ``EOSSTT`` = ``COMPLETED`` / ``DISCONTINUED`` from the last DS disposition
  event on or before the cut; ``ONGOING`` when there is none.
- ``LSTALVDT`` = last complete date of any contact (DM, EX, DS, RS, LB, VS,
  PC, AE, CM) on or before the cut.
- ``FUPDUR`` = days from infusion to death or last contact, inclusive
  (``DTHDT``/``LSTALVDT`` - ``TRTSDT`` + 1); ``FUPMO`` = ``FUPDUR`` / 30.4375.
- Baseline vitals (``HEIGHTBL``, ``WEIGHTBL``): last non-missing value on or
  before the infusion date (on or before the cut for subjects not infused);
  ``BMIBL`` = weight / height^2; ``BSABL`` by Mosteller (sqrt(h x w / 3600)).
- ``RESCDT`` = start of the first rescue therapy (CM category ``RESCUE
  THERAPY``, a partial date at its earliest day); efficacy reads it from here.
- ``MONEVLFL`` = Y for subjects evaluable for the interim toxicity stopping
  rule: infused at least ``min_followup_days`` before the cut, or with a
  treatment-emergent event of a monitored syndrome of at least the monitored
  grade (onset by ADAE's imputation rule).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.adam.adae import derive_start_date, syndrome_of
from cartrial.dates import MONTH_DAYS, dtc_to_date
from cartrial.sdtm.contract import CUT_DATE_VARIABLE

DM_KEEP = ["STUDYID", "USUBJID", "SUBJID", "SITEID", "AGE", "AGEU", "SEX", "RACE", "ETHNIC", "COUNTRY",
           "ARMCD", "ARM", "ACTARMCD", "ACTARM"]


def _first_per_subject(frame: pd.DataFrame, date: pd.Series, name: str, *, last: bool = False) -> pd.Series:
    d = pd.DataFrame({"USUBJID": frame["USUBJID"], name: date}).dropna()
    agg = d.groupby("USUBJID")[name]
    return agg.max() if last else agg.min()


def derive_treatment_dates(adsl: pd.DataFrame, dm: pd.DataFrame, ex: pd.DataFrame | None) -> pd.DataFrame:
    """Add ``TRTSDT``, ``TRTEDT``, ``LDSTDT``, ``DOSE``, ``DOSEU`` (see module rules)."""
    out = adsl.copy()
    rfx = pd.Series(dtc_to_date(dm["RFXSTDTC"]).to_numpy(), index=dm["USUBJID"]) if "RFXSTDTC" in dm else None
    trt = pd.Series(pd.NaT, index=out["USUBJID"], dtype="datetime64[ns]")
    out["LDSTDT"] = pd.NaT
    out["DOSE"] = np.nan
    out["DOSEU"] = pd.Series(pd.NA, index=out.index, dtype="object")
    end = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    if ex is not None and len(ex) and "EXCAT" in ex:
        start = dtc_to_date(ex["EXSTDTC"])
        cart = ex["EXCAT"] == "CAR-T"
        first_cart = _first_per_subject(ex[cart], start[cart], "d")
        trt = first_cart.reindex(out["USUBJID"])
        ld = ex["EXCAT"] == "LYMPHODEPLETION"
        out["LDSTDT"] = _first_per_subject(ex[ld], start[ld], "d").reindex(out["USUBJID"]).to_numpy()
        first_rec = (ex[cart].assign(_d=start[cart]).sort_values(["USUBJID", "_d"], kind="stable")
                     .drop_duplicates("USUBJID").set_index("USUBJID"))
        if "EXDOSE" in first_rec:
            out["DOSE"] = first_rec["EXDOSE"].reindex(out["USUBJID"]).to_numpy()
        if "EXDOSU" in first_rec:
            out["DOSEU"] = first_rec["EXDOSU"].reindex(out["USUBJID"]).to_numpy()
        if "EXENDTC" in first_rec:
            end = pd.Series(dtc_to_date(first_rec["EXENDTC"]).reindex(out["USUBJID"]).to_numpy(), index=out.index)
    if rfx is not None:
        trt = trt.reindex(out["USUBJID"]).fillna(rfx.reindex(out["USUBJID"]))
    out["TRTSDT"] = pd.to_datetime(trt.to_numpy())
    out["TRTEDT"] = end.where(out["TRTSDT"].notna()).fillna(out["TRTSDT"]).astype("datetime64[ns]")
    return out


def derive_populations(adsl: pd.DataFrame, rs: pd.DataFrame | None, *, sledai_version: str) -> pd.DataFrame:
    """Add ``SCRNFL``, ``ENRLFL``, ``SAFFL``, ``EFFFL`` (see module rules)."""
    out = adsl.copy()
    yn = lambda m: np.where(m, "Y", "N")  # noqa: E731
    scrn = out["ARMCD"].eq("SCRNFAIL")
    out["SCRNFL"] = yn(scrn)
    out["ENRLFL"] = yn(~scrn)
    out["SAFFL"] = yn(out["TRTSDT"].notna())
    if rs is None:
        out["EFFFL"] = pd.Series(pd.NA, index=out.index, dtype="object")
        return out
    sled = rs[rs["RSCAT"] == sledai_version]
    d = pd.DataFrame({"USUBJID": sled["USUBJID"], "ADT": dtc_to_date(sled["RSDTC"])})
    d = d.merge(out[["USUBJID", "TRTSDT"]], on="USUBJID", how="inner")
    with_base = set(d.loc[d["ADT"] <= d["TRTSDT"], "USUBJID"])
    out["EFFFL"] = yn(out["TRTSDT"].notna() & out["USUBJID"].isin(with_base))
    return out


def derive_disposition(adsl: pd.DataFrame, ds: pd.DataFrame | None, dm: pd.DataFrame) -> pd.DataFrame:
    """Add ``EOSSTT``, ``DCSREAS``, ``EOSDT``, ``DTHFL``, ``DTHDT``."""
    out = adsl.copy()
    out["EOSSTT"], out["DCSREAS"], out["EOSDT"] = "ONGOING", pd.NA, pd.NaT
    if ds is not None and len(ds):
        ev = ds if "DSCAT" not in ds else ds[ds["DSCAT"] == "DISPOSITION EVENT"]
        ev = ev.assign(_d=dtc_to_date(ev["DSSTDTC"], impute="first"))
        last = ev.sort_values(["USUBJID", "_d"], kind="stable").drop_duplicates("USUBJID", keep="last")
        last = last.set_index("USUBJID").reindex(out["USUBJID"])
        has = last["DSDECOD"].notna().to_numpy()
        completed = (last["DSDECOD"] == "COMPLETED").to_numpy()
        out["EOSSTT"] = np.where(has, np.where(completed, "COMPLETED", "DISCONTINUED"), "ONGOING")
        out["DCSREAS"] = np.where(has & ~completed, last["DSDECOD"].to_numpy(), None)
        out["EOSDT"] = last["_d"].to_numpy()
    dm_i = dm.set_index("USUBJID").reindex(out["USUBJID"])
    dthdt = dtc_to_date(dm_i["DTHDTC"], impute="first") if "DTHDTC" in dm_i else pd.Series(pd.NaT, index=dm_i.index)
    dthfl = dm_i["DTHFL"].eq("Y") if "DTHFL" in dm_i else pd.Series(False, index=dm_i.index)
    died_ds = out["DCSREAS"].eq("DEATH").to_numpy()
    out["DTHFL"] = np.where(dthfl.to_numpy() | dthdt.notna().to_numpy() | died_ds, "Y", None)
    out["DTHDT"] = pd.to_datetime(dthdt.to_numpy()).where(~pd.isna(dthdt.to_numpy()),
                                                           out["EOSDT"].where(died_ds))
    return out


#: dates that show a subject alive (besides each domain's cut date variable, ``contract.CUT_DATE_VARIABLE``)
LAST_CONTACT_DATES = {"AE": ["AEENDTC"], "CM": ["CMENDTC"], "EX": ["EXENDTC"], "DM": ["RFICDTC", "RFXSTDTC"]}


def last_contact_columns(domain: str) -> list[str]:
    return [c for c in [CUT_DATE_VARIABLE.get(domain)] + LAST_CONTACT_DATES.get(domain, []) if c]


def derive_last_contact(adsl: pd.DataFrame, domains: dict[str, pd.DataFrame], *, cut: pd.Timestamp) -> pd.DataFrame:
    """Add ``LSTALVDT`` (the latest date on or before the cut of any record of the subject), ``FUPDUR``
    (days) and ``FUPMO`` (months)."""
    out = adsl.copy()
    last = pd.Series(dtype="datetime64[ns]")
    for domain, frame in domains.items():
        for col in (c for c in last_contact_columns(domain) if c in frame):
            d = dtc_to_date(frame[col])
            d = d.where(d <= cut)
            latest = d.groupby(frame["USUBJID"].to_numpy()).max().dropna()
            last = latest if last.empty else pd.concat([last, latest]).groupby(level=0).max()
    out["LSTALVDT"] = pd.to_datetime(last.reindex(out["USUBJID"]).to_numpy())
    end = out["DTHDT"].fillna(out["LSTALVDT"])
    out["FUPDUR"] = ((end - out["TRTSDT"]).dt.days + 1).astype("float64")
    out["FUPMO"] = out["FUPDUR"] / MONTH_DAYS
    return out


def derive_baseline_vitals(adsl: pd.DataFrame, vs: pd.DataFrame | None, *, cut: pd.Timestamp) -> pd.DataFrame:
    """Add ``HEIGHTBL``, ``WEIGHTBL``, ``BMIBL``, ``BSABL``."""
    out = adsl.copy()
    for name in ("HEIGHTBL", "WEIGHTBL"):
        out[name] = np.nan
    if vs is not None and len(vs):
        v = vs[vs["VSTESTCD"].isin(["HEIGHT", "WEIGHT"])].assign(ADT=lambda f: dtc_to_date(f["VSDTC"]))
        v = v.dropna(subset=["VSSTRESN", "ADT"]).merge(out[["USUBJID", "TRTSDT"]], on="USUBJID")
        ref = v["TRTSDT"].fillna(cut)
        v = v[v["ADT"] <= ref].sort_values(["USUBJID", "VSTESTCD", "ADT"], kind="stable")
        last = v.drop_duplicates(["USUBJID", "VSTESTCD"], keep="last").pivot(
            index="USUBJID", columns="VSTESTCD", values="VSSTRESN")
        for code, name in (("HEIGHT", "HEIGHTBL"), ("WEIGHT", "WEIGHTBL")):
            if code in last:
                out[name] = last[code].reindex(out["USUBJID"]).to_numpy()
    out["BMIBL"] = out["WEIGHTBL"] / (out["HEIGHTBL"] / 100) ** 2
    out["BSABL"] = np.sqrt(out["HEIGHTBL"] * out["WEIGHTBL"] / 3600)
    return out


def derive_age_group(adsl: pd.DataFrame, *, breaks: list[float]) -> pd.DataFrame:
    """Add ``AGEGR1`` from cut points: ``[12]`` gives ``<12`` and ``>=12``."""
    out = adsl.copy()
    edges = sorted(breaks)
    labels = [f"<{edges[0]:g}"] + [f"{lo:g}-<{hi:g}" for lo, hi in zip(edges, edges[1:])] + [f">={edges[-1]:g}"]
    idx = np.searchsorted(edges, out["AGE"].to_numpy(), side="right")
    out["AGEGR1"] = np.where(out["AGE"].notna(), np.asarray(labels, dtype=object)[idx], None)
    out["AGEGR1N"] = np.where(out["AGE"].notna(), idx + 1, np.nan)
    return out


def derive_treatment_variables(adsl: pd.DataFrame) -> pd.DataFrame:
    """Add ``TRT01P`` (planned arm) and ``TRT01A`` (actual arm, infused only)."""
    out = adsl.copy()
    out["TRT01P"] = out["ARM"].where(out["ENRLFL"] == "Y")
    actual = out["ACTARM"] if "ACTARM" in out else out["ARM"]
    out["TRT01A"] = actual.where(out["SAFFL"] == "Y")
    return out


ADSL_ORDER = ["STUDYID", "USUBJID", "SUBJID", "SITEID", "AGE", "AGEU", "AGEGR1", "AGEGR1N", "SEX", "RACE",
              "ETHNIC", "COUNTRY", "ARMCD", "ARM", "ACTARMCD", "ACTARM", "TRT01P", "TRT01A", "RFICDT",
              "LDSTDT", "TRTSDT", "TRTEDT", "DOSE", "DOSEU", "SCRNFL", "ENRLFL", "SAFFL", "EFFFL", "EOSSTT", "DCSREAS",
              "EOSDT", "DTHFL", "DTHDT", "LSTALVDT", "FUPDUR", "FUPMO", "HEIGHTBL", "WEIGHTBL", "BMIBL",
              "BSABL", "DCUTDT", "RESCDT", "MONEVLFL"]


def sdtm_columns(domain: str) -> list[str] | None:
    """The columns of a cut SDTM domain that :func:`build_adsl` reads (None: every column), so a job reads
    a 30-million-record RS or LB domain as a few columns only."""
    needs = {"RS": ["RSCAT", "RSDTC"], "VS": ["VSTESTCD", "VSSTRESN", "VSDTC"], "CM": ["CMCAT", "CMSTDTC"],
             "AE": ["AEDECOD", "AESTDTC", "AEENDTC", "AETOXGR"]}
    if domain in ("DM", "DS", "EX"):
        return None
    return list(dict.fromkeys(["USUBJID"] + needs.get(domain, []) + last_contact_columns(domain)))


def first_cm_dates(cm: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """Each subject's earliest start date (CMSTDTC, a partial date at its earliest day) over the CM records
    selected by ``mask``."""
    rec = cm[mask.reindex(cm.index, fill_value=False)]
    if not len(rec) or "CMSTDTC" not in rec:
        return pd.Series(dtype="datetime64[ns]")
    d = pd.DataFrame({"USUBJID": rec["USUBJID"], "d": dtc_to_date(rec["CMSTDTC"], impute="first")})
    return d.dropna().groupby("USUBJID")["d"].min()


def first_rescue_dates(cm: pd.DataFrame | None) -> pd.Series:
    """Start date of each subject's first rescue therapy (CM category RESCUE THERAPY)."""
    if cm is None or not len(cm) or "CMCAT" not in cm:
        return pd.Series(dtype="datetime64[ns]")
    return first_cm_dates(cm, cm["CMCAT"] == "RESCUE THERAPY")


def flag_monitoring_evaluable(adsl: pd.DataFrame, ae: pd.DataFrame | None, *, cut: pd.Timestamp,
                              syndromes: list[str], min_grade: float, min_followup_days: int) -> np.ndarray:
    """``MONEVLFL`` (see the module rules)."""
    infused = adsl["SAFFL"] == "Y"
    followed = adsl["TRTSDT"] <= cut - pd.Timedelta(days=min_followup_days)
    with_event: set = set()
    if ae is not None and len(ae) and "AEDECOD" in ae:
        trt = ae["USUBJID"].map(adsl.set_index("USUBJID")["TRTSDT"])
        onset = derive_start_date(ae, trt)["ASTDT"]
        syndrome = syndrome_of(ae["AEDECOD"])
        grade = pd.to_numeric(ae.get("AETOXGR"), errors="coerce")
        hit = syndrome.isin(syndromes) & (grade >= min_grade) & (onset >= trt)
        with_event = set(ae.loc[hit, "USUBJID"])
    return np.where(infused & (followed | adsl["USUBJID"].isin(with_event)), "Y", "")


def build_adsl(domains: dict[str, pd.DataFrame], *, cut: str, sledai_version: str,
               age_breaks: list[float], monitoring: dict | None = None) -> pd.DataFrame:
    """Build ADSL from cut SDTM domains (``DM`` required, others optional)."""
    cut_ts = pd.Timestamp(cut)
    dm = domains["DM"]
    base = dm[[c for c in DM_KEEP if c in dm]].copy()
    for col in DM_KEEP:
        if col not in base:
            base[col] = pd.NA
    base["RFICDT"] = dtc_to_date(dm["RFICDTC"]).to_numpy() if "RFICDTC" in dm else pd.NaT
    adsl = (base
            .pipe(derive_treatment_dates, dm, domains.get("EX"))
            .pipe(derive_populations, domains.get("RS"), sledai_version=sledai_version)
            .pipe(derive_treatment_variables)
            .pipe(derive_disposition, domains.get("DS"), dm)
            .pipe(derive_last_contact, domains, cut=cut_ts)
            .pipe(derive_baseline_vitals, domains.get("VS"), cut=cut_ts)
            .pipe(derive_age_group, breaks=age_breaks))
    adsl["DCUTDT"] = cut_ts
    adsl["RESCDT"] = adsl["USUBJID"].map(first_rescue_dates(domains.get("CM")))
    mon = {"syndromes": ["CRS", "ICANS"], "min_grade": 3, "min_followup_days": 28, **(monitoring or {})}
    adsl["MONEVLFL"] = flag_monitoring_evaluable(adsl, domains.get("AE"), cut=cut_ts, syndromes=list(mon["syndromes"]),
                                                 min_grade=mon["min_grade"], min_followup_days=mon["min_followup_days"])
    adsl["AGE"] = adsl["AGE"].astype("float64")
    for col in ("RFICDT", "LDSTDT", "TRTSDT", "TRTEDT", "EOSDT", "DTHDT", "LSTALVDT", "DCUTDT", "RESCDT"):
        adsl[col] = pd.to_datetime(adsl[col]).astype("datetime64[ns]")
    for col in ADSL_ORDER:
        if adsl[col].dtype == object:
            adsl[col] = adsl[col].astype("object").where(adsl[col].notna(), None)
    return adsl[ADSL_ORDER].sort_values("USUBJID", kind="stable").reset_index(drop=True)
