"""One normalisation point for the terms that drive derivations (input contract, ``Column.case``).

Real SDTM arrives with terms in any case and with stray spaces: ``CYTOKINE RELEASE SYNDROME`` (MedDRA
text as many sponsors and the CDISC pilot deliver it), ``Completed``, ``Car-T``, ``mg/dl``. Every term
column of the contract is normalised here, before the contract checks, so that:

- a closed list (``Column.terms``: SEX, ETHNIC, COUNTRY, AGEU, AESER, ...) matches whatever the case and
  spacing, and the frame holds the list's own spelling; anything else stays as written, so the contract
  check stops the run naming the value;
- an open list (``Column.known``: DSDECOD, EXCAT, CMCAT, RSCAT, the syndrome preferred terms, ...) gives
  its own spelling to the terms it knows; other terms are kept (and listed when ``list_unknown``);
- CDISC controlled terminology (``upper``) is upper case, as CDISC publishes it;
- coded text (``dictionary``: MedDRA terms, drug names, arm names) keeps its spelling, but spellings that
  differ only in case or spacing are one term: the most frequent spelling is used for all (listed);
- units (``unit``) are written as the unit table writes them (``MG/DL`` is ``mg/dL``).

Internal runs of white space become one space everywhere. Reference: CDISC SDTMIG v3.4 section 4.3
(controlled terminology is case-sensitive as published; submission values of CDISC CT are upper case).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.sdtm.contract import DICTIONARY, DOMAINS, UNIT, UPPER, Column
from cartrial.sdtm.errors import Finding, sheet_row


def unit_spellings() -> dict[str, str]:
    """Every unit of the unit tables, by its case-folded form."""
    from cartrial.sdtm.units import LB_UNITS, PC_UNITS, VS_UNITS

    out: dict[str, str] = {}
    for table in (LB_UNITS, VS_UNITS):
        for std, others in table.values():
            for unit in (std, *others):
                out.setdefault(unit.casefold(), unit)
    for unit in PC_UNITS:
        out.setdefault(unit.casefold(), unit)
    return out


def _canonical(col: Column) -> dict[str, str]:
    if col.case == UNIT:
        return unit_spellings()
    return {t.casefold(): t for t in (col.terms or col.known or ())}


def _spread(codes: np.ndarray, values: list) -> np.ndarray:
    out = np.array(values + [np.nan], dtype=object)
    return out[np.where(codes < 0, len(values), codes)]


def normalise_column(values: pd.Series, col: Column, *, domain: str, file: str,
                     usubjid: pd.Series | None = None) -> tuple[pd.Series, list[Finding]]:
    """``values`` with its terms normalised (worked out once per distinct value), and the findings."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if not len(uniques):
        return values, []
    canonical = _canonical(col)
    text = [" ".join(str(v).split()) for v in uniques]
    out = []
    for v in text:
        hit = canonical.get(v.casefold())
        out.append(hit if hit is not None else (v.upper() if col.case == UPPER else v))
    findings: list[Finding] = []
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    seen, at = np.unique(codes, return_index=True)  # the first record of each distinct value
    first = dict(zip(seen.tolist(), at.tolist()))

    def where(k: int) -> tuple[int, str | None]:
        i = first[k]
        subj = None if usubjid is None or pd.isna(usubjid.iloc[i]) else str(usubjid.iloc[i])
        return sheet_row(i), subj

    if col.case == DICTIONARY:
        groups: dict[str, list[int]] = {}
        for k, v in enumerate(out):
            groups.setdefault(v.casefold(), []).append(k)
        for members in groups.values():
            spellings: dict[str, int] = {}
            for k in members:
                spellings[out[k]] = spellings.get(out[k], 0) + int(counts[k])
            if len(spellings) < 2:
                continue
            chosen = sorted(spellings, key=lambda s: (-spellings[s], s))[0]
            row, subj = where(members[0])
            findings.append(Finding(domain, file, row, col.name,
                                    "spellings that differ only in case or spacing are one term",
                                    " | ".join(sorted(spellings)), subj, severity="warning",
                                    action=f"analysed as {chosen!r}"))
            for k in members:
                out[k] = chosen
    if col.known is not None and col.list_unknown:
        for k, v in enumerate(out):
            if v.casefold() not in canonical:
                row, subj = where(k)
                findings.append(Finding(domain, file, row, col.name,
                                        f"{domain}.{col.name} term is not one the analyses use "
                                        f"({', '.join(col.known)})", v, subj, severity="warning",
                                        action=f"{int(counts[k])} record(s) kept, not analysed"))
    if out == list(uniques):
        return values, findings
    return pd.Series(_spread(codes, out), index=values.index, dtype=object, name=values.name), findings


def normalise_terms(frame: pd.DataFrame, domain: str, *, file: str) -> tuple[pd.DataFrame, list[Finding]]:
    """Every term column of ``domain`` present in ``frame`` normalised; the frame is not changed in place."""
    out = frame.copy(deep=False)
    findings: list[Finding] = []
    subj = frame["USUBJID"] if "USUBJID" in frame else None
    for col in DOMAINS[domain].columns:
        if col.name not in out or not (col.case or col.terms or col.known):
            continue
        out[col.name], found = normalise_column(out[col.name], col, domain=domain, file=file, usubjid=subj)
        findings += found
    return out, findings
