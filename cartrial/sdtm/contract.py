"""The input contract: one ``DomainSpec`` per SDTM-like domain.

The contract is data, not code: readers and validators walk these specs.
Columns marked ``required`` must be present; others are checked when present.
Extra columns and extra domains are allowed and ignored. Source of the column
names and controlled terms: CDISC SDTMIG v3.4 and the project's
``spec/sdtm-input.md``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

P = TypeVar("P")

CHAR, NUM, DATE = "char", "num", "date"


@dataclass(frozen=True)
class Column:
    """One column of a domain: its kind and the rules a value must obey."""

    name: str
    kind: str = CHAR
    required: bool = False
    nullable: bool = True
    terms: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class DomainSpec:
    """A domain of the input contract."""

    domain: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...] = ()
    label: str = ""

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _req(name: str, kind: str = CHAR, **kw) -> Column:
    return Column(name, kind, required=True, nullable=kw.pop("nullable", False), **kw)


SLEDAI_ITEMS = (
    "SEIZURE", "PSYCHOS", "ORGBRAIN", "VISUAL", "CRANNERV", "HEADACHE", "CVA", "VASCULIT",
    "ARTHRIT", "MYOSIT", "UCASTS", "HEMATUR", "PROTURIA", "PYURIA",
    "RASH", "ALOPECIA", "MUCULCER", "PLEURISY", "PERICARD", "LOWCOMPL", "DNABIND",
    "FEVER", "THROMBO", "LEUKOPEN",
)
SLEDAI_CATEGORIES = ("SLEDAI-2K", "SELENA-SLEDAI")
BILAG_DOMAINS = (
    "CONSTIT", "MUCOCUT", "NEUROPSY", "MUSCSKEL", "CARDRESP", "GASTRO", "OPHTHAL", "RENAL", "HAEMATOL",
)

DOMAINS: dict[str, DomainSpec] = {
    "DM": DomainSpec(
        "DM",
        (
            _req("STUDYID"), _req("USUBJID"), Column("SUBJID"), Column("SITEID"),
            Column("AGE", NUM, min=0, max=120), Column("AGEU", terms=("YEARS", "MONTHS")),
            Column("SEX", terms=("M", "F", "U", "UNDIFFERENTIATED")), Column("RACE"), Column("ETHNIC"),
            Column("COUNTRY"), _req("ARMCD", nullable=True), _req("ARM", nullable=True),
            Column("ACTARMCD"), Column("ACTARM"),
            Column("RFICDTC", DATE), Column("RFSTDTC", DATE), Column("RFXSTDTC", DATE),
            Column("RFENDTC", DATE), Column("DTHFL", terms=("Y",)), Column("DTHDTC", DATE),
        ),
        keys=("USUBJID",),
        label="Demographics",
    ),
    "EX": DomainSpec(
        "EX",
        (
            _req("USUBJID"), _req("EXTRT"), Column("EXCAT"), Column("EXDOSE", NUM, min=0),
            Column("EXDOSU"), _req("EXSTDTC", DATE, nullable=True), Column("EXENDTC", DATE),
        ),
        label="Exposure",
    ),
    "DS": DomainSpec(
        "DS",
        (
            _req("USUBJID"), Column("DSCAT"), _req("DSDECOD"), Column("DSTERM"),
            _req("DSSTDTC", DATE, nullable=True), Column("EPOCH"),
        ),
        label="Disposition",
    ),
    "RS": DomainSpec(
        "RS",
        (
            _req("USUBJID"), _req("RSCAT"), _req("RSTESTCD"), Column("RSTEST"), Column("RSORRES"),
            Column("RSSTRESC"), Column("RSSTRESN", NUM), Column("VISITNUM", NUM), Column("VISIT"),
            _req("RSDTC", DATE, nullable=True), Column("RSEVAL"),
        ),
        label="Disease activity instruments",
    ),
    "LB": DomainSpec(
        "LB",
        (
            _req("USUBJID"), Column("LBCAT"), _req("LBTESTCD"), Column("LBTEST"), Column("LBORRES"),
            Column("LBORRESU"), Column("LBSTRESN", NUM), Column("LBSTRESU"),
            Column("LBSTNRLO", NUM), Column("LBSTNRHI", NUM), Column("VISITNUM", NUM), Column("VISIT"),
            _req("LBDTC", DATE, nullable=True),
        ),
        label="Laboratory",
    ),
    "VS": DomainSpec(
        "VS",
        (
            _req("USUBJID"), _req("VSTESTCD"), Column("VSSTRESN", NUM), Column("VSSTRESU"),
            Column("VISITNUM", NUM), Column("VISIT"), _req("VSDTC", DATE, nullable=True),
        ),
        label="Vital signs",
    ),
    "CM": DomainSpec(
        "CM",
        (
            _req("USUBJID"), _req("CMTRT"), Column("CMDECOD"), Column("CMCAT"),
            Column("CMDOSE", NUM, min=0), Column("CMDOSU"), Column("CMDOSFRQ"), Column("CMROUTE"),
            Column("CMSTDTC", DATE), Column("CMENDTC", DATE),
        ),
        label="Concomitant medication",
    ),
    "AE": DomainSpec(
        "AE",
        (
            _req("USUBJID"), Column("AESEQ", NUM), Column("AETERM"), _req("AEDECOD"), Column("AEBODSYS"),
            _req("AESTDTC", DATE, nullable=True), Column("AEENDTC", DATE),
            Column("AETOXGR", terms=("1", "2", "3", "4", "5")), Column("AESER", terms=("Y", "N")),
            Column("AEREL"), Column("AEOUT"), Column("AEACN"),
        ),
        keys=("USUBJID", "AESEQ"),
        label="Adverse events",
    ),
    "PC": DomainSpec(
        "PC",
        (
            _req("USUBJID"), _req("PCTESTCD"), Column("PCORRES"), Column("PCSTRESN", NUM),
            Column("PCSTRESU"), Column("PCLLOQ", NUM, min=0), Column("VISITNUM", NUM), Column("VISIT"),
            _req("PCDTC", DATE, nullable=True),
        ),
        label="CAR-T cellular kinetics",
    ),
}

#: The date variable that places each record in time, used by the data cut.
CUT_DATE_VARIABLE = {
    "EX": "EXSTDTC", "DS": "DSSTDTC", "RS": "RSDTC", "LB": "LBDTC", "VS": "VSDTC",
    "CM": "CMSTDTC", "AE": "AESTDTC", "PC": "PCDTC",
}

REQUIRED_DOMAINS = ("DM",)


def group_domain_files(files: dict[str, P]) -> tuple[dict[str, list[P]], dict[str, list[P]]]:
    """Contract domains and their SUPP-- files, by domain code, from ``{file stem (upper case): path}``.

    A domain is one file (``lb.csv``) or, as SDTMIG v3.4 section 4.1.7 allows,
    split into several files named by the domain code and a suffix
    (``lbch.parquet``, ``lbhe.parquet``); the parts are recognised by their
    ``DOMAIN`` column when they are read. ``SUPPAE`` or ``SUPPLBCH`` qualify AE
    or LB. Pure name matching (no file is opened), so the workflow can name a
    domain's input files while it parses.
    """
    domains: dict[str, list[P]] = {}
    supps: dict[str, list[P]] = {}
    for stem, path in sorted(files.items()):
        if stem in DOMAINS:
            domains.setdefault(stem, []).append(path)
        elif stem.startswith("SUPP") and stem[4:6] in DOMAINS:
            supps.setdefault(stem[4:6], []).append(path)
        elif len(stem) in (3, 4) and stem[:2] in DOMAINS:
            domains.setdefault(stem[:2], []).append(path)
    return domains, supps
