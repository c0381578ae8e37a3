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


# -- helpers that damage one file ---------------------------------------------------------------
def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def _write(folder: Path, name: str, frame: pd.DataFrame) -> None:
    frame.to_csv(folder / name, index=False, lineterminator="\n")


def _set(name: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Set data row ``row`` (1-based) of ``name``, column ``column``, to ``value``."""
    def damage(folder: Path) -> None:
        frame = _read(folder, name)
        frame.loc[row - 1, column] = value
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
         _bytes("ae.csv", _truncate_last), "ae.csv", 83, None, "fields but the header has",
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
    Case("wrong-type", "A number column holds text (DM.AGE = 'forty')", "stop", _set("dm.csv", 1, "AGE", "forty"),
         "dm.csv", 1, "AGE", "is a number", "a text age cannot be summarised"),
    Case("bad-term", "A value outside the controlled terms (DM.SEX = 'X')", "stop", _set("dm.csv", 2, "SEX", "X"),
         "dm.csv", 2, "SEX", "is one of M, F", "an unknown code cannot be tabulated"),
    Case("sledai-maybe", "A SLEDAI descriptor that is neither Y nor N ('MAYBE')", "stop",
         _at("rs.csv", _rs_row("SELENA-SLEDAI", "ARTHRIT"), "RSSTRESC", "MAYBE"), "rs.csv", None, "RSSTRESC",
         "must be Y (present) or N (absent)", "the total score would be a guess"),
    Case("bilag-f", "A BILAG-2004 grade F", "stop", _at("rs.csv", _rs_row("BILAG-2004", "RENAL"), "RSSTRESC", "F"),
         "rs.csv", None, "RSSTRESC", "must be A, B, C, D or E", "grades are A-E"),
    Case("pga-range", "PGA outside 0-3 (3.5)", "stop", _at("rs.csv", _rs_row("PGA", "PGA"), "RSSTRESN", "3.5"),
         "rs.csv", None, "RSSTRESN", "PGA must lie in 0-3", "the scale is 0-3"),
    Case("ae-grade-6", "A CTCAE grade 6", "stop", _set("ae.csv", 1, "AETOXGR", "6"), "ae.csv", 1, "AETOXGR",
         "is one of 1, 2, 3, 4, 5", "CTCAE grades are 1-5"),
    Case("negative-dose", "A negative dose (EX.EXDOSE = -1)", "stop", _set("ex.csv", 1, "EXDOSE", "-1"), "ex.csv", 1,
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
    Case("garbage-date", "A date that is not ISO 8601 ('yesterday')", "stop", _set("ae.csv", 1, "AESTDTC",
                                                                                 "yesterday"),
         "ae.csv", 1, "AESTDTC", "ISO 8601", "an unreadable date cannot place the event"),
    Case("impossible-date", "An impossible calendar date (2024-02-30)", "stop",
         _set("ae.csv", 1, "AESTDTC", "2024-02-30"), "ae.csv", 1, "AESTDTC", "ISO 8601", "no such day"),
    Case("partial-date", "A partial date (AESTDTC = 2024-06)", "accept", _set("ae.csv", 1, "AESTDTC", "2024-06"),
         why="legal in SDTM; imputed in ADAE by the documented rule (ASTDTF)"),
    Case("after-cut", "A record dated after the data cut", "accept", _set("ae.csv", 1, "AESTDTC", "2027-01-01"),
         why="removed by the cut and counted in the reconciliation (removed_after_cut)"),
    Case("cut-before-treatment", "A data cut before the first infusion", "stop", None, "dm.csv", None, "RFXSTDTC",
         "no subject was treated on or before the data cut", "an analysis of no treated subject is a wrong cut date",
         cut="2020-01-01"),
    # --- subjects
    Case("ae-not-in-dm", "A subject in AE but not in DM", "stop", _set("ae.csv", 1, "USUBJID", "CHT101-SLE-99-999"),
         "ae.csv", 1, "USUBJID", "not in DM", "an event of an unknown subject cannot be attributed"),
    Case("pc-not-in-dm", "A subject in PC but not in DM", "stop", _set("pc.csv", 1, "USUBJID", "CHT101-SLE-99-999"),
         "pc.csv", 1, "USUBJID", "not in DM", "a sample of an unknown subject cannot be attributed"),
    Case("pc-not-infused", "Kinetic samples of a subject with no CAR-T infusion", "issue",
         _set("pc.csv", 1, "USUBJID", NOT_INFUSED), "pc.csv", None, "USUBJID", "no CAR-T infusion",
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


def markdown() -> str:
    """The documentation table of the catalogue."""
    word = {"stop": "run stops", "issue": "listed in data_issues.csv", "accept": "read as legal"}
    lines = ["# Bad input: what the pipeline does", "",
             "Each row is a parametrised test (`tests/test_bad_input_catalogue.py`, cases in `tests/catalogue.py`)."
             " *Run stops*: nothing is analysed and no report is written; the error names the file, row, column "
             "and rule. *Listed*: the run goes on and the record appears in `data_issues.csv` and the report's "
             "data-review appendix with the action taken. *Read as legal*: the input is allowed.", "",
             "| # | Case | Outcome | Where | The message contains | Why |", "|---|---|---|---|---|---|"]
    for i, c in enumerate(CASES, start=1):
        where = ", ".join(x for x in (c.file, f"row {c.row}" if c.row else None,
                                      f"column {c.column}" if c.column else None) if x)
        lines.append(f"| {i} | {c.title} | {word[c.outcome]} | {where} | {c.rule} | {c.why} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
