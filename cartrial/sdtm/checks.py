"""Plausibility, date-order and multiplicity checks of the input (after the contract checks and the unit
conversion, before the data cut).

Each rule has an id and an action, set per study in ``config.yaml`` (``data_checks.actions``) with safe
defaults (:data:`cartrial.sdtm.checksettings.DEFAULT_ACTIONS`):

- ``stop``: the run stops; the finding names file, row, column and rule;
- ``exclude``: the record (or, where the rule says so, the one value) is left out of every analysis and
  listed; excluded records are counted in the reconciliation (``removed_by_checks``);
- ``keep``: the record is analysed as it is and listed.

Every finding goes to ``data_issues.csv`` with its file, row, USUBJID, column, value, rule id and action.
The rules and their sources are in ``docs/spec/sdtm-input.md`` (section "Data checks").
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cartrial.dates import classify_dtc, dtc_to_date
from cartrial.distinct import per_distinct
from cartrial.sdtm.checksettings import VALUE_RULES, DataChecks
from cartrial.sdtm.contract import CUT_DATE_VARIABLE, DATE, DOMAINS
from cartrial.sdtm.errors import Finding, sheet_row
from cartrial.sdtm.units import LB_UNITS
from cartrial.sdtm.validate import to_number

#: the result columns of the findings domains: (test code, standardised value, original result)
RESULTS = {"LB": ("LBTESTCD", "LBSTRESN", "LBORRES", "LBDTC"), "VS": ("VSTESTCD", "VSSTRESN", None, "VSDTC")}
AGE_FACTORS = {"YEARS": 1.0, "MONTHS": 12.0, "WEEKS": 365.25 / 7, "DAYS": 365.25, "HOURS": 365.25 * 24}
#: the hidden column that carries each record's position in its file through the cut (for row numbers)
ROW = "__ROW"
#: domains whose records may follow the subject's death (a disposition record of the death, the end of study)
AFTER_DEATH_ALLOWED = {"DS"}
_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3},\d{3}$")


def record_rows(frame: pd.DataFrame) -> np.ndarray:
    """Each record's 0-based position in its file (carried in :data:`ROW` through the cut), for
    :func:`~cartrial.sdtm.errors.sheet_row`."""
    return frame[ROW].to_numpy() if ROW in frame else np.arange(len(frame))


class _Collector:
    """Findings of one domain and the records excluded, with the action of each rule."""

    def __init__(self, domain: str, frame: pd.DataFrame, file: str, settings: DataChecks):
        self.domain, self.frame, self.file, self.settings = domain, frame, file, settings
        self.findings: list[Finding] = []
        self.excluded = np.zeros(len(frame), dtype=bool)
        self.blanked: dict[str, np.ndarray] = {}

    def add(self, rule: str, mask, column: str, text, *, action=None, values: pd.Series | None = None,
            act: str | None = None, blank: str | None = None) -> None:
        """List every record of ``mask`` (a boolean mask, or positions) under ``rule``; the rule's action (or
        ``act``) decides what happens to it, and ``action`` says so in the listing. ``text``, ``action`` and
        ``values`` may be one per listed record (aligned on the positions)."""
        mask = np.asarray(mask)
        where = np.flatnonzero(mask) if mask.dtype == bool else mask.astype(np.int64)
        if not len(where):
            return
        act = act or self.settings.actions.get(rule, "stop")
        blank = blank or VALUE_RULES.get(rule)
        hit = np.zeros(len(self.frame), dtype=bool)
        hit[where] = True
        if act == "exclude" and blank:
            self.blanked[blank] = self.blanked.get(blank, np.zeros(len(hit), bool)) | hit
            said = f"{blank} not used"
        elif act == "exclude":
            self.excluded |= hit
            said = "record excluded"
        else:
            said = "record kept" if act == "keep" else "run stopped"
        n = len(where)
        texts = [text] * n if isinstance(text, str) else list(text)
        actions = [action if action and act != "stop" else said] * n if action is None or isinstance(action, str) \
            else [a if act != "stop" else said for a in action]
        if values is None:
            shown = self.frame[column].to_numpy()[where] if column in self.frame else [None] * n
        else:  # aligned on the frame with a mask, one per listed record with positions
            shown = np.asarray(values)[where] if mask.dtype == bool else np.asarray(values)
        subj = self.frame["USUBJID"].to_numpy()[where] if "USUBJID" in self.frame else [None] * n
        rows = record_rows(self.frame)[where]
        severity = "error" if act == "stop" else "warning"
        for i in range(n):
            value = shown[i]
            self.findings.append(Finding(
                self.domain, self.file, sheet_row(rows[i]), column, f"[{rule}] {texts[i]}",
                None if value is None or pd.isna(value) else str(value), None if subj[i] is None else str(subj[i]),
                severity=severity, action=actions[i]))

    def result(self) -> tuple[pd.DataFrame, list[Finding], int]:
        out = self.frame
        if self.blanked:
            out = out.copy(deep=False)
            for col, mask in self.blanked.items():
                out[col] = out[col].where(~mask)
        if self.excluded.any():
            # a fresh index on the new frame of kept records; reset_index would copy every column once more (a
            # domain of 23 million records: 3.4 GB)
            out = out[~self.excluded]
            out = out.set_axis(pd.RangeIndex(len(out)), axis=0, copy=False)
        return out, self.findings, int(self.excluded.sum())


def _full_date(values: pd.Series) -> pd.Series:
    return dtc_to_date(values)  # complete dates only: a partial date cannot be put in order


def normalise_numbers(frame: pd.DataFrame, domain: str, *, file: str, settings: DataChecks
                      ) -> tuple[pd.DataFrame, list[Finding]]:
    """Decimal commas (``0,56``) in the number columns and numeric results read as decimal points (listed,
    rule ``decimal_comma``); ``1,234`` (decimal comma or thousands separator?) stops the run."""
    cols = [c.name for c in DOMAINS[domain].columns if c.kind == "num" or c.name in ("LBORRES", "PCORRES")]
    out, findings = frame, []
    for name in cols:
        if name not in frame or frame[name].dtype != object:
            continue
        text = frame[name]
        flags = per_distinct(text, lambda v: pd.DataFrame({"comma": v.str.match(_COMMA, na=False),
                                                           "thousands": v.str.match(_THOUSANDS, na=False)}))
        comma = flags["comma"].to_numpy(dtype=bool)
        if not comma.any():
            continue
        ambiguous = comma & flags["thousands"].to_numpy(dtype=bool)
        col = _Collector(domain, frame, file, settings)
        col.add("decimal_comma", ambiguous, name, "a comma that may be a decimal comma or a thousands separator: "
                "write the number with a decimal point", act="stop")
        fixed = comma & ~ambiguous
        col.add("decimal_comma", fixed, name, "decimal comma read as a decimal point")
        findings += col.findings
        if out is frame:
            out = frame.copy(deep=False)
        out[name] = text.where(~fixed, text.str.replace(",", ".", regex=False))
    return out, findings


def check_dates(col: _Collector) -> None:
    """Dates in or before ``earliest_year`` (``1900-01-01`` is a classic placeholder), in every date column."""
    for c in DOMAINS[col.domain].columns:
        if c.kind == DATE and c.name in col.frame:
            year = classify_dtc(col.frame[c.name])["year"]
            col.add("early_date", (year <= col.settings.earliest_year).fillna(False).to_numpy(), c.name,
                    f"date in or before {col.settings.earliest_year}: a placeholder or a typing error")


def check_dm(dm: pd.DataFrame, *, file: str, settings: DataChecks) -> tuple[pd.DataFrame, list[Finding], int]:
    """DM: age in years (converted from other units), age limits, and the order of consent, infusion and
    death."""
    col = _Collector("DM", dm, file, settings)
    check_dates(col)
    if "AGE" in dm and "AGEU" in dm:
        unit = dm["AGEU"].fillna("YEARS")
        other = (unit != "YEARS") & dm["AGE"].notna()
        if other.any():
            years = np.floor(dm["AGE"] / unit.map(AGE_FACTORS).astype(float))
            col.add("age_unit", other.to_numpy(), "AGE", "age not in years: converted to completed years",
                    values=dm["AGE"].astype(str) + " " + unit)
            col.frame = dm = dm.copy(deep=False)
            dm["AGE"] = dm["AGE"].where(~other, years)
            dm["AGEU"] = dm["AGEU"].where(~other, "YEARS")
    if "AGE" in dm:
        _limits(col, pd.Series("AGE", index=dm.index), dm["AGE"], None, "AGE", blank="AGE")  # never drop a subject
    dates = {c: _full_date(dm[c]) for c in ("RFICDTC", "RFXSTDTC", "DTHDTC") if c in dm}
    if "DTHDTC" in dates and "RFXSTDTC" in dates:
        col.add("death_before_infusion", (dates["DTHDTC"] < dates["RFXSTDTC"]).to_numpy(), "DTHDTC",
                "death date before the CAR-T infusion (RFXSTDTC)")
    if "DTHDTC" in dates and "RFICDTC" in dates:
        col.add("death_before_consent", (dates["DTHDTC"] < dates["RFICDTC"]).to_numpy(), "DTHDTC",
                "death date before informed consent (RFICDTC)")
    if "RFICDTC" in dates and "RFXSTDTC" in dates:
        col.add("consent_after_infusion", (dates["RFICDTC"] > dates["RFXSTDTC"]).to_numpy(), "RFICDTC",
                "informed consent after the CAR-T infusion (RFXSTDTC)")
    return col.result()


def _limits(col: _Collector, tests: pd.Series, values: pd.Series, ages: pd.Series | None, column: str,
            blank: str | None = None) -> None:
    """List values outside the limits of their test and age band; a subject of unknown age is held to the
    widest limits of the test (the lowest low and the highest high of its bands)."""
    n = len(values)
    low, high = np.full(n, np.nan), np.full(n, np.nan)
    what = np.full(n, "", dtype=object)
    age = ages.to_numpy(dtype=float) if ages is not None else np.full(n, np.nan)
    v = values.to_numpy(dtype=float)
    codes, uniques = pd.factorize(tests, use_na_sentinel=True)  # each record's test compared once, by its code
    for code, test in enumerate(uniques):
        bands = col.settings.limits.get(test)
        if not bands:
            continue
        mine = (codes == code) & ~np.isnan(v)
        for age_min, age_max, lo, hi in bands:
            sel = mine & (age >= age_min) & (age < age_max)
            low[sel], high[sel] = lo, hi
            what[sel] = f"{test} outside its physiological limits {lo:g}-{hi:g}" + (
                f" (age {age_min:g}-{age_max:g} years)" if (age_min, age_max) != (0, 200) else "")
        unknown = mine & np.isnan(age)
        lo, hi = min(b[2] for b in bands), max(b[3] for b in bands)
        low[unknown], high[unknown] = lo, hi
        what[unknown] = f"{test} outside its physiological limits {lo:g}-{hi:g}" + (
            " (age unknown: the widest limits)" if len(bands) > 1 else "")
    with np.errstate(invalid="ignore"):
        outside = (v < low) | (v > high)
    for text in pd.unique(what[outside]):
        col.add("limits", outside & (what == text), column, text + ": a wrong unit or a typing error?", blank=blank)


def check_findings(frame: pd.DataFrame, domain: str, *, file: str, settings: DataChecks,
                   subjects: pd.DataFrame | None) -> tuple[pd.DataFrame, list[Finding], int]:
    """LB and VS: results that are not numbers, limits (by age), jumps, and several results of one test at
    one time; AE: end before start; EX: a second CAR-T infusion; every domain: early dates and records
    after death. Returns the checked frame, the findings and the number of records excluded."""
    col = _Collector(domain, frame, file, settings)
    check_dates(col)
    dm = subjects.set_index("USUBJID") if subjects is not None and len(subjects) else None
    if domain in RESULTS:
        _check_results(col, dm)
    if domain == "AE" and {"AESTDTC", "AEENDTC"} <= set(frame):
        col.add("ae_end_before_start", (_full_date(frame["AEENDTC"]) < _full_date(frame["AESTDTC"])).to_numpy(),
                "AEENDTC", "AE end date before its start date (AESTDTC)")
    if domain == "EX" and {"EXCAT", "EXSTDTC"} <= set(frame):
        cart = frame["EXCAT"] == "CAR-T"
        order = frame.assign(_d=dtc_to_date(frame["EXSTDTC"], impute="first"), _i=np.arange(len(frame)))
        first = order[cart].sort_values(["USUBJID", "_d", "_i"]).groupby("USUBJID").head(1).index
        col.add("second_infusion", (cart & ~frame.index.isin(first)).to_numpy(), "EXSTDTC",
                "a second CAR-T infusion: the first infusion is the reference (TRTSDT)",
                action="record kept; the first infusion is the reference")
    datevar = CUT_DATE_VARIABLE.get(domain)
    if dm is not None and "DTHDTC" in dm and datevar in frame and domain not in AFTER_DEATH_ALLOWED:
        death = frame["USUBJID"].map(_full_date(dm["DTHDTC"]))
        col.add("record_after_death", (_full_date(frame[datevar]) > death).to_numpy(), datevar,
                "record dated after the subject's death (DM.DTHDTC)")
    return col.result()


def _check_results(col: _Collector, dm: pd.DataFrame | None) -> None:
    testcd, value, orres, dtc = RESULTS[col.domain]
    f = col.frame
    if testcd not in f or value not in f:
        return
    v = f[value]
    col.add("non_finite", ~np.isfinite(v.fillna(0).to_numpy()), value, "not a finite number")
    if orres and orres in f:
        text = v.isna() & f[orres].notna() & to_number(f[orres]).isna() & f[testcd].isin(LB_UNITS)
        col.add("non_numeric", text.to_numpy(), orres, "a character result where the analyses need a number",
                action="record kept; result not analysed")
    ages = f["USUBJID"].map(dm["AGE"]) if dm is not None and "AGE" in dm else None
    _limits(col, f[testcd], v.where(np.isfinite(v.fillna(0))), ages, value)
    for test, ratio in col.settings.max_ratio.items():
        mine = f[testcd] == test
        if not mine.any():
            continue
        by_subject = v[mine].groupby(f.loc[mine, "USUBJID"])
        med, n = by_subject.transform("median"), by_subject.transform("count")
        r = v[mine] / med
        bad = np.zeros(len(f), dtype=bool)
        bad[np.flatnonzero(mine.to_numpy())] = (((r > ratio) | (r < 1 / ratio)) & (n >= 3)).to_numpy()
        col.add("jump", bad, value, f"{test} differs from the subject's median by more than a factor "
                f"{ratio:g}: a wrong unit?")
    if dtc in f:
        _check_multiple(col, testcd, value, dtc)


def _check_multiple(col: _Collector, testcd: str, value: str, dtc: str) -> None:
    """One subject, test and time with several records: the same result is a duplicate (one record
    analysed); different results are a conflict, resolved by ``data_checks.conflicts``. One finding per
    group of records, worked out for all groups at once."""
    f = col.frame
    keys = ["USUBJID", testcd, dtc]
    key = np.zeros(len(f), dtype=np.int64)
    for k in keys:  # one integer per (subject, test, time): duplicates found on integers, not on text
        codes, uniques = pd.factorize(f[k])
        key = key * (len(uniques) + 1) + (codes + 1)
    many = (pd.Series(key).duplicated(keep=False).to_numpy() & f[dtc].notna().to_numpy())
    if not many.any():
        return
    pos = np.flatnonzero(many)
    visitnum = pd.to_numeric(f["VISITNUM"], errors="coerce").to_numpy()[pos] if "VISITNUM" in f else np.zeros(len(pos))
    sub = pd.DataFrame({k: f[k].to_numpy()[pos] for k in keys}).assign(
        _i=pos, _v=visitnum, _x=f[value].to_numpy(dtype=float)[pos],
        _visit=f["VISIT"].astype(str).to_numpy()[pos] if "VISIT" in f else "",
        _row=record_rows(f)[pos])
    sub = sub.sort_values(keys + ["_v", "_i"], kind="stable").reset_index(drop=True)
    grp = sub.groupby(keys, sort=False)
    sub["_g"], sub["_k"] = grp.ngroup(), grp.cumcount()
    size = grp["_i"].transform("size")
    distinct = sub["_x"].fillna(np.inf).groupby(sub["_g"]).transform("nunique")  # a missing result is a value
    text = sub["_x"].map(lambda x: "missing" if pd.isna(x) else f"{x:g}")
    def joined(col: pd.Series, sep: str) -> pd.Series:  # one text per group, spread back on its records
        return pd.Series(col.groupby(sub["_g"], sort=True).agg(sep.join).to_numpy()[sub["_g"].to_numpy()])

    shown, visits = joined(text, " | "), joined(sub["_visit"], ", ")
    rows = joined(sub["_row"].map(lambda r: str(sheet_row(r))), ", ")
    where = "rows " + rows + ("; VISIT " + visits if "VISIT" in f else "")
    first = sub["_k"] == 0
    dup = (distinct == 1).to_numpy()
    # duplicates: the first record is kept, every copy listed and excluded
    copies = dup & ~first.to_numpy()
    col.add("duplicate_record", sub["_i"].to_numpy()[copies], value,
            ("the same " + sub[testcd] + " result recorded " + size.astype(str) + " times at one time (" + where
             + ")")[copies], values=shown[copies])
    conflict = ~dup
    if not conflict.any():
        return
    rule = col.settings.conflicts
    head = (first.to_numpy() & conflict)
    label = size.astype(str) + " different " + sub[testcd] + " results at one time (" + where + ")"
    if rule == "stop":
        col.add("conflict", sub["_i"].to_numpy()[head], value, label[head] + "; data_checks.conflicts is stop",
                values=shown[head], act="stop")
        return
    last = (sub["_k"] == size - 1).to_numpy()
    keep = {"first": first.to_numpy(), "last": last, "mean": first.to_numpy()}[rule] & conflict
    mean = grp["_x"].transform("mean")
    used = (mean if rule == "mean" else sub["_x"]).to_numpy()[keep]
    col.add("conflict", sub["_i"].to_numpy()[keep], value, label[keep], values=shown[keep], act="keep",
            action=[f"resolved by rule '{rule}' (data_checks.conflicts): {u:g} used, {int(n) - 1} other record(s) "
                    "excluded" for u, n in zip(used, size.to_numpy()[keep])])
    col.excluded[sub["_i"].to_numpy()[conflict & ~keep]] = True
    if rule == "mean":
        col.frame = col.frame.copy(deep=False)
        v = col.frame[value].to_numpy(dtype=float).copy()
        v[sub["_i"].to_numpy()[keep]] = used
        col.frame[value] = v
