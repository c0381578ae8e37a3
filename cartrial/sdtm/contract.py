"""The input contract: one ``DomainSpec`` per SDTM-like domain.

The contract is data, not code: readers and validators walk these specs.
Columns marked ``required`` must be present; others are checked when present.
Extra columns and extra domains are allowed and ignored. Source of the column
names and controlled terms: CDISC SDTMIG v3.4 and the project's
``docs/spec/sdtm-input.md``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from cartrial.sdtm.countries import ISO3166_ALPHA3

P = TypeVar("P")

CHAR, NUM, DATE = "char", "num", "date"

#: How the text of a column is normalised at ingest (``cartrial.sdtm.terms``), so a term that drives a
#: derivation matches whatever its case and spacing:
#: ``upper``: CDISC controlled terminology, compared and kept in upper case;
#: ``dictionary``: coded text (MedDRA, WHODrug, sponsor arm names), kept as written but one spelling per
#: term in a study (spellings that differ only in case or spacing are one term);
#: ``unit``: a unit, written as the unit table spells it.
UPPER, DICTIONARY, UNIT = "upper", "dictionary", "unit"


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
    case: str | None = None
    #: an open list: the canonical spelling of the terms the analyses use (other terms are allowed)
    known: tuple[str, ...] | None = None
    #: list (in data_issues.csv) each term outside ``known``: a record the analyses will not use
    list_unknown: bool = False


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
RS_CATEGORIES = (*SLEDAI_CATEGORIES, "BILAG-2004", "PGA", "SLICC/ACR DI")

#: CAR-T syndromes: the MedDRA preferred term of each and the syndrome code (docs/spec/sdtm-input.md, AE)
SYNDROME_TERMS = {
    "Cytokine release syndrome": "CRS",
    "Immune effector cell-associated neurotoxicity syndrome": "ICANS",
    "Acute graft versus host disease": "AGVHD",
    "Chronic graft versus host disease": "CGVHD",
    "Immune effector cell-associated haematotoxicity": "ICAHT",
}
#: CDISC CT codelists (non-extensible ones are closed ``terms``)
SEX_TERMS = ("M", "F", "U", "UNDIFFERENTIATED")
ETHNIC_TERMS = ("HISPANIC OR LATINO", "NOT HISPANIC OR LATINO", "NOT REPORTED", "UNKNOWN")
RACE_TERMS = ("AMERICAN INDIAN OR ALASKA NATIVE", "ASIAN", "BLACK OR AFRICAN AMERICAN",
              "NATIVE HAWAIIAN OR OTHER PACIFIC ISLANDER", "WHITE", "MULTIPLE", "OTHER", "NOT REPORTED", "UNKNOWN")
AGE_UNITS = ("YEARS", "MONTHS", "WEEKS", "DAYS", "HOURS")
DS_TERMS = ("COMPLETED", "ADVERSE EVENT", "DEATH", "WITHDRAWAL BY SUBJECT", "LOST TO FOLLOW-UP",
            "PHYSICIAN DECISION", "SCREEN FAILURE", "LACK OF EFFICACY", "PROGRESSIVE DISEASE",
            "PROTOCOL DEVIATION", "STUDY TERMINATED BY SPONSOR", "WITHDRAWAL BY PARENT/GUARDIAN",
            "INFORMED CONSENT OBTAINED", "RANDOMIZED", "OTHER")
EX_CATEGORIES = ("CAR-T", "LYMPHODEPLETION")
CM_CATEGORIES = ("GLUCOCORTICOID", "ANTIMALARIAL", "IMMUNOSUPPRESSANT", "BIOLOGIC", "RESCUE THERAPY", "CRS THERAPY",
                 "ANTIVIRAL", "ANTIBACTERIAL", "ANTIFUNGAL", "IMMUNOGLOBULIN", "GVHD THERAPY")
BILAG_DOMAINS = (
    "CONSTIT", "MUCOCUT", "NEUROPSY", "MUSCSKEL", "CARDRESP", "GASTRO", "OPHTHAL", "RENAL", "HAEMATOL",
)

DOMAINS: dict[str, DomainSpec] = {
    "DM": DomainSpec(
        "DM",
        (
            _req("STUDYID"), _req("USUBJID"), Column("SUBJID"), Column("SITEID"),
            Column("AGE", NUM, min=0), Column("AGEU", terms=AGE_UNITS),
            Column("SEX", terms=SEX_TERMS), Column("RACE", case=UPPER, known=RACE_TERMS, list_unknown=True),
            Column("ETHNIC", terms=ETHNIC_TERMS), Column("COUNTRY", terms=ISO3166_ALPHA3),
            _req("ARMCD", nullable=True, case=DICTIONARY, known=("SCRNFAIL", "NOTTRT")),
            _req("ARM", nullable=True, case=DICTIONARY), Column("ACTARMCD", case=DICTIONARY, known=("SCRNFAIL", "NOTTRT")),
            Column("ACTARM", case=DICTIONARY),
            Column("RFICDTC", DATE), Column("RFSTDTC", DATE), Column("RFXSTDTC", DATE),
            Column("RFENDTC", DATE), Column("DTHFL", terms=("Y",)), Column("DTHDTC", DATE),
        ),
        keys=("USUBJID",),
        label="Demographics",
    ),
    "EX": DomainSpec(
        "EX",
        (
            _req("USUBJID"), Column("EXSEQ", NUM), _req("EXTRT", case=DICTIONARY), Column("EXCAT", case=UPPER, known=EX_CATEGORIES, list_unknown=True),
            Column("EXDOSE", NUM, min=0), Column("EXDOSU", known=("10^6 cells/kg", "mg/m2", "mg/kg", "mg")), _req("EXSTDTC", DATE, nullable=True), Column("EXENDTC", DATE),
        ),
        label="Exposure",
    ),
    "DS": DomainSpec(
        "DS",
        (
            _req("USUBJID"), Column("DSSEQ", NUM), Column("DSCAT", case=UPPER), _req("DSDECOD", case=UPPER, known=DS_TERMS), Column("DSTERM"),
            _req("DSSTDTC", DATE, nullable=True), Column("EPOCH", case=UPPER),
        ),
        label="Disposition",
    ),
    "RS": DomainSpec(
        "RS",
        (
            _req("USUBJID"), Column("RSSEQ", NUM), _req("RSCAT", case=UPPER, known=RS_CATEGORIES, list_unknown=True), _req("RSTESTCD", case=UPPER),
            Column("RSTEST"), Column("RSORRES"), Column("RSSTRESC", case=UPPER), Column("RSSTRESN", NUM),
            Column("VISITNUM", NUM), Column("VISIT", case=UPPER), _req("RSDTC", DATE, nullable=True),
            Column("RSEVAL", case=UPPER),
        ),
        label="Disease activity instruments",
    ),
    "LB": DomainSpec(
        "LB",
        (
            _req("USUBJID"), Column("LBSEQ", NUM), Column("LBCAT", case=UPPER), _req("LBTESTCD", case=UPPER), Column("LBTEST"),
            Column("LBORRES"), Column("LBORRESU", case=UNIT), Column("LBSTRESN", NUM), Column("LBSTRESU", case=UNIT),
            Column("LBSTNRLO", NUM), Column("LBSTNRHI", NUM), Column("VISITNUM", NUM), Column("VISIT", case=UPPER),
            _req("LBDTC", DATE, nullable=True),
        ),
        label="Laboratory",
    ),
    "VS": DomainSpec(
        "VS",
        (
            _req("USUBJID"), Column("VSSEQ", NUM), _req("VSTESTCD", case=UPPER), Column("VSSTRESN", NUM), Column("VSSTRESU", case=UNIT),
            Column("VISITNUM", NUM), Column("VISIT", case=UPPER), _req("VSDTC", DATE, nullable=True),
        ),
        label="Vital signs",
    ),
    "CM": DomainSpec(
        "CM",
        (
            _req("USUBJID"), Column("CMSEQ", NUM), _req("CMTRT", case=DICTIONARY), Column("CMDECOD", case=DICTIONARY),
            Column("CMCAT", case=UPPER, known=CM_CATEGORIES), Column("CMDOSE", NUM, min=0),
            Column("CMDOSU", known=("mg", "g", "ug")), Column("CMDOSFRQ", case=UPPER), Column("CMROUTE", case=UPPER),
            Column("CMSTDTC", DATE), Column("CMENDTC", DATE),
        ),
        label="Concomitant medication",
    ),
    "AE": DomainSpec(
        "AE",
        (
            _req("USUBJID"), Column("AESEQ", NUM), Column("AETERM"),
            _req("AEDECOD", case=DICTIONARY, known=tuple(SYNDROME_TERMS)), Column("AEBODSYS", case=DICTIONARY),
            _req("AESTDTC", DATE, nullable=True), Column("AEENDTC", DATE),
            Column("AETOXGR", terms=("1", "2", "3", "4", "5")), Column("AESER", terms=("Y", "N")),
            Column("AEREL", case=UPPER), Column("AEOUT", case=UPPER), Column("AEACN", case=UPPER),
        ),
        keys=("USUBJID", "AESEQ"),
        label="Adverse events",
    ),
    "PC": DomainSpec(
        "PC",
        (
            _req("USUBJID"), Column("PCSEQ", NUM), _req("PCTESTCD", case=UPPER), Column("PCORRES", known=("<LLOQ",)), Column("PCSTRESN", NUM),
            Column("PCSTRESU", case=UNIT), Column("PCLLOQ", NUM, min=0), Column("VISITNUM", NUM),
            Column("VISIT", case=UPPER),
            _req("PCDTC", DATE, nullable=True),
        ),
        label="CAR-T cellular kinetics",
    ),
    "CP": DomainSpec(
        "CP",
        (
            _req("USUBJID"), Column("CPSEQ", NUM), _req("CPTESTCD", case=UPPER), Column("CPTEST"),
            Column("CPSBMRKS"), Column("CPCELSTA", case=UPPER), Column("CPCSMRKS"), Column("CPORRES"),
            Column("CPORRESU"), Column("CPSTRESN", NUM), Column("CPSTRESU"), Column("CPSPEC", case=UPPER),
            Column("CPMETHOD", case=UPPER), Column("VISITNUM", NUM), Column("VISIT", case=UPPER),
            _req("CPDTC", DATE, nullable=True),
        ),
        label="Cell phenotype findings",
    ),
}

#: The date variable that places each record in time, used by the data cut.
CUT_DATE_VARIABLE = {
    "EX": "EXSTDTC", "DS": "DSSTDTC", "RS": "RSDTC", "LB": "LBDTC", "VS": "VSDTC",
    "CM": "CMSTDTC", "AE": "AESTDTC", "PC": "PCDTC", "CP": "CPDTC",
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
