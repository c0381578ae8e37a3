"""ADTTE from declarative event and censoring sources (in the spirit of admiral's event_source/censor_source).

Each parameter is data (config ``time_to_event``)::

    paramcd: DURDORIS
    param: Duration of DORIS remission
    start: {first: {paramcd: DORIS, avalc: "Y"}}    # or TRTSDT
    events: [{paramcd: DORIS, avalc: "N"}]           # ADRS records; or {adsl: DTHDT}
    censor: {paramcd: DORIS}                         # last ADRS assessment; or {adsl: LSTALVDT}

Rules:

- Only observed ADRS records count (DTYPE empty: imputed non-responses are
  not events), on or before the data cut (ADRS is already cut).
- The start is the infusion date (``TRTSDT``) or the date of the first record
  matching ``start.first``; subjects without a start are not in the
  parameter's analysis (e.g. never in remission for a duration).
- The event is the earliest record, over all event sources, dated after the
  start (a source with ``after`` only counts once a record matching ``after``
  has been seen, e.g. loss of LLDAS after LLDAS was attained; a source with
  ``crit``/``value`` matches a component flag, e.g. a new BILAG A).
- Without an event the subject is censored at the last assessment of the
  censoring source on or after the start (at the start when there is none),
  and ``CNSDTDSC`` says which.
- ``AVAL`` = ADT - STARTDT + 1 (days); ``CNSR`` = 1 when censored.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.adam.bds import parameter_numbers
from cartrial.adam.traceability import treatment_columns


class _Sources(dict):
    """ADRS's records that a source may take (observed, not imputed: no DTYPE; dated) by PARAMCD, split once,
    each parameter's in their order; ``none``: no records, with ADRS's variables (a parameter ADRS lacks)."""

    def __init__(self, adrs: pd.DataFrame):
        if len(adrs):
            adrs = adrs[((adrs["DTYPE"].fillna("") == "") & adrs["ADT"].notna()).to_numpy()]
            super().__init__(tuple(adrs.groupby("PARAMCD", sort=False)))
        self.none = adrs.iloc[0:0]


def _match(records: _Sources, spec: dict) -> pd.DataFrame:
    """The records of a source (``spec``: its parameter, and its AVALC or criterion flag)."""
    rec = records.get(spec["paramcd"], records.none)
    if "avalc" in spec:
        rec = rec[rec["AVALC"] == spec["avalc"]]
    if "crit" in spec:
        rec = rec[rec[spec["crit"]] == spec.get("value", "N")]
    return rec[["USUBJID", "ADT"]]


def _start_dates(adsl: pd.DataFrame, adrs: pd.DataFrame, start) -> pd.Series:
    if start == "TRTSDT" or start is None:
        return adsl.loc[adsl["SAFFL"] == "Y"].set_index("USUBJID")["TRTSDT"].dropna()
    first = _match(adrs, start["first"]).groupby("USUBJID")["ADT"].min()
    return first


def _event_dates(adsl: pd.DataFrame, adrs: pd.DataFrame, events: list[dict], start: pd.Series) -> pd.DataFrame:
    found = []
    for spec in events:
        if "adsl" in spec:
            d = adsl.set_index("USUBJID")[spec["adsl"]].dropna().rename("ADT").reset_index()
            desc = spec.get("label", spec["adsl"])
        else:
            d = _match(adrs, spec)
            if "after" in spec:
                first = _match(adrs, spec["after"]).groupby("USUBJID")["ADT"].min().rename("AFTER")
                d = d.join(first, on="USUBJID", how="inner")
                d = d[d["ADT"] > d["AFTER"]][["USUBJID", "ADT"]]
            desc = spec.get("label", _describe(spec))
        d = d.join(start.rename("STARTDT"), on="USUBJID", how="inner")
        d = d[d["ADT"] > d["STARTDT"]] if "adsl" not in spec else d[d["ADT"] >= d["STARTDT"]]
        found.append(d.assign(EVNTDESC=desc, SRCDOM="ADSL" if "adsl" in spec else "ADRS"))
    if not found:
        return pd.DataFrame(columns=["USUBJID", "ADT", "EVNTDESC", "SRCDOM"])
    allev = pd.concat(found, ignore_index=True).sort_values(["USUBJID", "ADT"], kind="stable")
    return allev.drop_duplicates("USUBJID")[["USUBJID", "ADT", "EVNTDESC", "SRCDOM"]]


def _describe(spec: dict) -> str:
    if "crit" in spec:
        return f"{spec['paramcd']} {spec['crit']} = {spec.get('value', 'N')}"
    text = f"{spec['paramcd']} = {spec.get('avalc', 'any')}"
    if "after" in spec:
        text += f" after {spec['after']['paramcd']} = {spec['after'].get('avalc', 'any')}"
    return text


def _censor_dates(adsl: pd.DataFrame, adrs: pd.DataFrame, censor: dict, start: pd.Series) -> pd.DataFrame:
    if "adsl" in censor:
        d = adsl.set_index("USUBJID")[censor["adsl"]].dropna().rename("ADT").reset_index()
        desc = f"last known alive ({censor['adsl']})"
    else:
        d = _match(adrs, {"paramcd": censor["paramcd"]})
        desc = f"last {censor['paramcd']} assessment"
    d = d.join(start.rename("STARTDT"), on="USUBJID", how="inner")
    d = d[d["ADT"] >= d["STARTDT"]].groupby("USUBJID")["ADT"].max().rename("ADT").reset_index()
    return d.assign(CNSDTDSC=desc)


def derive_tte_param(adsl: pd.DataFrame, adrs: pd.DataFrame | _Sources, spec: dict) -> pd.DataFrame:
    """One ADTTE parameter from its declarative ``spec`` (see the module rules); ``adrs`` may be given as the
    records its sources may take (:class:`_Sources`), split once for several parameters."""
    if not isinstance(adrs, _Sources):
        adrs = _Sources(adrs)
    start = _start_dates(adsl, adrs, spec.get("start", "TRTSDT"))
    if not len(start):
        return pd.DataFrame()
    events = _event_dates(adsl, adrs, spec["events"], start)
    censors = _censor_dates(adsl, adrs, spec["censor"], start)
    out = pd.DataFrame({"USUBJID": start.index, "STARTDT": start.to_numpy()})
    out = out.merge(events, on="USUBJID", how="left").merge(
        censors.rename(columns={"ADT": "CNSDT"}), on="USUBJID", how="left")
    has_event = out["ADT"].notna()
    out["CNSR"] = np.where(has_event, 0, 1)
    out["CNSDT"] = out["CNSDT"].fillna(out["STARTDT"])
    out["CNSDTDSC"] = np.where(has_event, "", out["CNSDTDSC"].fillna("no assessment after the start"))
    out["ADT"] = out["ADT"].where(has_event, out["CNSDT"])
    out["EVNTDESC"] = out["EVNTDESC"].where(has_event, "")
    out["SRCDOM"] = out["SRCDOM"].where(has_event, "ADSL" if "adsl" in spec["censor"] else "ADRS")
    out["AVAL"] = ((out["ADT"] - out["STARTDT"]).dt.days + 1).astype("float64")
    out["PARAMCD"], out["PARAM"], out["AVALU"] = spec["paramcd"], spec.get("param", spec["paramcd"]), "DAYS"
    return out.drop(columns=["CNSDT"])


ADTTE_ORDER = ["STUDYID", "USUBJID", "ARM", "TRTP", "TRTA", "PARCAT1", "PARAMCD", "PARAM", "PARAMN", "STARTDT", "ADT", "AVAL", "AVALU", "CNSR",
               "EVNTDESC", "CNSDTDSC", "SRCDOM"]


def derive_bcell_recovery(adlb: pd.DataFrame, adsl: pd.DataFrame, *, below: float) -> pd.DataFrame:
    """Parameter TTBREC, time to B-cell recovery, for each infused subject with B-cell aplasia.

    Aplasia: a post-infusion CD19+ B-cell count (ADLB ``BCELL``) below ``below`` cells/uL. Recovery (the
    event): the first later count at or above it; without recovery the subject is censored at the last
    count. Origin: the infusion date; AVAL = days from it, inclusive, as for the other parameters.
    """
    rec = adlb.loc[adlb["PARAMCD"] == "BCELL", ["USUBJID", "ADT", "AVAL"]].dropna()
    rec = rec.merge(adsl.loc[adsl["SAFFL"] == "Y", ["USUBJID", "TRTSDT"]], on="USUBJID", how="inner")
    rec = rec[rec["ADT"] > rec["TRTSDT"]].sort_values(["USUBJID", "ADT"], kind="stable")
    low = rec["AVAL"] < below
    if not low.any():
        return pd.DataFrame(columns=["USUBJID", "STARTDT", "ADT", "AVAL", "CNSR"])
    first_low = rec[low].groupby("USUBJID")["ADT"].min().rename("LOWDT")
    rec = rec.merge(first_low.reset_index(), on="USUBJID", how="inner")
    recovered = rec[(rec["ADT"] > rec["LOWDT"]) & (rec["AVAL"] >= below)].groupby("USUBJID")["ADT"].min()
    last = rec.groupby("USUBJID")[["ADT", "TRTSDT"]].max()
    out = last.rename(columns={"TRTSDT": "STARTDT"}).reset_index()
    event = out["USUBJID"].map(recovered)
    out["CNSR"] = np.where(event.notna(), 0.0, 1.0)
    out["ADT"] = event.fillna(out["ADT"]).astype("datetime64[ns]")
    out["AVAL"] = ((out["ADT"] - out["STARTDT"]).dt.days + 1).astype("float64")
    out["EVNTDESC"] = np.where(event.notna(), f"B-cell count >= {below:g} cells/uL", "")
    out["CNSDTDSC"] = np.where(event.notna(), "", "last B-cell count")
    return out.assign(PARCAT1="B-CELL", PARAMCD="TTBREC", PARAM="Time to B-cell recovery (days)", AVALU="DAYS",
                      SRCDOM="ADLB")


def _adrs_sources(spec: dict) -> list[dict]:
    """The ADRS records a parameter's spec names: its events (and what each must follow), the first record
    that starts it, its censoring records."""
    named = []
    for source in [*spec["events"], spec["censor"], *([spec["start"]["first"]] if isinstance(spec.get("start"),
                                                                                          dict) else [])]:
        if "paramcd" in source:
            named.append(source)
            if "after" in source:
                named.append(source["after"])
    return named


def adrs_columns(specs: list[dict]) -> list[str]:
    """The ADRS variables :func:`efficacy_parameters` reads: a job reads only these."""
    crits = sorted({source["crit"] for spec in specs for source in _adrs_sources(spec) if "crit" in source})
    return ["USUBJID", "PARAMCD", "ADT", "AVALC", "DTYPE", *crits]


def efficacy_parameters(adsl: pd.DataFrame, adrs: pd.DataFrame, specs: list[dict]) -> tuple[list[pd.DataFrame],
                                                                                        list[str]]:
    """The configured parameters (PARCAT1 EFFICACY), one frame each, and the reasons for those not derived."""
    parts, skipped = [], []
    known = set(adrs["PARAMCD"]) if len(adrs) else set()
    # the records every source may take, with the variables it reads, split by parameter once
    records = _Sources(adrs[[c for c in adrs_columns(specs) if c in adrs]])
    for spec in specs:
        needed = {s["paramcd"] for s in spec["events"] if "paramcd" in s}
        if "paramcd" in spec["censor"]:
            needed.add(spec["censor"]["paramcd"])
        if needed - known:
            skipped.append(f"{spec['paramcd']}: ADRS has no {', '.join(sorted(needed - known))}")
            continue
        part = derive_tte_param(adsl, records, spec)
        if len(part):
            parts.append(part.assign(PARCAT1="EFFICACY"))
        else:
            skipped.append(f"{spec['paramcd']}: no subject has a start date")
    return parts, skipped


def assemble_adtte(adsl: pd.DataFrame, parts: list[pd.DataFrame]) -> pd.DataFrame:
    """ADTTE from its parameters' frames (:func:`efficacy_parameters`, :func:`derive_bcell_recovery`), in
    that order: subject variables added, sorted by parameter and subject."""
    parts = [part for part in parts if len(part)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ADTTE_ORDER})
    out = pd.concat(parts, ignore_index=True)
    out["STUDYID"] = adsl["STUDYID"].iloc[0]
    out["ARM"] = out["USUBJID"].map(adsl.set_index("USUBJID")["TRT01A"])
    out = out.assign(**treatment_columns(out["USUBJID"], adsl), PARAMN=parameter_numbers(out["PARAMCD"]))
    out = out[ADTTE_ORDER].sort_values(["PARAMCD", "USUBJID"], kind="stable").reset_index(drop=True)
    out["CNSR"] = out["CNSR"].astype("float64")
    return out


def build_adtte(adsl: pd.DataFrame, adrs: pd.DataFrame, specs: list[dict], *, adlb: pd.DataFrame | None = None,
                bcell_below: float = 5.0) -> tuple[pd.DataFrame, list[str]]:
    """All configured parameters (PARCAT1 EFFICACY) and, with ``adlb``, the time to B-cell recovery
    (PARCAT1 B-CELL); returns ADTTE and the reasons for parameters not derived."""
    parts, skipped = efficacy_parameters(adsl, adrs, specs)
    if adlb is not None:
        parts.append(derive_bcell_recovery(adlb, adsl, below=bcell_below))
    return assemble_adtte(adsl, parts), skipped
