"""Cellular kinetics, cytokine and B-cell ARDs."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.adam.adlb import CYTOKINES
from cartrial.ard import ALL, make_ard
from cartrial.dates import study_day
from cartrial.stats.binomial import summarize_proportion
from cartrial.stats.nca import summarize_geometric
from cartrial.summaries.tte import summarize_time_to_event

#: the B-cell count of ADLB (aplasia and its recovery)
BCELL = "BCELL"
GEOMETRIC = ("CMAX", "AUCINT", "AUCINTLN", "LAMZHL")


def _by_level(frame: pd.DataFrame, levels: list[str], column: str = "ARM"):
    for lvl in [*levels, ALL]:
        yield lvl, (frame if lvl == ALL else frame[frame[column] == lvl])


def summarize_kinetics(adpp: pd.DataFrame, *, levels: list[str]) -> pd.DataFrame:
    """Per assay and parameter: geometric summaries (Tmax: median and range), persistence rates with CP CI."""
    rows = []
    for (assay, param), d in adpp.groupby(["PARCAT1", "PARAMCD"], sort=True):
        unit = d["AVALU"].dropna().iloc[0] if d["AVALU"].notna().any() else ""
        for lvl, sub in _by_level(d, levels, "TRTA"):
            base = dict(analysis="kinetics", group="ARM", group_level=lvl, variable=param, variable_level=assay,
                        unit=unit)
            if param.startswith("PERS"):
                ev = sub["AVAL"].dropna()
                stats = summarize_proportion(int((ev == 1).sum()), len(ev))
                method = "quantifiable at the visit; clopper-pearson"
            elif param in GEOMETRIC:
                stats = summarize_geometric(sub["AVAL"])
                method = "geometric mean; geometric CV% = sqrt(exp(s^2) - 1) x 100"
            else:
                x = sub["AVAL"].dropna()
                stats = {"n": len(x), "median": x.median() if len(x) else np.nan,
                         "min": x.min() if len(x) else np.nan, "max": x.max() if len(x) else np.nan}
                method = "median and range"
            rows += [{**base, "stat_name": k, "stat_value": v, "method": method} for k, v in stats.items()]
    return make_ard(rows)


def derive_cytokine_peaks(adlb: pd.DataFrame, adsl: pd.DataFrame, adae: pd.DataFrame, *,
                          days: int = 30) -> pd.DataFrame:
    """Per infused subject and marker: baseline, peak (Days 1-``days``), fold change, day of peak, max CRS grade."""
    rec = adlb[adlb["PARAMCD"].isin(CYTOKINES)]
    d = rec[["USUBJID", "PARAMCD", "ADT", "AVAL"]].dropna()
    saf = adsl.loc[adsl["SAFFL"] == "Y", ["USUBJID", "TRTSDT", "TRT01A"]].rename(columns={"TRT01A": "ARM"})
    d = d.merge(saf, on="USUBJID", how="inner")
    d["ADY"] = study_day(d["ADT"], d["TRTSDT"])
    base = d[d["ADY"] <= 1].sort_values("ADT").groupby(["USUBJID", "PARAMCD"])["AVAL"].last().rename("BASE")
    post = d[d["ADY"].between(1, days)].sort_values(["USUBJID", "PARAMCD", "AVAL", "ADT"],
                                                    ascending=[True, True, False, True])
    peak = post.groupby(["USUBJID", "PARAMCD"]).first()[["AVAL", "ADY", "ARM"]].rename(
        columns={"AVAL": "PEAK", "ADY": "PEAKDAY"})
    out = peak.join(base, how="left").reset_index()
    out["FOLD"] = out["PEAK"] / out["BASE"].where(out["BASE"] > 0)
    crs = adae[(adae["TRTEMFL"] == "Y") & (adae["SYNDROME"] == "CRS")].groupby("USUBJID")["ATOXGRN"].max()
    grade = out["USUBJID"].map(crs).fillna(0)
    out["CRSGR"] = np.where(grade >= 3, ">=3", grade.astype(int).astype(str))
    return out


def summarize_cytokines(peaks: pd.DataFrame) -> pd.DataFrame:
    """Median (range) of peak, fold change and day of peak per marker, by maximum CRS grade and overall."""
    rows = []
    groups = [(g, peaks[peaks["CRSGR"] == g]) for g in ("0", "1", "2", ">=3")] + [(ALL, peaks)]
    for lvl, sub in groups:
        for marker in CYTOKINES:
            m = sub[sub["PARAMCD"] == marker]
            for measure in ("PEAK", "FOLD", "PEAKDAY"):
                x = m[measure].dropna()
                stats = {"n": len(x), "median": x.median() if len(x) else np.nan,
                         "min": x.min() if len(x) else np.nan, "max": x.max() if len(x) else np.nan}
                rows += [dict(analysis="cytokines", group="CRSGR", group_level=lvl, variable=marker,
                              variable_level=measure, stat_name=k, stat_value=v,
                              method="per subject: highest value on Days 1-30; fold change vs baseline")
                         for k, v in stats.items()]
    return make_ard(rows)


def summarize_bcells(adtte: pd.DataFrame, adlb: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str],
                     below: float, conf_type: str, landmark_months: list[int]) -> pd.DataFrame:
    """B-cell aplasia rate (CP CI) among infused subjects with a post-infusion B-cell count, and Kaplan-Meier
    time to recovery (ADTTE TTBREC: the subjects with aplasia)."""
    counts = adlb.loc[adlb["PARAMCD"] == BCELL, ["USUBJID", "ADT"]].merge(
        adsl.loc[adsl["SAFFL"] == "Y", ["USUBJID", "TRTSDT", "TRT01A"]], on="USUBJID")
    counted = counts[counts["ADT"] > counts["TRTSDT"]].drop_duplicates("USUBJID").rename(columns={"TRT01A": "ARM"})
    tte = adtte[adtte["PARAMCD"] == "TTBREC"]
    counted = counted.assign(APLASIA=np.where(counted["USUBJID"].isin(tte["USUBJID"]), "Y", "N"))
    rows = []
    for lvl, sub in _by_level(counted, levels):
        rows += [dict(analysis="bcells", group="ARM", group_level=lvl, variable="APLASIA",
                      variable_level=f"BCELL < {below:g} cells/uL", stat_name=k, stat_value=v,
                      method="clopper-pearson")
                 for k, v in summarize_proportion(int((sub["APLASIA"] == "Y").sum()), len(sub)).items()]
    ard = make_ard(rows)
    if len(tte):
        km = summarize_time_to_event(tte, levels=levels, conf_type=conf_type, landmark_months=landmark_months)
        ard = pd.concat([ard, km.assign(analysis="bcells")], ignore_index=True)
    return make_ard(ard)
