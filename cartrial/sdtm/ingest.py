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
from cartrial.sdtm.supp import merge_supp
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


def group_domain_files(files: dict[str, Path]) -> tuple[dict[str, list[Path]], dict[str, list[Path]]]:
    """Contract domains and their SUPP-- files, by domain code.

    A domain is one file (``lb.csv``) or, as SDTMIG v3.4 section 4.1.7 allows,
    split into several files named by the domain code and a suffix
    (``lbch.parquet``, ``lbhe.parquet``); the parts are recognised by their
    ``DOMAIN`` column when they are read. A domain given both whole and split
    is an error. ``SUPPAE`` or ``SUPPLBCH`` qualify AE or LB.
    """
    domains: dict[str, list[Path]] = {}
    supps: dict[str, list[Path]] = {}
    for stem, path in sorted(files.items()):
        if stem in DOMAINS:
            domains.setdefault(stem, []).append(path)
        elif stem.startswith("SUPP") and stem[4:6] in DOMAINS:
            supps.setdefault(stem[4:6], []).append(path)
        elif len(stem) in (3, 4) and stem[:2] in DOMAINS:
            domains.setdefault(stem[:2], []).append(path)
    return domains, supps


def _read_part(path: Path, domain: str) -> pd.DataFrame | None:
    """One file of a domain; a split-name file whose DOMAIN column is not the code is not a part (None)."""
    frame = read_domain(path)
    if path.stem.upper() != domain and ("DOMAIN" not in frame or not (frame["DOMAIN"] == domain).all()):
        return None
    return frame


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
    grouped, supps = group_domain_files(files)
    domains: dict[str, pd.DataFrame] = {}
    names: dict[str, str] = {}
    used: dict[str, list[Path]] = {}
    errors: list[Finding] = []
    warnings: list[Finding] = []
    supp_rows = []
    for domain, paths in grouped.items():
        parts = []
        for path in paths:
            try:
                frame = _read_part(path, domain)
                if frame is None:
                    continue
                frame = validate_domain(frame, domain, file=path.name)
                if not len(frame):
                    if domain in REQUIRED_DOMAINS:
                        raise InputDataError([Finding(domain, path.name, None, None,
                                                      f"{domain} has a header but no records")])
                    warnings.append(Finding(domain, path.name, None, None, "file has a header but no records",
                                            severity="warning", action="domain analysed as having no records"))
                if domain == "LB":
                    frame = convert_units(frame, testcd="LBTESTCD", value="LBSTRESN", unit="LBSTRESU",
                                          table=LB_UNITS, domain="LB", file=path.name,
                                          orres="LBORRES", orresu="LBORRESU")
                elif domain == "VS":
                    frame = convert_units(frame, testcd="VSTESTCD", value="VSSTRESN", unit="VSSTRESU",
                                          table=VS_UNITS, domain="VS", file=path.name)
                parts.append(frame)
                used.setdefault(domain, []).append(path)
            except InputDataError as err:
                errors += err.findings
        if domain not in used:
            continue
        if domain in files and len(used[domain]) > 1:
            errors.append(Finding(domain, ", ".join(p.name for p in used[domain]), None, None,
                                  "domain given both whole and split into parts; keep one"))
            continue
        names[domain] = ", ".join(p.name for p in used[domain])
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        if supps.get(domain):
            read = {p.name: read_domain(p) for p in supps[domain]}
            frame, found, merged = merge_supp(frame, read, domain=domain)
            errors += [f for f in found if f.severity == "error"]
            warnings += [f for f in found if f.severity != "error"]
            supp_rows += [{"domain": p.stem.upper(), "file": p.name, "read": len(read[p.name]),
                           "kept": merged.get(p.name, 0), "sha256": sha256(p), "status": f"merged into {domain}"}
                          for p in supps[domain]]
        domains[domain] = frame
    if errors:
        raise InputDataError(errors)
    check_subjects_in_dm(domains, names)
    cut_domains, recon, issues = apply_data_cut(domains, cut=cut, files=names)
    dm = domains["DM"]
    if "RFXSTDTC" in dm and dm["RFXSTDTC"].notna().any() and cut_domains["DM"]["RFXSTDTC"].isna().all():
        first = str(dm["RFXSTDTC"].dropna().min())
        raise InputDataError([Finding("DM", names["DM"], None, "RFXSTDTC", f"no subject was treated on or before "
                                      f"the data cut {cut} (first treatment {first[:10]}): check the cut date in "
                                      "config.yaml")])
    issues = warnings + issues + find_samples_without_infusion(cut_domains, names)
    recon["sha256"] = recon["domain"].map({d: ";".join(sha256(p) for p in used[d]) for d in names})
    recon["status"] = "read"
    taken = {p for d in names for p in used[d] + supps.get(d, [])}
    ignored = sorted(d for d, p in files.items() if p not in taken)
    extra = pd.DataFrame(supp_rows + [{"domain": d, "file": files[d].name, "sha256": sha256(files[d]),
                                       "status": "ignored (not in contract)"} for d in ignored])
    if len(extra):
        recon = pd.concat([recon, extra], ignore_index=True)
    return IngestResult(cut_domains, findings_frame(issues), recon)
