"""Contract checks of one domain, built with pandera from ``contract.DOMAINS``.

Each failed check becomes a ``Finding`` naming file, data row (1-based),
column and the rule broken; all findings of a file are collected before the
run stops (``lazy`` validation), so a user fixes them in one pass.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cartrial.dates import classify_dtc
from cartrial.distinct import per_distinct
from cartrial.sdtm.contract import (
    BILAG_DOMAINS, DATE, DOMAINS, NUM, SLEDAI_CATEGORIES, SLEDAI_ITEMS, Column, DomainSpec,
)
from cartrial.sdtm.errors import Finding, InputDataError, sheet_row

if TYPE_CHECKING:
    import pandera.pandas as pa


def to_number(values: pd.Series) -> pd.Series:
    """Text as float64 (NaN where it is not a number), parsed once per distinct value."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    return per_distinct(values, lambda v: pd.to_numeric(v, errors="coerce").astype("float64"))


def _numeric_check(col: Column) -> list[pa.Check]:
    import pandera.pandas as pa

    checks = [pa.Check(lambda s: to_number(s).notna() | s.isna(), name="is a number"),
              pa.Check(lambda s: ~to_number(s).isin([np.inf, -np.inf]), name="is a finite number (not inf)")]
    if col.min is not None:
        checks.append(pa.Check(lambda s, lo=col.min: ~(to_number(s) < lo), name=f"is at least {col.min:g}"))
    if col.max is not None:
        checks.append(pa.Check(lambda s, hi=col.max: ~(to_number(s) > hi), name=f"is at most {col.max:g}"))
    return checks


def _date_check() -> pa.Check:
    import pandera.pandas as pa

    def ok(s: pd.Series) -> pd.Series:
        status = classify_dtc(s)["status"]
        return status.isin(["full", "partial", "missing"])
    return pa.Check(ok, name="is an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD[Thh:mm[:ss]]) that exists")


def build_schema(spec: DomainSpec) -> pa.DataFrameSchema:
    """The pandera schema of a domain (text frame as produced by the readers)."""
    import pandera.pandas as pa  # imported where used: the workflow's parse imports this module

    columns = {}
    for col in spec.columns:
        checks: list[pa.Check] = []
        if col.kind == NUM:
            checks += _numeric_check(col)
        elif col.kind == DATE:
            checks.append(_date_check())
        if col.terms is not None:
            checks.append(pa.Check(lambda s, t=col.terms: s.isin(t) | s.isna(),
                                   name=f"is one of {', '.join(col.terms)}"))
        columns[col.name] = pa.Column(
            object, checks=checks, nullable=col.nullable, required=col.required, coerce=False,
        )
    unique = list(spec.keys) if spec.keys else None
    return pa.DataFrameSchema(columns, unique=unique, strict=False, coerce=False)


def _describe_check(check: str, column: str | None) -> str:
    if check in ("not_nullable",):
        return "required value is missing"
    if check == "column_in_dataframe":
        return "required column is missing"
    if check.startswith("field_uniqueness") or check == "multiple_fields_uniqueness" or "unique" in check:
        return "duplicate key (the key columns must identify one record)"
    if check.startswith("dtype"):
        return "wrong type"
    return check


def _findings_from_pandera(err: pa.errors.SchemaErrors, frame: pd.DataFrame, domain: str,
                           file: str) -> list[Finding]:
    cases = err.failure_cases
    findings = []
    for case in cases.itertuples(index=False):
        check = str(case.check)
        column = case.column if isinstance(case.column, str) else None
        idx = case.index
        row = sheet_row(int(idx)) if idx is not None and not pd.isna(idx) else None
        value = None if pd.isna(case.failure_case) else str(case.failure_case)
        if check == "column_in_dataframe":
            column, value = value, None
        if check in ("multiple_fields_uniqueness",) and row is not None:
            value = None
        usubjid = None
        if row is not None and "USUBJID" in frame.columns:
            subj = frame["USUBJID"].iloc[row - 2]
            usubjid = None if pd.isna(subj) else str(subj)
        rule = _describe_check(check, column)
        if check not in ("column_in_dataframe", "not_nullable") and not rule.startswith("duplicate"):
            rule = f"value must satisfy: {rule}"
        findings.append(Finding(domain, file, row, column, f"{domain}.{column or ''} {rule}".strip(),
                                value, usubjid))
    return sorted(findings, key=lambda f: (f.row or 0, f.column or ""))


def _rs_value_rules(frame: pd.DataFrame) -> list[tuple[pd.Series, str, str]]:
    """Instrument-specific value rules of RS (docs/spec/sdtm-input.md, RS table)."""
    cat, test = frame["RSCAT"], frame["RSTESTCD"]
    stresc = frame.get("RSSTRESC", pd.Series(np.nan, index=frame.index, dtype=object))
    stresn = to_number(frame.get("RSSTRESN", pd.Series(np.nan, index=frame.index)))
    is_sledai = cat.isin(SLEDAI_CATEGORIES)
    item = is_sledai & test.isin(SLEDAI_ITEMS)
    bilag = (cat == "BILAG-2004") & test.isin(BILAG_DOMAINS)
    pga = (cat == "PGA") & (test == "PGA")
    sdi = (cat == "SLICC/ACR DI") & (test == "SDITOT")
    return [
        (is_sledai & ~test.isin(SLEDAI_ITEMS + ("TOTAL",)), "RSTESTCD",
         "RS SLEDAI test code must be one of the 24 descriptors or TOTAL"),
        (item & stresc.notna() & ~stresc.isin(["Y", "N"]), "RSSTRESC",
         "RS SLEDAI descriptor must be Y (present) or N (absent)"),
        ((cat == "BILAG-2004") & ~test.isin(BILAG_DOMAINS), "RSTESTCD",
         "RS BILAG-2004 domain must be one of " + ", ".join(BILAG_DOMAINS)),
        (bilag & stresc.notna() & ~stresc.isin(list("ABCDE")), "RSSTRESC",
         "RS BILAG-2004 grade must be A, B, C, D or E"),
        (pga & stresn.notna() & ~stresn.between(0, 3), "RSSTRESN", "RS PGA must lie in 0-3"),
        (sdi & stresn.notna() & ~stresn.between(0, 47), "RSSTRESN", "RS SDI total must lie in 0-47"),
    ]


def _repeated(frame: pd.DataFrame, keys: tuple[str, ...], what: str) -> tuple[pd.Series, str, str]:
    """Records that repeat one measurement (same key); the pipeline will not choose between them."""
    cols = [k for k in keys if k in frame]
    mask = frame.duplicated(cols, keep=False) & frame[cols[-1]].notna()
    return mask, cols[-1], f"{what} recorded twice (same {', '.join(cols)}): keep one record"


def _ex_value_rules(frame: pd.DataFrame) -> list[tuple[pd.Series, str, str]]:
    if "EXCAT" not in frame or "EXDOSE" not in frame:
        return []
    dose = to_number(frame["EXDOSE"])
    return [((frame["EXCAT"] == "CAR-T") & (dose == 0), "EXDOSE",
             "EX CAR-T infusion with dose 0: an infusion that was not given has no EX record")]


VALUE_RULES = {
    "RS": lambda f: _rs_value_rules(f) + [_repeated(f, ("USUBJID", "RSCAT", "RSTESTCD", "VISITNUM", "RSDTC"),
                                                    "RS item")],
    "PC": lambda f: [_repeated(f, ("USUBJID", "PCTESTCD", "VISITNUM", "PCDTC"), "PC sample result")],
    "EX": _ex_value_rules,
}


def validate_domain(frame: pd.DataFrame, domain: str, *, file: str) -> pd.DataFrame:
    """Check ``frame`` against the contract of ``domain``; return it typed.

    Raises ``InputDataError`` listing every finding. On success numeric
    columns are float64 and all other columns text (dates stay ISO strings).
    """
    import pandera.pandas as pa

    spec = DOMAINS[domain]
    schema = build_schema(spec)
    findings: list[Finding] = []
    try:
        schema.validate(frame, lazy=True, inplace=True)  # checks only (coerce=False): no copy of the frame
    except pa.errors.SchemaErrors as err:
        findings += _findings_from_pandera(err, frame, domain, file)
    if not findings and domain in VALUE_RULES:
        for mask, column, rule in VALUE_RULES[domain](frame):
            for i in np.flatnonzero(mask.to_numpy()):
                findings.append(Finding(domain, file, sheet_row(i), column, rule,
                                        None if pd.isna(frame[column].iloc[i]) else str(frame[column].iloc[i]),
                                        frame["USUBJID"].iloc[i]))
    if findings:
        raise InputDataError(findings)
    typed = frame.copy(deep=False)  # the text columns are shared, the numeric ones replaced
    for col in spec.columns:
        if col.kind == NUM and col.name in typed:
            typed[col.name] = to_number(typed[col.name])
    return typed


def check_subjects_in_dm(domains: dict[str, pd.DataFrame], files: dict[str, str]) -> None:
    """Every USUBJID of every domain must be a DM subject (referential integrity)."""
    known = set(domains["DM"]["USUBJID"])
    findings = []
    for domain, frame in domains.items():
        if domain == "DM" or "USUBJID" not in frame:
            continue
        orphan = ~frame["USUBJID"].isin(known)
        for i in np.flatnonzero(orphan.to_numpy()):
            findings.append(Finding(domain, files[domain], sheet_row(i), "USUBJID",
                                    "subject is not in DM (every subject must have a DM record)",
                                    str(frame["USUBJID"].iloc[i]), str(frame["USUBJID"].iloc[i])))
    if findings:
        raise InputDataError(findings)
