"""The ingest job reads into pandas only the columns its data cut and data checks use
(``cartrial.sdtm.ingest.checked_columns``) and carries the others as Arrow to the file it writes. On a study
whose records break every check, under settings that keep, exclude, blank and average records, the files,
findings and reconciliation are those of the domains read whole, byte for byte, whole and in row groups.

A check that read a column missing from ``checked_columns`` would find something else on the carried frame
(``"VISIT" in frame`` false, a date not compared): these tests then fail."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

import cartrial.io
from cartrial.sdtm.checks import DataChecks
from cartrial.sdtm.ingest import StoredReads, checked_columns, cut_domains, write_cut
from cartrial.sdtm.readstudy import read_study

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ["DM", "AE", "CM", "CP", "DS", "EX", "LB", "PC", "RS", "VS"]
CUT = "2024-06-30"


def _csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _save(frame: pd.DataFrame, folder: Path, name: str) -> None:
    frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    """LN-PEDS with records that break each check of the cut domains."""
    folder = tmp_path_factory.mktemp("broken") / "data"
    shutil.copytree(ROOT / "data" / "ln-peds", folder)
    dm = _csv(folder, "dm")
    died, uninfused = dm["USUBJID"].iloc[1], dm["USUBJID"].iloc[2]
    dm.loc[1, ["DTHFL", "DTHDTC"]] = ["Y", "2023-09-01"]  # records after death (and after the cut's reset)
    dm.loc[2, "RFXSTDTC"] = ""  # never infused: kinetic samples not analysed
    _save(dm, folder, "dm")
    ex = _csv(folder, "ex")
    ex = ex[~((ex["USUBJID"] == uninfused) & (ex["EXCAT"] == "CAR-T"))]
    cart = ex[ex["EXCAT"] == "CAR-T"].iloc[[0]].assign(EXSTDTC="2023-06-01", EXENDTC="2023-06-01")
    _save(pd.concat([ex, cart], ignore_index=True), folder, "ex")  # a second CAR-T infusion
    lb = _csv(folder, "lb")
    first = lb.iloc[[0]]
    dup = first.copy()  # the same result twice
    other = first.assign(LBORRES="9.99", LBSTRESN="9.99", VISITNUM="99", VISIT="UNSCHEDULED")  # a conflict
    creat = lb[lb["LBTESTCD"] == "CREAT"].index[:2]
    lb.loc[creat[0], ["LBORRES", "LBSTRESN"]] = ["40", "40"]  # outside the physiological limits
    lb.loc[creat[1], ["LBORRES", "LBSTRESN"]] = ["POSITIVE", ""]  # a character result
    lb.loc[lb.index[5], "LBDTC"] = ""  # no date
    lb.loc[lb.index[6], "LBDTC"] = "1899-12-31"  # a placeholder date
    _save(pd.concat([lb, dup, other], ignore_index=True), folder, "lb")
    vs = _csv(folder, "vs")
    weight = vs[(vs["VSTESTCD"] == "WEIGHT") & (vs["USUBJID"] == died) & (vs["VSDTC"] < CUT)].index
    vs.loc[weight[2], "VSSTRESN"] = str(float(vs.loc[weight[2], "VSSTRESN"]) * 2.2)  # pounds: a jump
    _save(vs, folder, "vs")
    ae = _csv(folder, "ae")
    ae.loc[0, "AEENDTC"] = "2023-01-01"  # ends before it starts
    _save(ae, folder, "ae")
    return folder


SETTINGS = {
    "defaults, kept": {"actions": {"limits": "keep", "jump": "keep", "early_date": "keep"}},
    "excluded, averaged": {"actions": {"limits": "exclude", "jump": "exclude", "early_date": "exclude",
                                       "record_after_death": "exclude"}, "conflicts": "mean"},
    "last": {"actions": {"limits": "exclude", "jump": "keep", "early_date": "exclude"}, "conflicts": "last"},
}


def _read(folder: Path, out: Path, checks: dict) -> dict:
    out.mkdir()
    outputs = {d: (str(out / f"{d.lower()}.parquet"), str(out / f"{d.lower()}.json")) for d in DOMAINS}
    read_study(folder, DOMAINS, outputs=outputs, cache=out / "cache", checks=checks, studyid="LN-PEDS", code="c")
    return outputs


def _cut(outputs: dict, out: Path, checks: dict, *, carry: bool):
    out.mkdir()
    reads = StoredReads(outputs, carry_from=0 if carry else None)
    results = cut_domains(reads, cut=CUT, settings=DataChecks.from_config(checks),
                          sink=lambda r: write_cut(r, out / f"{r.domain.lower()}.parquet"))
    return results, {p.name: p.read_bytes() for p in sorted(out.glob("*.parquet"))}


@pytest.mark.parametrize("name, chunk", [("defaults, kept", None), ("excluded, averaged", 97), ("last", 1000)])
def test_carried_columns_give_the_same_files_and_findings(broken, tmp_path, monkeypatch, name, chunk):
    if chunk:  # row groups of 97 records: the carried columns are written a row group at a time
        monkeypatch.setattr(cartrial.io, "WRITE_CHUNK_ROWS", chunk)
    checks = SETTINGS[name]
    outputs = _read(broken, tmp_path / "read", checks)
    whole, whole_files = _cut(outputs, tmp_path / "whole", checks, carry=False)
    carried, carried_files = _cut(outputs, tmp_path / "carried", checks, carry=True)
    rules = {f.rule.split("]")[0] + "]" for r in whole for f in r.issues if f.rule.startswith("[")}
    # the data break every check of the cut domains (DM's are run on DM whole, never carried)
    assert {"[duplicate_record]", "[conflict]", "[limits]", "[non_numeric]", "[early_date]", "[jump]",
            "[record_after_death]", "[ae_end_before_start]", "[second_infusion]"} <= rules, rules
    assert any("no CAR-T infusion" in f.rule for r in whole for f in r.issues)
    assert any("has no date" in f.rule for r in whole for f in r.issues)
    assert [r.domain for r in carried] == [r.domain for r in whole]
    for a, b in zip(whole, carried):
        assert a.issues == b.issues, a.domain
        assert a.reconciliation.equals(b.reconciliation), a.domain
    assert carried_files.keys() == whole_files.keys() and len(whole_files) == len(DOMAINS)
    for file in whole_files:
        assert carried_files[file] == whole_files[file], file


def test_only_the_checked_columns_are_python_objects(broken, tmp_path):
    """LB: the test, result, date and visit in the frame; the category, names and units carried as Arrow
    (dictionary-encoded text), and the file written with every column in the order read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    outputs = _read(broken, tmp_path / "read", SETTINGS["defaults, kept"])
    records = pq.read_metadata(outputs["LB"][0]).num_rows
    assert StoredReads(outputs, carry_from=records + 1)["LB"].carried is None  # a domain below the limit: whole
    read = StoredReads(outputs, carry_from=records)["LB"]
    assert {"LBTESTCD", "LBSTRESN", "LBORRES", "LBDTC", "USUBJID", "VISIT"} <= set(read.frame.columns)
    assert {"LBCAT", "LBTEST", "LBORRESU", "LBSTRESU", "STUDYID"} <= set(read.carried.column_names)
    assert not set(read.frame.columns) & set(read.carried.column_names)
    assert pa.types.is_dictionary(read.carried.schema.field("LBTEST").type)
    assert set(checked_columns("LB")) & set(read.carried.column_names) == set()
    [_, *rest] = cut_domains(StoredReads(outputs, carry_from=0), cut=CUT,
                             settings=DataChecks.from_config(SETTINGS["last"]))
    lb = next(r for r in rest if r.domain == "LB")
    assert list(lb.whole().columns) == [c for c in pq.read_schema(outputs["LB"][0]).names if c != "__ROW"]
