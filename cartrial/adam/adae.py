"""ADAE: adverse events with imputed dates, treatment emergence, grades, AESI and CAR-T syndromes.

Rules (ADaMIG v1.3 OCCDS; admiral ``derive_vars_dt`` with ``highest_imputation = "M"``):

- Start date ``ASTDT``: a complete date is taken as is. A partial start is
  completed to the first day of its month (``YYYY-MM``, ``ASTDTF`` = D) or of
  its year (``YYYY``, ``ASTDTF`` = M); when that period contains the infusion
  date and the event did not end before the infusion, the infusion date is
  used instead, so that an event in the infusion month that may be
  treatment-emergent is counted as such. A missing start is imputed to the
  infusion date under the same condition (``ASTDTF`` = Y), else left missing.
- End date ``AENDT``: a partial end is completed to the last day of its month
  or year (``AENDTF``), never after the death date or the data cut.
- ``TRTEMFL`` = Y when ``ASTDT`` >= infusion date (``TRTSDT``); events of
  infused subjects before the infusion and on or after the start of
  lymphodepletion get ``LDEMFL`` = Y and are summarised separately.
- ``ATOXGRN`` = numeric ``AETOXGR``; ``FATALFL`` = Y for grade 5 or outcome FATAL.
- ``RELFL`` = Y when ``AEREL`` is a related term (config; default RELATED,
  POSSIBLY RELATED, PROBABLY RELATED, DEFINITELY RELATED, Y).
- ``SYNDROME`` from the preferred term (docs/spec/sdtm-input.md): CRS, ICANS,
  AGVHD, CGVHD, ICAHT; ``AESIFL`` = Y for configured AESI terms or SOCs and
  every CAR-T syndrome.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.adam.traceability import source_columns, treatment_columns
from cartrial.dates import classify_dtc, dtc_to_date, imputation_flag, study_day
from cartrial.sdtm.contract import SYNDROME_TERMS

SYNDROMES = SYNDROME_TERMS  # preferred term -> syndrome code (the input contract's table)
#: GVHD staging from the AE supplemental qualifiers (docs/spec/sdtm-input.md, AE): kept when present
GVHD_QUALIFIERS = ("AGVHSKIN", "AGVHLIVR", "AGVHUGI", "AGVHLGI", "AGVHGR", "CGVHSEV")
RELATED_TERMS = ("RELATED", "POSSIBLY RELATED", "PROBABLY RELATED", "DEFINITELY RELATED", "Y")


def derive_start_date(ae: pd.DataFrame, trtsdt: pd.Series) -> pd.DataFrame:
    """``ASTDT`` and ``ASTDTF`` by the module's imputation rule (``trtsdt`` aligned on ``ae``)."""
    parts = classify_dtc(ae["AESTDTC"])
    first = dtc_to_date(ae["AESTDTC"], impute="first")
    last = dtc_to_date(ae["AESTDTC"], impute="last")
    end = dtc_to_date(ae["AEENDTC"], impute="last") if "AEENDTC" in ae else pd.Series(pd.NaT, index=ae.index)
    not_ended_before = end.isna() | (end >= trtsdt)
    partial = parts["status"] == "partial"
    missing = parts["status"] == "missing"
    contains_trt = partial & (first <= trtsdt) & (trtsdt <= last)
    astdt = first.where(~(contains_trt & not_ended_before), trtsdt)
    astdt = astdt.where(~missing, trtsdt.where(not_ended_before & trtsdt.notna()))
    flag = np.where(missing & astdt.notna(), "Y", imputation_flag(parts))
    return pd.DataFrame({"ASTDT": astdt.astype("datetime64[ns]"), "ASTDTF": flag}, index=ae.index)


def derive_end_date(ae: pd.DataFrame, cap: pd.Series) -> pd.DataFrame:
    """``AENDT`` (partial dates at their last possible day, capped at ``cap``) and ``AENDTF``."""
    if "AEENDTC" not in ae:
        return pd.DataFrame({"AENDT": pd.NaT, "AENDTF": ""}, index=ae.index)
    parts = classify_dtc(ae["AEENDTC"])
    last = dtc_to_date(ae["AEENDTC"], impute="last")
    partial = parts["status"] == "partial"
    capped = last.where(~(partial & cap.notna() & (last > cap)), cap)
    flag = imputation_flag(parts)
    return pd.DataFrame({"AENDT": capped.astype("datetime64[ns]"), "AENDTF": flag}, index=ae.index)


def syndrome_of(decod: pd.Series) -> pd.Series:
    """The CAR-T syndrome code of each preferred term (the input contract's table, any case), blank if none."""
    return decod.fillna("").astype(str).str.casefold().map(
        {k.casefold(): v for k, v in SYNDROMES.items()}).fillna("")


def _fold(terms) -> list[str]:
    return [str(t).casefold() for t in terms]


def _folded(col: pd.Series | None, index: pd.Index) -> pd.Series:
    """Text of ``col`` in case-folded form, blank where missing (an absent column is all blank)."""
    if col is None:
        return pd.Series("", index=index)
    return col.fillna("").astype(str).str.casefold()


def build_adae(ae: pd.DataFrame, adsl: pd.DataFrame, *, cut: str, aesi_terms: list[str] = (),
               aesi_socs: list[str] = (), related_terms: tuple[str, ...] = RELATED_TERMS) -> pd.DataFrame:
    """Build ADAE from the cut AE domain and ADSL (one record per AE record; none is dropped)."""
    cols = ["USUBJID", "TRT01A", "TRTSDT", "LDSTDT", "SAFFL", "DTHDT", "AGE"]
    out = ae.merge(adsl[cols], on="USUBJID", how="left", validate="many_to_one")
    out = out.rename(columns={"TRT01A": "ARM"})
    out = pd.concat([out, derive_start_date(out, out["TRTSDT"])], axis=1)
    cap = out["DTHDT"].fillna(pd.Timestamp(cut))
    out = pd.concat([out, derive_end_date(out, cap)], axis=1)
    out["ASTDY"] = study_day(out["ASTDT"], out["TRTSDT"])
    out["AENDY"] = study_day(out["AENDT"], out["TRTSDT"])
    out["ADURN"] = ((out["AENDT"] - out["ASTDT"]).dt.days + 1).astype("float64")
    infused = out["TRTSDT"].notna()
    out["TRTEMFL"] = np.where(infused & (out["ASTDT"] >= out["TRTSDT"]), "Y", "")
    out["LDEMFL"] = np.where(infused & out["LDSTDT"].notna() & (out["ASTDT"] >= out["LDSTDT"])
                             & (out["ASTDT"] < out["TRTSDT"]), "Y", "")
    grade = pd.to_numeric(out.get("AETOXGR"), errors="coerce")
    out["ATOXGRN"] = grade.astype("float64")
    outcome = out.get("AEOUT", pd.Series("", index=out.index)).fillna("")
    out["FATALFL"] = np.where((grade == 5) | (outcome.astype(str).str.upper() == "FATAL"), "Y", "")
    # terms are compared case-blind: configured terms and MedDRA text arrive in either case
    rel = _folded(out.get("AEREL"), out.index)
    out["RELFL"] = np.where(rel.isin(_fold(related_terms)), "Y", "")
    pt, soc = _folded(out["AEDECOD"], out.index), _folded(out.get("AEBODSYS"), out.index)
    out["SYNDROME"] = syndrome_of(out["AEDECOD"])
    out["AESIFL"] = np.where(pt.isin(_fold(aesi_terms)) | soc.isin(_fold(aesi_socs)) | (out["SYNDROME"] != ""),
                             "Y", "")
    out["INFFL"] = np.where(soc == "infections and infestations", "Y", "")
    out["AESER"] = out.get("AESER", pd.Series("", index=out.index)).fillna("")
    out = out.assign(**source_columns(out, "AE", "AETERM"), **treatment_columns(out["USUBJID"], adsl))
    keep = ["STUDYID", "USUBJID", "ARM", "TRTP", "TRTA", "SAFFL", "TRTSDT", "AESEQ", "AETERM", "AEDECOD", "AEBODSYS", "AESTDTC",
            "AEENDTC", "ASTDT", "ASTDTF", "AENDT", "AENDTF", "ASTDY", "AENDY", "ADURN", "AETOXGR", "ATOXGRN", "AESER",
            "AEREL", "RELFL", "AEOUT", "FATALFL", "TRTEMFL", "LDEMFL", "AESIFL", "INFFL", "SYNDROME", "SRCDOM",
            "SRCVAR", "SRCSEQ"] + [q for q in GVHD_QUALIFIERS if q in out]
    for col in keep:
        if col not in out:
            out[col] = None
    out = out[keep].sort_values(["USUBJID", "AESEQ", "ASTDT"], kind="stable").reset_index(drop=True)
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].where(out[col].notna(), None)
    return out
