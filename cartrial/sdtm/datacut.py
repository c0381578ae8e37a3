"""Apply a data cut to SDTM-like domains.

Rules (after the pharmaverse ``datacutr`` conventions):

1. A subject is in the cut when consent (``DM.RFICDTC``) is on or before the
   cut date; a missing consent date keeps the subject (and is listed).
2. A record of another domain is removed when its timing variable
   (``contract.CUT_DATE_VARIABLE``) lies after the cut. A partial date is
   compared at its earliest possible day (``2025-03`` is kept for a cut on
   2025-03-15). A record with no date is kept and listed as a data issue.
3. Dates after the cut are reset in kept records: a death, an end of study,
   an infusion after the cut (``DM.DTHFL``/``DTHDTC``, ``RFENDTC``,
   ``RFXSTDTC``), and the end dates of AEs, medications and exposure (which
   become ongoing at the cut).

Reference: datacutr (pharmaverse), vignette "Data cut processing".
"""
from __future__ import annotations

import pandas as pd

from cartrial.dates import dtc_to_date
from cartrial.sdtm.contract import CUT_DATE_VARIABLE
from cartrial.sdtm.errors import Finding, sheet_row

END_DATES = {"AE": ["AEENDTC"], "CM": ["CMENDTC"], "EX": ["EXENDTC"], "DM": ["RFENDTC", "RFXSTDTC"]}


def _after(values: pd.Series, cut: pd.Timestamp) -> pd.Series:
    return dtc_to_date(values, impute="first") > cut


def enrolled_subjects(dm: pd.DataFrame, *, cut: str | pd.Timestamp, file: str) -> tuple[pd.DataFrame, list[Finding]]:
    """Every DM subject with ``ENROLLED`` (consent on or before the cut, or no consent date).

    A missing consent date keeps the subject and is listed as a data issue.
    """
    consent = dm["RFICDTC"] if "RFICDTC" in dm else pd.Series(pd.NA, index=dm.index, dtype=object)
    late = _after(consent, pd.Timestamp(cut))
    issues = [Finding("DM", file, sheet_row(i), "RFICDTC", "consent date missing: subject kept in the cut", None,
                      dm.at[i, "USUBJID"], severity="warning", action="kept")
              for i in consent.index[consent.isna()]]
    return pd.DataFrame({"USUBJID": dm["USUBJID"].to_numpy(), "ENROLLED": ~late.to_numpy()}), issues


def in_cut(subjects: pd.DataFrame) -> set:
    """The subjects of :func:`enrolled_subjects` that are in the cut."""
    return set(subjects.loc[subjects["ENROLLED"], "USUBJID"])


def cut_domain(domain: str, frame: pd.DataFrame, *, cut: str | pd.Timestamp, enrolled: set,
               file: str) -> tuple[pd.DataFrame, dict, list[Finding]]:
    """Cut one domain: the kept records, its reconciliation row and its data issues."""
    cut = pd.Timestamp(cut)
    issues: list[Finding] = []
    n_read = len(frame)
    in_cut = frame["USUBJID"].isin(enrolled) if "USUBJID" in frame else pd.Series(True, index=frame.index)
    removed_after = pd.Series(False, index=frame.index)
    datevar = CUT_DATE_VARIABLE.get(domain)
    if datevar and datevar in frame:
        removed_after = _after(frame[datevar], cut) & in_cut
        for i in frame.index[frame[datevar].isna() & in_cut]:
            issues.append(Finding(domain, file, sheet_row(i), datevar,
                                  "record has no date: kept, cannot be placed relative to the cut",
                                  None, frame.at[i, "USUBJID"], severity="warning", action="kept"))
    keep = (in_cut & ~removed_after).to_numpy()
    kept = frame if keep.all() else frame[keep]
    if domain == "DM" or domain in END_DATES:
        kept = kept.copy()  # dates after the cut are reset below; the caller's frame stays as it was
    if domain == "DM" and "DTHDTC" in kept:
        dead_late = _after(kept["DTHDTC"], cut)
        kept.loc[dead_late, "DTHDTC"] = pd.NA
        if "DTHFL" in kept:
            kept.loc[dead_late, "DTHFL"] = pd.NA
    for col in END_DATES.get(domain, []):
        if col in kept:
            kept.loc[_after(kept[col], cut), col] = pd.NA
    recon = {"domain": domain, "file": file, "read": n_read, "removed_not_enrolled": int((~in_cut).sum()),
             "removed_after_cut": int(removed_after.sum()), "kept": len(kept)}
    if not kept.index.equals(pd.RangeIndex(len(kept))):
        kept = kept if kept is not frame else frame.copy(deep=False)
        kept.index = pd.RangeIndex(len(kept))  # no copy of the columns (reset_index would copy them)
    return kept, recon, issues


def apply_data_cut(domains: dict[str, pd.DataFrame], *, cut: str | pd.Timestamp,
                   files: dict[str, str]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, list[Finding]]:
    """Cut every domain at ``cut``.

    Returns the cut domains, a reconciliation frame (one row per domain:
    ``read``, ``removed_not_enrolled``, ``removed_after_cut``, ``kept``), and
    data-issue findings (records without a date, dates reset).
    """
    subjects, issues = enrolled_subjects(domains["DM"], cut=cut, file=files["DM"])
    enrolled = in_cut(subjects)
    out: dict[str, pd.DataFrame] = {}
    recon = []
    for domain, frame in domains.items():
        out[domain], row, found = cut_domain(domain, frame, cut=cut, enrolled=enrolled, file=files[domain])
        recon.append(row)
        issues += found
    return out, pd.DataFrame(recon), issues
