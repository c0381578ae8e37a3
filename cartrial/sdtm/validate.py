"""Contract checks of one domain, built with pandera from ``contract.DOMAINS``.

Each failed check becomes a ``Finding`` naming file, data row (1-based),
column and the rule broken; all findings of a file are collected before the
run stops (``lazy`` validation), so a user fixes them in one pass. The checks of
each value (a number in range, a date, a term) run once per distinct value of a
column and their failures are spread back to every record holding that value.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cartrial.dates import classify_dtc
from cartrial.distinct import distinct_codes, per_distinct
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


def _numeric_check(col: Column, number) -> list[pa.Check]:
    """The checks of a numeric column; ``number`` gives a checked Series' values as numbers."""
    import pandera.pandas as pa

    checks = [pa.Check(lambda s: number(s).notna() | s.isna(), name="is a number"),
              pa.Check(lambda s: ~number(s).isin([np.inf, -np.inf]), name="is a finite number (not inf)")]
    if col.min is not None:
        checks.append(pa.Check(lambda s, lo=col.min: ~(number(s) < lo), name=f"is at least {col.min:g}"))
    if col.max is not None:
        checks.append(pa.Check(lambda s, hi=col.max: ~(number(s) > hi), name=f"is at most {col.max:g}"))
    return checks


def _date_check() -> pa.Check:
    import pandera.pandas as pa

    def ok(s: pd.Series) -> pd.Series:
        status = classify_dtc(s)["status"]
        return status.isin(["full", "partial", "missing"])
    return pa.Check(ok, name="is an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD[Thh:mm[:ss]]) that exists")


def _value_checks(col: Column, number) -> list[pa.Check]:
    """The checks of each value of a column: a number (in range; ``number`` gives a checked Series' values as
    numbers), a date, a term of a closed list."""
    import pandera.pandas as pa

    checks: list[pa.Check] = []
    if col.kind == NUM:
        checks += _numeric_check(col, number)
    elif col.kind == DATE:
        checks.append(_date_check())
    if col.terms is not None:
        checks.append(pa.Check(lambda s, t=col.terms: s.isin(t) | s.isna(), name=f"is one of {', '.join(col.terms)}"))
    return checks


def build_schema(spec: DomainSpec) -> pa.DataFrameSchema:
    """The pandera schema of a domain's columns, missing values and keys (text frame as produced by the
    readers); the checks of each value run once per distinct value (:func:`_distinct_values`)."""
    import pandera.pandas as pa  # imported where used: the workflow's parse imports this module

    columns = {col.name: pa.Column(object, nullable=col.nullable, required=col.required, coerce=False)
               for col in spec.columns}
    unique = list(spec.keys) if spec.keys else None
    return pa.DataFrameSchema(columns, unique=unique, strict=False, coerce=False)


def _distinct_values(values: pd.Series, col: Column) -> tuple[list[tuple[str, np.ndarray, np.ndarray]],
                                                               pd.Series | None]:
    """Check each distinct value of one column once (a column of a million records holds a few thousand
    distinct values). Returns, for each check some value fails, in the column's order of checks, the check and
    the positions and values of the records that fail it; and, for a numeric column, its values as float64."""
    import pandera.pandas as pa

    codes, uniques = distinct_codes(values)
    distinct = pd.Series(uniques, dtype=object, name=col.name)
    parsed = pd.to_numeric(distinct, errors="coerce").astype("float64") if col.kind == NUM else None
    checks = _value_checks(col, number=lambda s: parsed.reindex(s.index))
    failed: dict[str, np.ndarray] = {}  # check -> which distinct values fail it (and missing: never)
    try:
        pa.DataFrameSchema({col.name: pa.Column(checks=checks, nullable=True, coerce=False)}).validate(
            distinct.to_frame(), lazy=True, inplace=True)
    except pa.errors.SchemaErrors as err:
        for case in err.failure_cases.itertuples(index=False):
            failed.setdefault(str(case.check), np.zeros(len(uniques) + 1, dtype=bool))[int(case.index)] = True
    at = np.where(codes < 0, len(uniques), codes)
    cells = np.append(np.asarray(uniques, dtype=object), None)
    failures = []
    for check, bad in failed.items():  # one pass over the records per check, however many values fail it
        rows = np.flatnonzero(bad[at])
        failures.append((check, rows, cells[at[rows]]))
    number = None
    if parsed is not None:
        number = pd.Series(np.append(parsed.to_numpy(), np.nan)[at], index=values.index, name=values.name)
    return failures, number


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


def _finding(frame: pd.DataFrame, domain: str, file: str, check: str, column: str | None, idx, value
             ) -> Finding:
    """One failed check of pandera's as a finding: the record's row (``idx``, its position), the rule, the value."""
    row = sheet_row(int(idx)) if idx is not None and not pd.isna(idx) else None
    value = None if pd.isna(value) else str(value)
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
    return Finding(domain, file, row, column, f"{domain}.{column or ''} {rule}".strip(), value, usubjid)


def _findings_from_pandera(err: pa.errors.SchemaErrors, frame: pd.DataFrame, domain: str,
                           file: str) -> list[Finding]:
    return [_finding(frame, domain, file, str(case.check), case.column if isinstance(case.column, str) else None,
                     case.index, case.failure_case) for case in err.failure_cases.itertuples(index=False)]


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
    findings: list[Finding] = []
    numbers: dict[str, pd.Series] = {}
    for col in spec.columns:  # each value's checks, once per distinct value, then spread to its records
        if col.name not in frame or not (col.kind in (NUM, DATE) or col.terms is not None):
            continue
        failures, number = _distinct_values(frame[col.name], col)
        if number is not None:
            numbers[col.name] = number
        for check, rows, values in failures:
            findings += [_finding(frame, domain, file, check, col.name, i, value) for i, value in zip(rows, values)]
    try:  # the columns, missing values and keys (checks only, coerce=False: no copy of the frame)
        build_schema(spec).validate(frame, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as err:
        findings += _findings_from_pandera(err, frame, domain, file)
    findings.sort(key=lambda f: (f.row or 0, f.column or ""))  # stable: a record's checks stay in their order
    if not findings and domain in VALUE_RULES:
        for mask, column, rule in VALUE_RULES[domain](frame):
            for i in np.flatnonzero(mask.to_numpy()):
                findings.append(Finding(domain, file, sheet_row(i), column, rule,
                                        None if pd.isna(frame[column].iloc[i]) else str(frame[column].iloc[i]),
                                        frame["USUBJID"].iloc[i]))
    if findings:
        raise InputDataError(findings)
    typed = frame.copy(deep=False)  # the text columns are shared, the numeric ones replaced
    for name, number in numbers.items():
        typed[name] = number
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
