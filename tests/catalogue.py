"""The bad-input catalogue: each case damages a copy of the demo study (or its config) in one way,
and states what the pipeline must do and what the user sees.

Outcomes:
- ``stop``: the run stops before any analysis or report, with an error naming file, row, column
  and the rule broken;
- ``issue``: analysis continues; the record is listed in ``data_issues.csv`` (and the report's
  data-review appendix) with the action taken;
- ``accept``: the input is legal; it is read as the undamaged study would be.

``python -m tests.catalogue`` prints the documentation table (docs/bad-input.md), which a test
keeps equal to this file.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

STUDY = "cht101-sle"
CUT = "2026-03-31"
SUBJ = "CHT101-SLE-01-001"
NOT_INFUSED = "CHT101-SLE-01-016"


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    outcome: str  # stop | issue | accept
    damage: Callable[[Path], None] | None = None
    file: str | None = None
    row: int | None = None
    column: str | None = None
    rule: str = ""  # a phrase of the message the user sees
    why: str = ""  # why this outcome (the decision)
    cut: str = CUT
    config: dict = field(default_factory=dict)  # config cases: keys merged into the study's config
    #: real-world variants: "exact" = every cut domain equals the clean study's (so every ADaM, ARD and
    #: table is byte-identical); "folded" = equal once text is compared without case (same numbers, text as
    #: delivered); None = not compared
    same: str | None = None
    part: str = "contract"  # contract | real-world


# -- helpers that damage one file ---------------------------------------------------------------
def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def _write(folder: Path, name: str, frame: pd.DataFrame) -> None:
    frame.to_csv(folder / name, index=False, lineterminator="\n")


def _set(name: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Set row ``row`` of ``name`` (as a spreadsheet shows it: header = row 1), column ``column``, to ``value``."""
    def damage(folder: Path) -> None:
        frame = _read(folder, name)
        frame.loc[row - 2, column] = value
        _write(folder, name, frame)
    return damage


def _edit(name: str, fn: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        _write(folder, name, fn(_read(folder, name)))
    return damage


def _append(name: str, fn: Callable[[pd.DataFrame], dict]) -> Callable[[Path], None]:
    return _edit(name, lambda f: pd.concat([f, pd.DataFrame([fn(f)])], ignore_index=True).fillna(""))


def _bytes(name: str, fn: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).write_bytes(fn((folder / name).read_bytes()))
    return damage


def _convert(name: str, fmt: str, fn: Callable[[pd.DataFrame], pd.DataFrame] = lambda f: f) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        frame = fn(_read(folder, name))
        (folder / name).unlink()
        target = folder / name.replace(".csv", f".{fmt}")
        if fmt == "parquet":
            frame.to_parquet(target, index=False)
        else:
            import pyreadstat

            pyreadstat.write_xport(frame, str(target), table_name=name[:2].upper(), file_format_version=5)
    return damage


def _also(name: str, fmt: str) -> Callable[[Path], None]:
    return lambda folder: _read(folder, name).to_parquet(folder / name.replace(".csv", f".{fmt}"), index=False)


def _rs_row(category: str, testcd: str) -> Callable[[pd.DataFrame], int]:
    return lambda f: int(f.index[(f["RSCAT"] == category) & (f["RSTESTCD"] == testcd)][0]) + 1


def _at(name: str, locate: Callable[[pd.DataFrame], int], column: str, value: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        frame = _read(folder, name)
        frame.loc[locate(frame) - 1, column] = value
        _write(folder, name, frame)
    return damage


def _duplicate(name: str, row: int, **changes) -> Callable[[Path], None]:
    return _edit(name, lambda f: pd.concat([f, f.iloc[[row - 1]].assign(**changes)], ignore_index=True))


def _supp(rows: list[list[str]]) -> Callable[[Path], None]:
    cols = ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QVAL"]
    return lambda folder: _write(folder, "suppae.csv", pd.DataFrame([["CHT101-SLE", *r] for r in rows], columns=cols))


def _latin1(data: bytes) -> bytes:
    text = data.decode("utf-8").replace("Lymphocyte count decreased", "Lymphocyte count d\u00e9creased", 1)
    return text.encode("latin-1")


def _truncate_last(data: bytes) -> bytes:
    lines = data.decode("utf-8").rstrip("\n").split("\n")
    cells = next(csv.reader(io.StringIO(lines[-1])))
    lines[-1] = ",".join(cells[: len(cells) // 2])
    return ("\n".join(lines) + "\n").encode("utf-8")


def _header_only(data: bytes) -> bytes:
    return data.decode("utf-8").split("\n")[0].encode("utf-8") + b"\n"


def _lb_part(folder: Path) -> None:
    lb = _read(folder, "lb.csv")
    _write(folder, "lbxx.csv", lb.iloc[:3])


def _remove(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


CASES: list[Case] = [
    # --- file level
    Case("missing-column", "A required column is missing (AE.AEDECOD)", "stop",
         _edit("ae.csv", lambda f: f.drop(columns=["AEDECOD"])), "ae.csv", None, "AEDECOD",
         "required column is missing", "the SOC/PT tables cannot be built without it"),
    Case("missing-dm", "The required domain DM is absent", "stop", _remove("dm.csv"), "dm.csv", None, None,
         "required domain DM is missing", "DM defines the subjects"),
    Case("empty-file", "An empty file (0 bytes)", "stop", _bytes("ae.csv", lambda d: b""), "ae.csv", None, None,
         "file is empty", "an empty file is a failed export, not an absence of events"),
    Case("header-only", "A file with a header and no records (AE)", "issue", _bytes("ae.csv", _header_only),
         "ae.csv", None, None, "header but no records",
         "legal (no events), but listed so that a failed export cannot pass unnoticed"),
    Case("header-only-dm", "DM with a header and no records", "stop", _bytes("dm.csv", _header_only), "dm.csv",
         None, None, "DM has a header but no records", "no subjects, nothing to analyse"),
    Case("bom", "A UTF-8 byte-order mark at the start of a CSV", "accept",
         _bytes("dm.csv", lambda d: b"\xef\xbb\xbf" + d), why="common in files saved by spreadsheet programs"),
    Case("latin1", "Latin-1 (not UTF-8) text", "stop", _bytes("ae.csv", _latin1), "ae.csv", None, None,
         "not UTF-8", "guessing an encoding could silently corrupt terms"),
    Case("truncated-line", "A truncated CSV line (fewer fields than the header)", "stop",
         _bytes("ae.csv", _truncate_last), "ae.csv", 85, None, "fields but the header has",
         "a cut-off export would shift values into the wrong columns"),
    Case("two-formats", "One domain given twice in two formats (ae.csv and ae.parquet)", "stop",
         _also("ae.csv", "parquet"), "ae.csv, ae.parquet", None, None, "more than one file",
         "the pipeline will not guess which file is current"),
    Case("xpt", "A domain as SAS transport (dm.xpt instead of dm.csv)", "accept", _convert("dm.csv", "xpt"),
         why="XPT v5 is the submission format"),
    Case("parquet-dtypes", "A Parquet file with typed columns (integer AGE, date-time RFXSTDTC)", "accept",
         _convert("dm.csv", "parquet", lambda f: f.assign(AGE=f["AGE"].astype("int64"))),
         why="typed values are written back to the text the contract checks"),
    Case("extra-columns", "Extra, unknown columns", "accept", _edit("ae.csv", lambda f: f.assign(AEXTRA1="x")),
         why="SDTM allows sponsor columns; they are carried, not used"),
    Case("unknown-domain", "A file that is not a contract domain (xx.csv)", "accept",
         lambda folder: _write(folder, "xx.csv", pd.DataFrame({"USUBJID": [SUBJ]})),
         why="listed in the reconciliation as ignored"),
    Case("whole-and-split", "A domain given whole (lb.csv) and split (lbxx.csv)", "stop", _lb_part,
         "lb.csv, lbxx.csv", None, None, "both whole and split", "records would be counted twice"),
    # --- values
    Case("wrong-type", "A number column holds text (DM.AGE = 'forty')", "stop", _set("dm.csv", 2, "AGE", "forty"),
         "dm.csv", 2, "AGE", "is a number", "a text age cannot be summarised"),
    Case("bad-term", "A value outside the controlled terms (DM.SEX = 'X')", "stop", _set("dm.csv", 3, "SEX", "X"),
         "dm.csv", 3, "SEX", "is one of M, F", "an unknown code cannot be tabulated"),
    Case("sledai-maybe", "A SLEDAI descriptor that is neither Y nor N ('MAYBE')", "stop",
         _at("rs.csv", _rs_row("SELENA-SLEDAI", "ARTHRIT"), "RSSTRESC", "MAYBE"), "rs.csv", None, "RSSTRESC",
         "must be Y (present) or N (absent)", "the total score would be a guess"),
    Case("bilag-f", "A BILAG-2004 grade F", "stop", _at("rs.csv", _rs_row("BILAG-2004", "RENAL"), "RSSTRESC", "F"),
         "rs.csv", None, "RSSTRESC", "must be A, B, C, D or E", "grades are A-E"),
    Case("pga-range", "PGA outside 0-3 (3.5)", "stop", _at("rs.csv", _rs_row("PGA", "PGA"), "RSSTRESN", "3.5"),
         "rs.csv", None, "RSSTRESN", "PGA must lie in 0-3", "the scale is 0-3"),
    Case("ae-grade-6", "A CTCAE grade 6", "stop", _set("ae.csv", 2, "AETOXGR", "6"), "ae.csv", 2, "AETOXGR",
         "is one of 1, 2, 3, 4, 5", "CTCAE grades are 1-5"),
    Case("negative-dose", "A negative dose (EX.EXDOSE = -1)", "stop", _set("ex.csv", 2, "EXDOSE", "-1"), "ex.csv", 2,
         "EXDOSE", "at least 0", "a dose cannot be negative"),
    Case("zero-dose", "A CAR-T infusion with dose 0", "stop",
         _at("ex.csv", lambda f: int(f.index[f["EXCAT"] == "CAR-T"][0]) + 1, "EXDOSE", "0"), "ex.csv", None, "EXDOSE",
         "CAR-T infusion with dose 0", "the subject would count as treated with nothing; a dose not given has no EX "
         "record"),
    Case("unknown-unit", "A laboratory result in an unknown unit", "stop",
         _at("lb.csv", lambda f: int(f.index[f["LBTESTCD"] == "CREAT"][0]) + 1, "LBSTRESU", "furlongs"), "lb.csv",
         None, "LBSTRESU", "unit", "converting by a guessed factor would silently change results"),
    # --- keys and duplicates
    Case("duplicate-key", "A subject twice in DM (identical records)", "stop", _duplicate("dm.csv", 1), "dm.csv",
         None, "USUBJID", "duplicate key", "the subject would be counted twice"),
    Case("conflicting-duplicate", "Two AE records with one key (USUBJID, AESEQ) but different terms", "stop",
         _duplicate("ae.csv", 1, AEDECOD="Pyrexia"), "ae.csv", None, None, "duplicate key",
         "the pipeline will not choose between them"),
    Case("duplicate-measurement", "One SLEDAI item recorded twice at one assessment, with different values",
         "stop", _edit("rs.csv", lambda f: pd.concat([f, f.iloc[[_rs_row("SELENA-SLEDAI", "RASH")(f) - 1]].assign(
             RSSTRESC="Y", RSORRES="Y")], ignore_index=True)), "rs.csv", None, "RSDTC", "recorded twice",
         "the score would depend on which record is read first"),
    # --- dates
    Case("garbage-date", "A date that is not ISO 8601 ('yesterday')", "stop", _set("ae.csv", 2, "AESTDTC",
                                                                                 "yesterday"),
         "ae.csv", 2, "AESTDTC", "ISO 8601", "an unreadable date cannot place the event"),
    Case("impossible-date", "An impossible calendar date (2024-02-30)", "stop",
         _set("ae.csv", 2, "AESTDTC", "2024-02-30"), "ae.csv", 2, "AESTDTC", "ISO 8601", "no such day"),
    Case("partial-date", "A partial date (AESTDTC = 2024-06)", "accept", _set("ae.csv", 2, "AESTDTC", "2024-06"),
         why="legal in SDTM; imputed in ADAE by the documented rule (ASTDTF)"),
    Case("after-cut", "A record dated after the data cut", "accept", _set("ae.csv", 2, "AESTDTC", "2027-01-01"),
         why="removed by the cut and counted in the reconciliation (removed_after_cut)"),
    Case("cut-before-treatment", "A data cut before the first infusion", "stop", None, "dm.csv", None, "RFXSTDTC",
         "no subject was treated on or before the data cut", "an analysis of no treated subject is a wrong cut date",
         cut="2020-01-01"),
    # --- subjects
    Case("ae-not-in-dm", "A subject in AE but not in DM", "stop", _set("ae.csv", 2, "USUBJID", "CHT101-SLE-99-999"),
         "ae.csv", 2, "USUBJID", "not in DM", "an event of an unknown subject cannot be attributed"),
    Case("pc-not-in-dm", "A subject in PC but not in DM", "stop", _set("pc.csv", 2, "USUBJID", "CHT101-SLE-99-999"),
         "pc.csv", 2, "USUBJID", "not in DM", "a sample of an unknown subject cannot be attributed"),
    Case("pc-not-infused", "Kinetic samples of a subject with no CAR-T infusion", "issue",
         _set("pc.csv", 2, "USUBJID", NOT_INFUSED), "pc.csv", None, "USUBJID", "no CAR-T infusion",
         "no time since infusion exists; the samples are listed and excluded"),
    # --- supplemental qualifiers
    Case("supp-conflict", "A SUPP-- qualifier with two values for one record", "stop",
         _supp([["AE", SUBJ, "AESEQ", "1", "AETRTEM", "TE", "Y"], ["AE", SUBJ, "AESEQ", "1", "AETRTEM", "TE", "N"]]),
         "suppae.csv", None, "QVAL", "conflicting values", "neither value can be chosen without a guess"),
    Case("supp-orphan", "A SUPP-- qualifier whose parent record does not exist", "issue",
         _supp([["AE", SUBJ, "AESEQ", "999", "AETRTEM", "TE", "Y"]]), "suppae.csv", None, "IDVARVAL",
         "no AE record with AESEQ = 999", "the qualifier is listed, not merged; the AE records are complete"),
    # --- configuration (checked when the workflow starts)
    Case("config-unknown-key", "config.yaml: an unknown key", "stop", None, "config.yaml", None, None,
         "'bogus' was unexpected", "a misspelt setting must not be silently ignored", config={"bogus": 1}),
    Case("config-wrong-type", "config.yaml: a value of the wrong type (planned_n: 'fifteen')", "stop", None,
         "config.yaml", None, None, "'fifteen' is not of type 'integer'", "",
         config={"safety": {"planned_n": "fifteen"}}),
    Case("config-no-folder", "config.yaml: a study folder that does not exist", "stop", None, "config.yaml", None,
         None, "does not exist", "", config={"data": "data/no-such-study"}),
    Case("config-bad-date", "config.yaml: a cut date that is not a calendar date (2024-02-30)", "stop", None,
         "config.yaml", None, None, "is not a calendar date", "", config={"analyses": {"x": {"cut": "2024-02-30",
                                                                                          "type": "final"}}}),
]


# -- real-world variants (second part of the catalogue) -------------------------------------------
def _map(name: str, column: str, fn: Callable[[str], str], rows: Callable[[pd.DataFrame], pd.Series] | None = None
         ) -> Callable[[Path], None]:
    """Rewrite ``column`` of ``name`` cell by cell (blank cells stay blank), in the rows ``rows`` selects."""
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        sel = (f[column] != "") & (rows(f) if rows else True)
        f.loc[sel, column] = f.loc[sel, column].map(fn)
        return f
    return _edit(name, edit)


def _rename_columns(name: str, fn: Callable[[str], str]) -> Callable[[Path], None]:
    return _edit(name, lambda f: f.rename(columns=fn))


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def _quote_all(name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        _read(folder, name).to_csv(folder / name, index=False, lineterminator="\n", quoting=csv.QUOTE_ALL)
    return damage


def _pc_parquet_timestamps(folder: Path) -> None:
    pc = _read(folder, "pc.csv")
    pc["PCDTC"] = pd.to_datetime(pc["PCDTC"], format="ISO8601")
    for col in ("PCSTRESN", "PCLLOQ", "VISITNUM"):
        pc[col] = pd.to_numeric(pc[col])
    (folder / "pc.csv").unlink()
    pc.to_parquet(folder / "pc.parquet", index=False)


def _dm_parquet_dates(folder: Path) -> None:
    dm = _read(folder, "dm.csv")
    for col in ("RFICDTC", "RFSTDTC", "RFENDTC"):
        dm[col] = pd.to_datetime(dm[col].replace("", None)).dt.date
    (folder / "dm.csv").unlink()
    dm.to_parquet(folder / "dm.parquet", index=False)


def _lb_first(test: str) -> Callable[[pd.DataFrame], int]:
    return lambda f: int(f.index[f["LBTESTCD"] == test][0]) + 1  # data row, as _at takes it


def _lb_comma(folder: Path) -> None:
    lb = _read(folder, "lb.csv")
    i = int(lb.index[(lb["LBTESTCD"] == "CREAT") & lb["LBORRES"].str.contains(r"\.")][0])
    lb.loc[i, "LBORRES"] = lb.loc[i, "LBORRES"].replace(".", ",")
    lb.loc[i, "LBSTRESN"] = ""
    _write(folder, "lb.csv", lb)


def _weight_in_pounds(folder: Path) -> None:
    vs = _read(folder, "vs.csv")
    i = int(vs.index[(vs["USUBJID"] == SUBJ) & (vs["VSTESTCD"] == "WEIGHT")][3])
    vs.loc[i, "VSSTRESN"] = f"{float(vs.loc[i, 'VSSTRESN']) * 2.20462:.1f}"
    _write(folder, "vs.csv", vs)


def _add_lb(changes: dict, test: str = "NEUT") -> Callable[[Path], None]:
    """A copy of the subject's first ``test`` record with ``changes`` (a second result at one time)."""
    def damage(folder: Path) -> None:
        lb = _read(folder, "lb.csv")
        i = int(lb.index[(lb["USUBJID"] == SUBJ) & (lb["LBTESTCD"] == test)][0])
        _write(folder, "lb.csv", pd.concat([lb, lb.iloc[[i]].assign(**changes)], ignore_index=True))
    return damage


def _second_infusion(folder: Path) -> None:
    ex = _read(folder, "ex.csv")
    i = int(ex.index[(ex["USUBJID"] == SUBJ) & (ex["EXCAT"] == "CAR-T")][0])
    _write(folder, "ex.csv", pd.concat([ex, ex.iloc[[i]].assign(EXSTDTC="2024-09-01", EXENDTC="2024-09-01")],
                                       ignore_index=True))


def _dm_set(column: str, value: str, subj: str = SUBJ) -> Callable[[Path], None]:
    return _edit("dm.csv", lambda f: f.assign(**{column: f[column].where(f["USUBJID"] != subj, value)}))


def _lb_after_death(folder: Path) -> None:
    lb = _read(folder, "lb.csv")
    i = int(lb.index[lb["USUBJID"] == DIED][-1])
    lb.loc[i, "LBDTC"] = "2025-05-01"
    _write(folder, "lb.csv", lb)


def _ae_twice_column(folder: Path) -> None:
    ae = _read(folder, "ae.csv")
    ae.insert(len(ae.columns), "aetoxgr", "1")
    _write(folder, "ae.csv", ae)


DIED = "CHT101-SLE-01-013"  # died 2025-04-15
CRS = "Cytokine release syndrome"
_upper = str.upper
_mixed = str.title


VARIANTS: list[Case] = [
    # --- case and spacing of terms: same numbers
    Case("v-aedecod-upper", "AEDECOD in upper case (CYTOKINE RELEASE SYNDROME), as MedDRA text often arrives",
         "accept", _map("ae.csv", "AEDECOD", _upper), same="folded",
         why="terms match whatever their case; the syndrome terms take the contract's spelling, other terms keep "
             "the delivered spelling"),
    Case("v-aebodsys-upper", "AEBODSYS in upper case (INFECTIONS AND INFESTATIONS)", "accept",
         _map("ae.csv", "AEBODSYS", _upper), same="folded", why="infections are found by their SOC in any case"),
    Case("v-aedecod-spacing", "AEDECOD with doubled and trailing blanks ('Cytokine  release syndrome ')", "accept",
         _map("ae.csv", "AEDECOD", lambda v: v.replace(" ", "  ") + " "), same="exact",
         why="blanks inside and around terms are not part of the term"),
    Case("v-aedecod-two-spellings", "One AE term in two spellings (one 'LYMPHOCYTE COUNT DECREASED' among "
         "'Lymphocyte count decreased')", "issue",
         _map("ae.csv", "AEDECOD", _upper, lambda f: f.index == 0), "ae.csv", 2, "AEDECOD",
         "differ only in case", same="exact",
         why="one term, counted once per subject; the most frequent spelling is used and the variants are listed"),
    Case("v-dsdecod-mixed", "DSDECOD 'Completed' instead of COMPLETED", "accept",
         _map("ds.csv", "DSDECOD", _mixed), same="exact", why="CDISC terms match in any case"),
    Case("v-excat-mixed", "EXCAT 'Car-T' and 'Lymphodepletion'", "accept", _map("ex.csv", "EXCAT", _mixed),
         same="exact", why="the infusion is found whatever the case"),
    Case("v-cmcat-lower", "CMCAT in lower case ('glucocorticoid')", "accept", _map("cm.csv", "CMCAT", str.lower),
         same="exact", why="steroid, rescue and CRS-therapy records are found whatever the case"),
    Case("v-rscat-lower", "RSCAT in lower case ('selena-sledai', 'bilag-2004')", "accept",
         _map("rs.csv", "RSCAT", str.lower), same="exact", why="instruments are found whatever the case"),
    Case("v-rs-codes-lower", "RSTESTCD and RSSTRESC in lower case ('arthrit', 'y')", "accept",
         lambda folder: (_map("rs.csv", "RSTESTCD", str.lower)(folder), _map("rs.csv", "RSSTRESC", str.lower)(folder)),
         same="exact", why="SDTM test codes and coded results are upper case by definition"),
    Case("v-lbtestcd-lower", "LBTESTCD in lower case ('creat')", "accept", _map("lb.csv", "LBTESTCD", str.lower),
         same="exact", why="test codes are upper case by definition"),
    Case("v-vstestcd-lower", "VSTESTCD in lower case ('weight')", "accept", _map("vs.csv", "VSTESTCD", str.lower),
         same="exact", why="test codes are upper case by definition"),
    Case("v-pctestcd-lower", "PCTESTCD in lower case ('cartdna')", "accept", _map("pc.csv", "PCTESTCD", str.lower),
         same="exact", why="test codes are upper case by definition"),
    Case("v-units-upper", "Units in upper case (MG/DL, G/L, 10^9/L)", "accept",
         lambda folder: (_map("lb.csv", "LBSTRESU", _upper)(folder), _map("lb.csv", "LBORRESU", _upper)(folder)),
         same="exact", why="units are written as the unit table writes them"),
    Case("v-dm-codes-case", "SEX, RACE, ETHNIC and COUNTRY in mixed or lower case ('f', 'Asian', 'chn')", "accept",
         lambda folder: [_map("dm.csv", c, fn)(folder) for c, fn in (("SEX", str.lower), ("RACE", _mixed),
                                                                     ("ETHNIC", _mixed), ("COUNTRY", str.lower))],
         same="exact", why="closed code lists match in any case"),
    Case("v-ae-flags-lower", "AESER, AEREL and AEOUT in lower case", "accept",
         lambda folder: [_map("ae.csv", c, str.lower)(folder) for c in ("AESER", "AEREL", "AEOUT")], same="exact",
         why="seriousness, relatedness and fatal outcome are found whatever the case"),
    Case("v-visit-mixed", "VISIT names in mixed case ('Month 3')", "accept", _map("lb.csv", "VISIT", _mixed),
         same="exact", why="visit names are CDISC-style upper case"),
    Case("v-column-names-lower", "Column names in lower case (usubjid, aedecod)", "accept",
         _rename_columns("ae.csv", str.lower), same="exact", why="SDTM names are upper case"),
    Case("v-column-names-blanks", "Column names with blanks around them (' USUBJID ')", "accept",
         _rename_columns("cm.csv", lambda c: f" {c} "), same="exact", why="blanks around a name are not part of it"),
    # --- file encodings and formats: same numbers
    Case("v-crlf", "CSV with Windows line ends (CRLF)", "accept", _bytes("lb.csv", _crlf), same="exact",
         why="line ends are not data"),
    Case("v-quoted", "CSV with every field quoted", "accept", _quote_all("rs.csv"), same="exact",
         why="quoting is not data"),
    Case("v-parquet-timestamps", "PC as Parquet with PCDTC as timestamps and numbers as numbers", "accept",
         _pc_parquet_timestamps, same="exact", why="a typed date-time keeps its time of day"),
    Case("v-parquet-dates", "DM as Parquet with consent and reference dates as dates", "accept",
         _dm_parquet_dates, same="exact", why="a typed date is its ISO 8601 text"),
    Case("v-xpt-lb", "LB as SAS transport (numbers stored as doubles)", "accept", _convert("lb.csv", "xpt"),
         same="exact", why="XPT numbers are read back as the same values"),
    Case("v-pcdtc-hour", "PCDTC with hour precision ('2024-06-09T09', legal ISO 8601)", "accept",
         _map("pc.csv", "PCDTC", lambda v: v[:-3] if v.endswith(":00") else v), same=None,
         why="a time of 09 is 09:00; the kinetics (ADPC times, AUC) are those of the clean data"),
    # --- numbers written another way: read, and listed
    Case("v-decimal-comma-orres", "LBORRES '0,56' with LBSTRESN blank", "issue", _lb_comma, "lb.csv", None,
         "LBORRES", "decimal comma read as a decimal point", same=None,
         why="read as 0.56 and listed, never dropped"),
    Case("v-decimal-comma-stresn", "LBSTRESN '0,9' (decimal comma in a number column)", "issue",
         _at("lb.csv", _lb_first("CREAT"), "LBSTRESN", "0,9"), "lb.csv", None, "LBSTRESN",
         "decimal comma read as a decimal point", why="read as 0.9 and listed"),
    Case("v-thousands-comma", "LBSTRESN '1,234' (decimal comma or thousands separator?)", "stop",
         _at("lb.csv", _lb_first("PLAT"), "LBSTRESN", "1,234"), "lb.csv", None, "LBSTRESN",
         "thousands separator", why="the two readings differ by 1,000 times; the pipeline will not guess"),
    Case("v-inf", "LBSTRESN 'inf'", "stop", _at("lb.csv", _lb_first("CRP"), "LBSTRESN", "inf"), "lb.csv", None,
         "LBSTRESN", "finite number", why="not a measurement"),
    Case("v-non-numeric", "LBORRES 'POSITIVE' with LBSTRESN blank for creatinine", "issue",
         lambda folder: (_at("lb.csv", _lb_first("CREAT"), "LBORRES", "POSITIVE")(folder),
                         _at("lb.csv", _lb_first("CREAT"), "LBSTRESN", "")(folder)),
         "lb.csv", None, "LBORRES", "character result where the analyses need a number",
         why="the result cannot enter eGFR or renal response; listed as not analysed"),
    # --- implausible values
    Case("v-creat-umol-as-mgdl", "Creatinine 47.7 labelled mg/dL (really umol/L)", "stop",
         _at("lb.csv", _lb_first("CREAT"), "LBSTRESN", "47.7"), "lb.csv", None, "LBSTRESN",
         "[limits] CREAT outside its physiological limits",
         why="a wrong unit would change eGFR and renal response; limits by test (and by age for children)"),
    Case("v-negative-lab", "LBSTRESN -30 for neutrophils", "stop",
         _at("lb.csv", _lb_first("NEUT"), "LBSTRESN", "-30"), "lb.csv", None, "LBSTRESN",
         "[limits] NEUT outside its physiological limits", why="a count cannot be negative"),
    Case("v-weight-pounds", "One weight in pounds labelled kg", "stop", _weight_in_pounds, "vs.csv", None,
         "VSSTRESN", "[jump] WEIGHT differs from the subject's median",
         why="2.2 times the subject's other weights: a unit error"),
    Case("v-age-months", "AGE given in months (AGEU MONTHS; 53 months = 4 years)", "issue", _dm_set("AGEU", "MONTHS"), "dm.csv", 2, "AGE",
         "[age_unit]", why="converted to completed years and listed; an age is never read in the wrong unit"),
    Case("v-ae-end-before-start", "An AE that ends before it starts", "issue",
         _set("ae.csv", 2, "AEENDTC", "2023-06-01"), "ae.csv", 2, "AEENDTC", "[ae_end_before_start]",
         why="a negative duration is impossible; the end date is not used (the AE is analysed as ongoing) and "
             "listed"),
    Case("v-death-before-infusion", "Death before the CAR-T infusion", "stop",
         lambda folder: (_dm_set("DTHDTC", "2024-06-01")(folder), _dm_set("DTHFL", "Y")(folder)), "dm.csv", 2,
         "DTHDTC", "[death_before_infusion]", why="follow-up would be negative; the dates contradict each other"),
    Case("v-consent-after-infusion", "Consent after the infusion", "issue", _dm_set("RFICDTC", "2024-06-20"),
         "dm.csv", 2, "RFICDTC", "[consent_after_infusion]", why="a GCP finding, listed; no number depends on it"),
    Case("v-ae-1900", "An AE start in 1900 (a placeholder date)", "stop", _set("ae.csv", 2, "AESTDTC", "1900-01-01"),
         "ae.csv", 2, "AESTDTC", "[early_date]", why="a placeholder date is not an onset"),
    Case("v-record-after-death", "A laboratory record dated after the subject's death", "issue", _lb_after_death,
         "lb.csv", None, "LBDTC", "[record_after_death]", why="listed for the data manager; the record is kept"),
    Case("v-column-twice", "Two columns that differ only in case (aetoxgr beside AETOXGR)", "stop",
         _ae_twice_column, "ae.csv", 1, "AETOXGR", "column given twice",
         why="the later one would silently win and change every grade"),
    Case("v-ethnic-bad", "ETHNIC outside its code list ('LATINO')", "stop", _dm_set("ETHNIC", "LATINO"), "dm.csv",
         2, "ETHNIC", "is one of HISPANIC OR LATINO", why="a closed CDISC code list"),
    Case("v-excat-unknown", "EXCAT outside the categories the analyses use ('BRIDGING THERAPY')", "issue",
         _map("ex.csv", "EXCAT", lambda v: "BRIDGING THERAPY", lambda f: f["EXTRT"] == "FLUDARABINE"), "ex.csv", None,
         "EXCAT", "not one the analyses use", why="kept, not analysed, and listed"),
    # --- conflicts and multiplicity
    Case("v-conflicting-neut", "A second NEUT record at the same time with another value", "issue",
         _add_lb({"LBSTRESN": "0.1", "LBORRES": "0.1", "VISITNUM": "99", "VISIT": "UNSCHEDULED 1"}), "lb.csv",
         None, "LBSTRESN", "[conflict]",
         why="resolved by data_checks.conflicts (first: the scheduled visit's result) and listed with both values"),
    Case("v-duplicate-lb", "An LB record delivered twice", "issue", _add_lb({}, "CRP"), "lb.csv", None, "LBSTRESN",
         "[duplicate_record]", why="one record is analysed, the copy is listed and excluded"),
    Case("v-second-infusion", "A second CAR-T infusion", "issue", _second_infusion, "ex.csv", None, "EXSTDTC",
         "[second_infusion]", why="the first infusion is the reference (TRTSDT); the second is listed"),
    # --- files
    Case("v-cm-xlsx", "A domain delivered as a spreadsheet (cm.xlsx)", "stop",
         lambda folder: (folder / "cm.csv").rename(folder / "cm.xlsx"), "cm.xlsx", None, None,
         "format that is not read", why="it would vanish without a word"),
    Case("v-stray-file", "A file in the study folder that is not a table (notes.txt)", "issue",
         lambda folder: (folder / "notes.txt").write_text("query log\n"), "notes.txt", None, None, "[unread_file]",
         why="every file in the folder is read or listed"),
    Case("v-studyid", "Records of another study (STUDYID) in AE", "stop", _set("ae.csv", 2, "STUDYID", "OTHER-01"),
         "ae.csv", 2, "STUDYID", "not the configured study", why="another study's records must not be analysed here"),
]
VARIANTS = [Case(**{**c.__dict__, "part": "real-world"}) for c in VARIANTS]
CASES = CASES + VARIANTS


def markdown() -> str:
    """The documentation table of the catalogue."""
    word = {"stop": "run stops", "issue": "listed in data_issues.csv", "accept": "read as legal"}
    lines = ["# Bad input: what the pipeline does", "",
             "Each row is a parametrised test (`tests/test_bad_input_catalogue.py`, cases in `tests/catalogue.py`)."
             " *Run stops*: nothing is analysed and no report is written; the error names the file, row, column "
             "and rule. *Listed*: the run goes on and the record appears in `data_issues.csv` and the report's "
             "data-review appendix with the action taken. *Read as legal*: the input is allowed.", "",
             "| # | Case | Outcome | Where | The message contains | Why |", "|---|---|---|---|---|---|"]
    same = {"exact": "; cut domains identical to the clean data", "folded": "; same numbers (text case as "
            "delivered)", None: ""}
    part = None
    for i, c in enumerate(CASES, start=1):
        if c.part != part and c.part == "real-world":
            lines += ["", "## Real-world variants", "",
                      "Realistic variants of the demo data (`tests/catalogue.py`, VARIANTS). A legal variant gives "
                      "cut domains identical to the clean data, hence byte-identical ADaM, ARDs and tables "
                      "(`tests/test_bad_input_catalogue.py` also runs the workflow once on all of them together and "
                      "compares the ARDs byte for byte); the others are listed or stop the run. Rows are numbered "
                      "as a spreadsheet shows the file (header = row 1).", "",
                      "| # | Case | Outcome | Where | The message contains | Why |", "|---|---|---|---|---|---|"]
        part = c.part
        where = ", ".join(x for x in (c.file, f"row {c.row}" if c.row else None,
                                      f"column {c.column}" if c.column else None) if x)
        lines.append(f"| {i} | {c.title} | {word[c.outcome]}{same[c.same]} | {where} | {c.rule} | {c.why} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
