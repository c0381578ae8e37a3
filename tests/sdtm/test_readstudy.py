"""A study's domains read once per file content: a changed table re-reads only its domain, the others come
from the cache byte for byte; every domain's contract errors are reported together."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cartrial.sdtm.errors import InputDataError
from cartrial.sdtm.readstudy import read_study

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ["DM", "AE", "CM", "CP", "DS", "EX", "LB", "PC", "RS", "VS"]


def _run(folder, out, *, code="c1", workers=1):
    outputs = {d: (str(out / f"{d.lower()}.parquet"), str(out / f"{d.lower()}.json")) for d in DOMAINS}
    done = read_study(folder, DOMAINS, outputs=outputs, cache=out / "cache", checks=None, studyid="CHT101-SLE",
                      code=code, workers=workers)
    return done, {p.name: p.read_bytes() for p in sorted(out.glob("*.*"))}


@pytest.fixture()
def study(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "cht101-sle", folder)
    return folder


def test_a_changed_table_rereads_only_its_domain(study, tmp_path):
    out = tmp_path / "read"
    out.mkdir()
    done, first = _run(study, out, workers=2)
    assert set(done.values()) == {"read"} and len(first) == 2 * len(DOMAINS)
    done, again = _run(study, out)
    assert done == {d: "read" if d == "DM" else "cached" for d in DOMAINS}  # DM lists the folder: always read
    assert again == first
    ae = study / "ae.csv"
    frame = pd.read_csv(ae, dtype=str, keep_default_na=False)
    frame.loc[0, "AEOUT"] = "RECOVERING/RESOLVING" if frame.loc[0, "AEOUT"] != "RECOVERING/RESOLVING" else "FATAL"
    frame.to_csv(ae, index=False, lineterminator="\n")
    done, changed = _run(study, out)
    assert [d for d, how in done.items() if how == "read"] == ["DM", "AE"]
    assert {k for k in first if changed[k] != first[k]} == {"ae.parquet", "ae.json"}  # the SHA-256 is recorded
    assert pd.read_parquet(out / "ae.parquet")["AEOUT"].iloc[0] == frame.loc[0, "AEOUT"]
    assert len(list((out / "cache").iterdir())) == 2 * len(DOMAINS)  # the old AE entry is gone
    done, _ = _run(study, out, code="c2")  # other code: nothing comes from the cache
    assert set(done.values()) == {"read"}


def test_an_entry_written_halfway_is_read_again(study, tmp_path):
    out = tmp_path / "read"
    out.mkdir()
    _run(study, out)
    for meta in (out / "cache").glob("lb-*.json"):
        meta.unlink()  # as if the job had stopped between the two files
    done, _ = _run(study, out)
    assert done["LB"] == "read" and done["RS"] == "cached"


def test_errors_of_every_domain_are_reported_together(study, tmp_path):
    for name, column in (("ae.csv", "AEDECOD"), ("rs.csv", "RSTESTCD")):
        pd.read_csv(study / name, dtype=str, keep_default_na=False).drop(columns=column).to_csv(
            study / name, index=False, lineterminator="\n")
    out = tmp_path / "read"
    out.mkdir()
    with pytest.raises(InputDataError) as err:
        _run(study, out, workers=2)
    text = str(err.value)
    assert "ae.csv, column AEDECOD: AE.AEDECOD required column is missing" in text
    assert "rs.csv, column RSTESTCD: RS.RSTESTCD required column is missing" in text
    assert not list(out.glob("*.parquet"))  # nothing is written when the study has an error
