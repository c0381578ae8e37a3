"""Ingest one study folder: read, check, convert units, apply the data cut.

Two stages, so that a new data cut re-reads nothing: :func:`read_checked_domain` reads, normalises, validates
and unit-converts one domain's files, once per study and file content (it knows no cut); :func:`cut_study`
applies an analysis's cut to every domain so read and runs the data checks on the records kept.
:func:`ingest_study` does both in one process."""
from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from cartrial.io import release_frames
from cartrial.sdtm.checks import RESULTS, ROW, DataChecks, check_dm, check_findings, normalise_numbers, record_rows
from cartrial.sdtm.contract import CUT_DATE_VARIABLE, DATE, DOMAINS, REQUIRED_DOMAINS, group_domain_files
from cartrial.sdtm.datacut import END_DATES, cut_domain, enrolled_subjects, in_cut
from cartrial.sdtm.errors import Finding, InputDataError, errors_in, findings_frame, raise_errors, sheet_row
from cartrial.sdtm.readers import find_domain_files, read_domain, unread_files
from cartrial.sdtm.supp import merge_supp
from cartrial.sdtm.terms import normalise_terms
from cartrial.sdtm.units import LB_UNITS, VS_UNITS, convert_units
from cartrial.sdtm.validate import check_subjects_in_dm, validate_domain


@dataclass(frozen=True)
class IngestResult:
    """Validated, unit-converted, cut domains with their audit trail."""

    domains: dict[str, pd.DataFrame]
    issues: pd.DataFrame
    reconciliation: pd.DataFrame


@dataclass(frozen=True)
class ReadDomain:
    """One domain as read from its files, before any data cut: the frame with each record's position in its
    file (None when the study has no file for the domain), the names and SHA-256 (joined by ``;``) of the files
    used, the warnings of reading, and the SUPP-- reconciliation rows."""

    frame: pd.DataFrame | None
    files: list[str]
    sha256: str
    warnings: list[Finding]
    supp_rows: list[dict]
    #: the columns no cut or check reads (:func:`checked_columns`), kept apart as Arrow
    #: for the same records, and the order of all the columns; the frame then has :data:`POSITION`
    carried: pa.Table | None = None
    columns: list[str] | None = None


@dataclass(frozen=True)
class DomainResult:
    """One cut domain (None when the study has no file for it), its findings and reconciliation rows
    (the domain's own row and one per SUPP-- file merged into it)."""

    domain: str
    frame: pd.DataFrame | None
    issues: list[Finding]
    reconciliation: pd.DataFrame
    #: the kept records' carried columns (``ReadDomain.carried``) and the order of all the columns
    carried: pa.Table | None = None
    columns: list[str] | None = None

    def whole(self) -> pd.DataFrame | None:
        """The cut domain with its carried columns."""
        if self.carried is None:
            return self.frame
        from cartrial.io import joined_frame

        return joined_frame(self.frame, self.carried, self.columns)


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def find_samples_without_infusion(domains: dict[str, pd.DataFrame], files: dict[str, str]) -> list[Finding]:
    """Warnings for kinetic samples of subjects with no CAR-T infusion (they cannot enter ADPC)."""
    pc, dm = domains.get("PC"), domains["DM"]
    if pc is None or not len(pc):
        return []
    infused = set(dm.loc[dm["RFXSTDTC"].notna(), "USUBJID"]) if "RFXSTDTC" in dm else set()
    ex = domains.get("EX")
    if ex is not None and "EXCAT" in ex:
        infused |= set(ex.loc[ex["EXCAT"] == "CAR-T", "USUBJID"])
    orphan = pc[~pc["USUBJID"].isin(infused)]
    return [Finding("PC", files["PC"], None, "USUBJID", "kinetic sample of a subject with no CAR-T infusion on or "
                    "before the cut: not analysed", None, subj, severity="warning", action=f"{n} record(s) excluded")
            for subj, n in orphan.groupby("USUBJID").size().items()]


def _read_part(path: Path, domain: str) -> pd.DataFrame | None:
    """One file of a domain; a split-name file whose DOMAIN column is not the code is not a part (None)."""
    frame = read_domain(path)
    if path.stem.upper() != domain and ("DOMAIN" not in frame or not (frame["DOMAIN"] == domain).all()):
        return None
    return frame


def check_folder(folder: str | Path) -> dict[str, Path]:
    """The study's files by stem; stops on a domain given in two formats, a required domain missing, or a
    contract domain in a format that is not read (``cm.xlsx``: it would vanish without a word)."""
    files = find_domain_files(folder)
    errors = [Finding(d, f"{d.lower()}.csv", None, None, f"required domain {d} is missing from {Path(folder).name}")
              for d in REQUIRED_DOMAINS if d not in files]
    grouped, supps = group_domain_files({p.stem.upper(): p for p in unread_files(folder)})
    errors += [Finding(d, p.name, None, None, f"a {d} table in a format that is not read ({p.suffix or 'no suffix'})"
                       ": save it as CSV (UTF-8), SAS XPT or Parquet")
               for d, paths in {**grouped, **{f"SUPP{k}": v for k, v in supps.items()}}.items() for p in paths]
    if errors:
        raise InputDataError(errors)
    return files


def unread_file_findings(folder: str | Path, settings: DataChecks | None = None) -> list[Finding]:
    """The files of the study folder that no domain reads (``data_checks.actions.unread_file``)."""
    act = (settings or DataChecks()).actions["unread_file"]
    return [Finding("-", p.name, None, None, "[unread_file] file in the study folder is not read (not a CSV, XPT "
                    "or Parquet table)", None, None, severity="error" if act == "stop" else "warning",
                    action="run stopped" if act == "stop" else "listed, not read")
            for p in unread_files(folder) if not p.name.startswith(".")]


def _read_checked(domain: str, path: Path, settings: DataChecks) -> tuple[pd.DataFrame | None, list[Finding]]:
    """One file of ``domain`` read, its terms and numbers normalised, checked against the contract and
    converted to standard units; with the warnings of the normalisation."""
    frame = _read_part(path, domain)
    if frame is None:
        return None, []
    frame[ROW] = np.arange(len(frame))
    frame, notes = normalise_terms(frame, domain, file=path.name)
    frame, found = normalise_numbers(frame, domain, file=path.name, settings=settings)
    notes += found
    errors = errors_in(notes)
    try:
        frame = validate_domain(frame, domain, file=path.name)
    except InputDataError as err:
        errors += err.findings
    if errors:
        raise InputDataError(errors)
    if domain == "LB":
        frame = convert_units(frame, testcd="LBTESTCD", value="LBSTRESN", unit="LBSTRESU", table=LB_UNITS,
                              domain="LB", file=path.name, orres="LBORRES", orresu="LBORRESU")
    elif domain == "VS":
        frame = convert_units(frame, testcd="VSTESTCD", value="VSSTRESN", unit="VSSTRESU", table=VS_UNITS,
                              domain="VS", file=path.name)
    return frame, notes


def read_study_domain(domain: str, files: dict[str, Path], settings: DataChecks | None = None
                      ) -> tuple[pd.DataFrame | None, list[Path], list[Finding], list[dict]]:
    """Read, check and unit-convert one domain from its files (whole or split, with SUPP-- merged).

    Returns the frame (None when the study has no file for it), the files used, warnings and the SUPP--
    reconciliation rows; stops with every error of every file of the domain.
    """
    grouped, supps = group_domain_files(files)
    errors: list[Finding] = []
    warnings: list[Finding] = []
    parts, used = [], []
    for path in grouped.get(domain, []):
        try:
            frame, notes = _read_checked(domain, path, settings or DataChecks())
        except InputDataError as err:
            errors += err.findings
            continue
        if frame is None:
            continue
        warnings += notes
        if not len(frame):
            if domain in REQUIRED_DOMAINS:
                errors.append(Finding(domain, path.name, None, None, f"{domain} has a header but no records"))
                continue
            warnings.append(Finding(domain, path.name, None, None, "file has a header but no records",
                                    severity="warning", action="domain analysed as having no records"))
        parts.append(frame)
        used.append(path)
    if domain in files and len(used) > 1:
        errors.append(Finding(domain, ", ".join(p.name for p in used), None, None,
                              "domain given both whole and split into parts; keep one"))
    if errors:
        raise InputDataError(errors)
    if not used:
        return None, [], [], []
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    supp_rows = []
    if supps.get(domain):
        read = {p.name: read_domain(p) for p in supps[domain]}
        frame, found, merged = merge_supp(frame, read, domain=domain)
        raise_errors(found)
        warnings += found
        supp_rows = [{"domain": p.stem.upper(), "file": p.name, "read": len(read[p.name]),
                      "kept": merged.get(p.name, 0), "sha256": sha256(p), "status": f"merged into {domain}"}
                     for p in supps[domain]]
    return frame, used, warnings, supp_rows


def _result(domain: str, frame: pd.DataFrame | None, read: ReadDomain, recon_row: dict | None,
            issues: list[Finding]) -> DomainResult:
    rows = []
    if recon_row is not None:
        rows.append({**recon_row, "sha256": read.sha256, "status": "read"})
    recon = pd.DataFrame(rows + read.supp_rows, columns=RECONCILIATION_COLUMNS)
    recon[COUNT_COLUMNS] = recon[COUNT_COLUMNS].astype("Int64")  # whole numbers, blank where a SUPP-- row has none
    if read.carried is None or frame is None:
        return DomainResult(domain, frame, issues, recon)
    # the kept records' carried columns, taken by each record's position as read
    frame = frame.copy(deep=False)  # the position column goes; the data columns are not copied
    kept = read.carried.take(frame.pop(POSITION).to_numpy())
    return DomainResult(domain, frame, issues, recon, carried=kept, columns=read.columns)


#: the hidden column of each record's position in its domain as read, when the columns no cut or check reads
#: are carried apart (``ReadDomain.carried``)
POSITION = "__POSITION"
#: removed_by_checks (records the data checks excluded) comes last, so the columns of earlier versions keep their
#: places
RECONCILIATION_COLUMNS = ["domain", "file", "read", "removed_not_enrolled", "removed_after_cut", "kept", "sha256",
                          "status", "removed_by_checks"]
#: the record counts of a reconciliation row (whole numbers, blank where there is none)
COUNT_COLUMNS = ["read", "removed_not_enrolled", "removed_after_cut", "kept", "removed_by_checks"]


def check_studyid(frame: pd.DataFrame, domain: str, *, file: str, studyid: str | None) -> None:
    """Every record's STUDYID is the study the configuration names (case and blanks aside): a folder of
    another study, or a mixed export, must not be analysed under this study's name."""
    if not studyid or "STUDYID" not in frame:
        return
    other = frame["STUDYID"].notna() & (frame["STUDYID"].astype(str).str.casefold() != studyid.casefold())
    if other.any():
        rows = record_rows(frame)
        first = np.flatnonzero(other.to_numpy())
        raise InputDataError([Finding(domain, file, sheet_row(rows[i]), "STUDYID",
                                      f"STUDYID is not the configured study {studyid!r} (config.yaml: "
                                      "studies.<study>.studyid)", str(frame["STUDYID"].iloc[i]),
                                      str(frame["USUBJID"].iloc[i]) if "USUBJID" in frame else None)
                              for i in first])


def _checked(result: tuple[pd.DataFrame, list[Finding], int], row: dict) -> tuple[pd.DataFrame, list[Finding]]:
    """The records the data checks kept (stops on a check whose action is stop); excluded records are
    counted in the reconciliation row."""
    frame, found, excluded = result
    raise_errors(found)
    row["removed_by_checks"] = excluded
    row["kept"] = len(frame)
    if ROW in frame:
        frame = frame.copy(deep=False)  # the position column goes; the data columns are not copied
        frame.pop(ROW)
    return frame, found


def read_checked_domain(domain: str, files: dict[str, Path], *, settings: DataChecks | None = None,
                        studyid: str | None = None, folder: str | Path | None = None) -> ReadDomain:
    """One domain read, checked against the contract, normalised and unit-converted, before any data cut.
    For DM with ``folder``, the files of the study folder that no domain reads are listed with its warnings."""
    settings = settings or DataChecks()
    unread = unread_file_findings(folder, settings) if domain == "DM" and folder is not None else []
    raise_errors(unread)
    frame, used, warnings, supp_rows = read_study_domain(domain, files, settings)
    if frame is None:
        return ReadDomain(None, [], "", unread, [])
    check_studyid(frame, domain, file=", ".join(p.name for p in used), studyid=studyid)
    return ReadDomain(frame, [p.name for p in used], ";".join(sha256(p) for p in used), unread + warnings,
                      supp_rows)


def ingest_dm(read: ReadDomain, *, cut: str, settings: DataChecks | None = None
              ) -> tuple[DomainResult, pd.DataFrame]:
    """DM (as read) cut, with every DM subject, whether the subject is in the cut, the age in years and the
    death date (for the data checks of the other domains)."""
    settings = settings or DataChecks()
    frame, name = read.frame, ", ".join(read.files)
    subjects, issues = enrolled_subjects(frame, cut=cut, file=name)
    kept, row, found = cut_domain("DM", frame, cut=cut, enrolled=in_cut(subjects), file=name)
    if "RFXSTDTC" in frame and frame["RFXSTDTC"].notna().any() and kept["RFXSTDTC"].isna().all():
        first = str(frame["RFXSTDTC"].dropna().min())
        raise InputDataError([Finding("DM", name, None, "RFXSTDTC", f"no subject was treated on or before "
                                      f"the data cut {cut} (first treatment {first[:10]}): check the cut date in "
                                      "config.yaml")])
    kept, checked = _checked(check_dm(kept, file=name, settings=settings), row)
    facts = kept.set_index("USUBJID")
    for col in ("AGE", "DTHDTC"):
        subjects[col] = subjects["USUBJID"].map(facts[col]) if col in facts else np.nan
    subjects["DTHDTC"] = subjects["DTHDTC"].astype(object)
    return _result("DM", kept, read, row, read.warnings + issues + found + checked), subjects


def checked_columns(domain: str) -> set[str]:
    """The columns of ``domain`` (not DM, which is always read whole) that :func:`ingest_domain` reads or
    changes: the data cut's (:func:`~cartrial.sdtm.datacut.cut_domain`), the data checks'
    (:func:`~cartrial.sdtm.checks.check_findings`) and the kinetic samples' check. The rest of a domain's
    columns may be carried apart (``ReadDomain.carried``): a check that reads another column must name it here,
    which ``tests/sdtm/test_ingest_carried.py`` verifies on data that break every check."""
    spec = DOMAINS[domain].columns if domain in DOMAINS else ()
    names = {"USUBJID", "VISITNUM", "VISIT", ROW, CUT_DATE_VARIABLE.get(domain), *END_DATES.get(domain, ()),
             *(c.name for c in spec if c.kind == DATE), *(c for c in RESULTS.get(domain, ()) if c)}
    if domain == "EX":
        names.add("EXCAT")  # the second infusion's check; the kinetic samples' check reads the cut EX's
    return names - {None}


def ingest_domain(domain: str, read: ReadDomain, *, cut: str, subjects: pd.DataFrame,
                  context: dict[str, pd.DataFrame] | None = None, settings: DataChecks | None = None) -> DomainResult:
    """One domain other than DM (as read) checked against DM's subjects, cut, and put through the data checks.

    ``subjects`` is :func:`ingest_dm`'s subject list; ``context`` holds the cut domains a check needs
    (DM and EX for the kinetic samples of subjects never infused).
    """
    settings = settings or DataChecks()
    frame = read.frame
    if frame is None:
        return _result(domain, None, read, None, [])
    name = ", ".join(read.files)
    check_subjects_in_dm({"DM": subjects, domain: frame}, {"DM": "dm", domain: name})
    kept, row, found = cut_domain(domain, frame, cut=cut, enrolled=in_cut(subjects), file=name)
    kept, checked = _checked(check_findings(kept, domain, file=name, settings=settings, subjects=subjects), row)
    issues = read.warnings + found + checked
    if domain == "PC":
        issues += find_samples_without_infusion({**(context or {}), "PC": kept}, {"PC": name})
    return _result(domain, kept, read, row, issues)


#: records of a domain as read from which the ingest carries the columns no cut or check reads as Arrow; a
#: smaller domain is read whole (two reads of its file would cost more than its Python text)
CARRY_ROWS = 100_000


class StoredReads(dict):
    """The domains as the read job wrote them (domain -> (frame file, meta file)), each loaded when it is asked
    for (once, by :func:`cut_domains`). A domain of ``carry_from`` records or more (not DM) has the columns no
    cut or check reads (:func:`checked_columns`) carried as Arrow, so that tens of millions of records never
    hold them as Python objects; ``carry_from=None`` reads every column of every domain into the frame."""

    def __init__(self, files: Mapping[str, tuple[str | Path, str | Path]], *, carry_from: int | None = CARRY_ROWS):
        super().__init__(files)
        self.carry_from = carry_from

    def __getitem__(self, domain: str) -> ReadDomain:
        import pyarrow.parquet as pq

        from cartrial.io import read_read_domain

        frame, meta = super().__getitem__(domain)
        carry = self.carry_from is not None and domain != "DM" and pq.read_metadata(frame).num_rows >= self.carry_from
        return read_read_domain(frame, meta, checked=checked_columns(domain) if carry else None)


def write_cut(result: DomainResult, path: str | Path) -> None:
    """A cut domain's Parquet file, its carried columns in their places."""
    from cartrial.io import write_domain

    write_domain(result.frame, result.domain, path, carried=result.carried, columns=result.columns)


def cut_domains(reads: Mapping[str, ReadDomain], *, cut: str, settings: DataChecks | None = None,
                read_errors: dict[str, list[Finding]] | None = None,
                sink: Callable[[DomainResult], None] | None = None, workers: int = 1) -> list[DomainResult]:
    """Apply the data cut ``cut`` to every domain as read (DM first, then in alphabetical order: EX before PC,
    whose check uses the cut DM and EX) and run the data checks: the domains' results in that order. Stops
    with every error of every domain, in that order, with the ``read_errors`` of domains that could not be
    read in their places.

    Each domain is taken from ``reads`` once, when its turn comes (``reads`` may read it then). With ``sink``,
    each domain's result is handed to it as soon as it is cut (to be written) and kept without its frame, so
    one domain's records are held at a time (and the cut DM and EX, which later checks use). With ``workers``
    > 1, the domains after DM and EX are cut in that many forked processes (cartrial.parallel); each domain
    sees the same cut DM and EX as when cut in turn."""
    from cartrial.parallel import run_forked

    read_errors = read_errors or {}
    found: dict[str, tuple[DomainResult | None, list[Finding]]] = {}
    context: dict[str, pd.DataFrame] = {}  # the cut DM and EX
    subjects = None

    def done(result: DomainResult) -> DomainResult:
        if result.frame is not None and result.domain in ("DM", "EX"):
            context[result.domain] = result.frame
        if sink is None:
            return result
        sink(result)
        rows = len(result.frame) if result.frame is not None else 0
        kept = dataclasses.replace(result, frame=None, carried=None)
        del result
        release_frames(rows)
        return kept

    def cut_one(domain: str) -> tuple[DomainResult | None, list[Finding]]:
        """One domain cut and checked (the cut DM, and EX for the domains after it), or its errors."""
        seen = {d: frame for d, frame in context.items() if d == "DM" or d < domain}
        try:
            return done(ingest_domain(domain, reads[domain], cut=cut, subjects=subjects, context=seen,
                                      settings=settings)), []
        except InputDataError as err:
            return None, err.findings

    if "DM" in reads:
        try:
            dm, subjects = ingest_dm(reads["DM"], cut=cut, settings=settings)
            found["DM"] = (done(dm), [])
        except InputDataError as err:
            found["DM"] = (None, err.findings)
    rest = sorted((set(reads) | set(read_errors)) - {"DM"})
    if subjects is not None:
        todo = [d for d in rest if d not in read_errors]
        if "EX" in todo:  # its cut frame is the context of the domains after it
            found["EX"] = cut_one("EX")
        later = [d for d in todo if d != "EX"]
        found.update(zip(later, run_forked([(cut_one, (d,)) for d in later], workers)))
    errors = list(read_errors.get("DM", [])) + found.get("DM", (None, []))[1]
    for domain in rest:
        errors += read_errors.get(domain, []) + found.get(domain, (None, []))[1]
    if errors:
        raise InputDataError(errors)
    return [found[d][0] for d in ["DM", *rest] if d in found and found[d][0] is not None]


def cut_study(reads: dict[str, ReadDomain], files: dict[str, Path], *, cut: str,
              settings: DataChecks | None = None, read_errors: dict[str, list[Finding]] | None = None
              ) -> IngestResult:
    """:func:`cut_domains` with the study's data issues and reconciliation; ``files``: the study folder's files
    (those no domain took are listed in the reconciliation)."""
    results = cut_domains(reads, cut=cut, settings=settings, read_errors=read_errors)
    issues, recon = summarise(results, files)
    return IngestResult({r.domain: r.whole() for r in results if r.frame is not None}, issues, recon)


def ignored_files(files: dict[str, Path], reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Reconciliation rows of the files in the study folder that no domain took (not in the contract)."""
    taken = {name for cell in reconciliation["file"].dropna() for name in str(cell).split(", ")}
    rows = [{"domain": d, "file": p.name, "sha256": sha256(p), "status": "ignored (not in contract)"}
            for d, p in sorted(files.items()) if p.name not in taken]
    frame = pd.DataFrame(rows, columns=RECONCILIATION_COLUMNS)
    frame[COUNT_COLUMNS] = frame[COUNT_COLUMNS].astype("Int64")  # typed as the domains' rows it is stacked under
    return frame


def stack_rows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Rows of reconciliation (or data-issue) frames one after the other (empty frames add nothing)."""
    full = [f for f in frames if len(f)]
    return pd.concat(full, ignore_index=True) if full else frames[0].iloc[0:0]


def summarise(results: list[DomainResult], files: dict[str, Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """data_issues.csv and reconciliation.csv of a study from its domains' results (DM first)."""
    recon = stack_rows([r.reconciliation for r in results])
    recon = stack_rows([recon, ignored_files(files, recon)])
    return findings_frame([f for r in results for f in r.issues]), recon


def ingest_study(folder: str | Path, *, cut: str, settings: DataChecks | None = None,
                 studyid: str | None = None) -> IngestResult:
    """Read every contract domain in ``folder`` and apply the data cut.

    The same steps as the workflow's read and ingest jobs, in one process. Domains that are not part
    of the contract are ignored (and listed in the reconciliation as ``ignored``). All findings of all
    files are gathered before the run stops, so one pass shows every problem.
    """
    files = check_folder(folder)
    grouped, _ = group_domain_files(files)
    reads: dict[str, ReadDomain] = {}
    read_errors: dict[str, list[Finding]] = {}
    for domain in ["DM"] + sorted(d for d in grouped if d != "DM"):
        try:
            reads[domain] = read_checked_domain(domain, files, settings=settings, studyid=studyid,
                                                folder=folder if domain == "DM" else None)
        except InputDataError as err:
            read_errors[domain] = err.findings
    return cut_study(reads, files, cut=cut, settings=settings, read_errors=read_errors)
