"""Ingest one study folder: read, check, convert units, apply the data cut."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cartrial.sdtm.contract import DOMAINS, REQUIRED_DOMAINS
from cartrial.sdtm.datacut import apply_data_cut
from cartrial.sdtm.errors import Finding, InputDataError, findings_frame
from cartrial.sdtm.readers import find_domain_files, read_domain
from cartrial.sdtm.units import LB_UNITS, VS_UNITS, convert_units
from cartrial.sdtm.validate import check_subjects_in_dm, validate_domain


@dataclass(frozen=True)
class IngestResult:
    """Validated, unit-converted, cut domains with their audit trail."""

    domains: dict[str, pd.DataFrame]
    issues: pd.DataFrame
    reconciliation: pd.DataFrame


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


def ingest_study(folder: str | Path, *, cut: str) -> IngestResult:
    """Read every contract domain in ``folder`` and apply the data cut.

    Domains that are not part of the contract are ignored (and listed in
    the reconciliation as ``ignored``). All findings of all files are
    gathered before the run stops, so one pass shows every problem.
    """
    files = find_domain_files(folder)
    missing = [d for d in REQUIRED_DOMAINS if d not in files]
    if missing:
        raise InputDataError([Finding(d, f"{d.lower()}.csv", None, None,
                                      f"required domain {d} is missing from {Path(folder).name}")
                              for d in missing])
    domains: dict[str, pd.DataFrame] = {}
    names: dict[str, str] = {}
    errors: list[Finding] = []
    for domain, path in files.items():
        if domain not in DOMAINS:
            continue
        names[domain] = path.name
        try:
            frame = validate_domain(read_domain(path), domain, file=path.name)
            if domain == "LB":
                frame = convert_units(frame, testcd="LBTESTCD", value="LBSTRESN", unit="LBSTRESU",
                                      table=LB_UNITS, domain="LB", file=path.name,
                                      orres="LBORRES", orresu="LBORRESU")
            elif domain == "VS":
                frame = convert_units(frame, testcd="VSTESTCD", value="VSSTRESN", unit="VSSTRESU",
                                      table=VS_UNITS, domain="VS", file=path.name)
            domains[domain] = frame
        except InputDataError as err:
            errors += err.findings
    if errors:
        raise InputDataError(errors)
    check_subjects_in_dm(domains, names)
    cut_domains, recon, issues = apply_data_cut(domains, cut=cut, files=names)
    issues += find_samples_without_infusion(cut_domains, names)
    recon["sha256"] = recon["domain"].map({d: sha256(files[d]) for d in names})
    ignored = sorted(set(files) - set(names))
    if ignored:
        extra = pd.DataFrame({"domain": ignored, "file": [files[d].name for d in ignored],
                              "sha256": [sha256(files[d]) for d in ignored]})
        recon = pd.concat([recon, extra], ignore_index=True)
    recon["status"] = recon["domain"].map(lambda d: "read" if d in names else "ignored (not in contract)")
    return IngestResult(cut_domains, findings_frame(issues), recon)
