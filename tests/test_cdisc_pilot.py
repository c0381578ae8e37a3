"""The public CDISC pilot study (real SDTM, not lupus, not CAR-T) runs through the pipeline unedited.

The treatment-emergent AE counts by SOC and PT are checked against a count made directly on the
pilot's own ADaM ADAE (TRTEMFL = "Y"); see tests/reference/cdiscpilot.md.
"""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cartrial.ard import read_ard

from tests.pilot.fetch import fetch
from tests.test_workflow import _run, _workspace

CONFIG = """\
# the pilot's 1,000-odd AE records: the listings are delivered as files (tables/*.csv, .rtf), not printed,
# which keeps this run within CI's time (the demo reports print theirs)
report: {max_listing_rows: 200}
studies:
  cdiscpilot01:
    data: data/cdiscpilot01
    title: "CDISC pilot study CDISCPILOT01 (xanomeline in mild to moderate Alzheimer's disease)"
    product: "Xanomeline transdermal therapeutic system"
    arm_order: [Pbo, Xan_Lo, Xan_Hi]
    # the pilot's VS holds one baseline weight of 098.0 LB among weights of 170-180 LB (subject
    # 01-717-1109): the jump check finds it; here it is listed and kept so that the data run unedited
    data_checks: {actions: {jump: keep}}
    analyses:
      final: {cut: "2015-12-31", type: final}
"""


@pytest.fixture(scope="module")
def pilot(tmp_path_factory, request):
    source = fetch(Path(request.config.cache.mkdir("cdiscpilot01")))
    ws = _workspace(tmp_path_factory.mktemp("pilot"), CONFIG, data=())
    shutil.copytree(source / "sdtm", ws / "data" / "cdiscpilot01")
    proc = _run(ws)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return source, ws / "results" / "cdiscpilot01" / "final"


def test_pilot_runs_and_states_what_it_cannot_produce(pilot):
    _, out = pilot
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    html = (out / "report.html").read_text()
    assert "Not derived: SRI, BICLA, DORIS, LLDAS: no SLEDAI-2K assessments in RS" in html
    assert "Not produced:" in html and "Response rates by visit (non-responder imputation): no data" in html
    for rel in ("ard/disposition.csv", "ard/demographics.csv", "tables/t14_1_1_disposition.csv",
                "tables/t14_3_2_teae_soc_pt.csv", "adam/adae.xpt"):
        assert (out / rel).stat().st_size > 0, rel


def test_every_pilot_file_is_accounted_for_and_nothing_is_lost(pilot):
    source, out = pilot
    recon = pd.read_csv(out / "sdtm" / "reconciliation.csv")
    files = sorted(p.name for p in (source / "sdtm").glob("*.parquet"))
    listed = sorted(n.strip() for f in recon["file"] for n in f.split(","))
    assert listed == files
    read = recon[recon["status"] == "read"].set_index("domain")
    assert set(read.index) == {"DM", "AE", "CM", "DS", "EX", "LB", "VS"}
    assert (read["read"] == read["removed_not_enrolled"] + read["removed_after_cut"] + read["removed_by_checks"]
            + read["kept"]).all()
    assert read.loc["LB", "read"] == sum(len(pd.read_parquet(source / "sdtm" / f))
                                         for f in ("lbch.parquet", "lbhe.parquet", "lbur.parquet"))
    supp = recon[recon["status"].str.startswith("merged")].set_index("domain")
    assert (supp["read"] == supp["kept"]).all() and set(supp.index) >= {"SUPPAE", "SUPPDM", "SUPPLBCH"}
    adsl = pd.read_parquet(out / "adam" / "adsl.parquet")
    assert len(adsl) == len(pd.read_parquet(source / "sdtm" / "dm.parquet")) == 306
    ae = pd.read_parquet(out / "sdtm" / "ae.parquet")
    assert ae["AETRTEM"].notna().all()  # the SUPPAE qualifier, merged into each of its AE records


def _reference_counts(source: Path) -> pd.DataFrame:
    """Subjects with a treatment-emergent AE per arm x SOC x PT, from the pilot's ADAE (TRTEMFL = Y).

    Restricted to ADAE records that exist in the distributed SDTM AE (this distribution's ADAE holds
    230 records more than its AE); arm = DM.ACTARM (the safety set by actual treatment)."""
    ae = pd.read_parquet(source / "sdtm" / "ae.parquet")[["USUBJID", "AESEQ"]]
    dm = pd.read_parquet(source / "sdtm" / "dm.parquet")[["USUBJID", "ACTARM"]]
    ref = pd.read_parquet(source / "adam" / "adae.parquet").merge(ae, on=["USUBJID", "AESEQ"])
    ref = ref[ref["TRTEMFL"] == "Y"].merge(dm, on="USUBJID")
    both = pd.concat([ref, ref.assign(ACTARM="ALL")])
    soc = both.groupby(["ACTARM", "AEBODSYS"])["USUBJID"].nunique().rename("n").reset_index()
    pt = both.groupby(["ACTARM", "AEDECOD"])["USUBJID"].nunique().rename("n").reset_index()
    anyae = both.groupby("ACTARM")["USUBJID"].nunique().rename("n").reset_index()
    return pd.concat([soc.rename(columns={"AEBODSYS": "level"}).assign(variable="AEBODSYS"),
                      pt.rename(columns={"AEDECOD": "level"}).assign(variable="AEDECOD"),
                      anyae.assign(variable="ANY", level="ANY")])


def test_teae_counts_by_soc_and_pt_match_the_pilot_adae(pilot):
    source, out = pilot
    ard = read_ard(out / "ard" / "ae_by_soc_pt.csv")
    ours = ard[ard["stat_name"] == "n"].rename(columns={"group_level": "ACTARM", "variable_level": "level",
                                                        "stat_value": "n"})
    ours = ours.set_index(["ACTARM", "variable", "level"])["n"]
    assert ours.index.is_unique
    ref = _reference_counts(source).set_index(["ACTARM", "variable", "level"])["n"]
    assert len(ref) > 300
    joined = pd.concat([ref.rename("ref"), ours.rename("ours")], axis=1).fillna(0)
    assert (joined["ref"] == joined["ours"]).all(), joined[joined["ref"] != joined["ours"]].head(20)


def test_provenance_records_each_domain_with_its_data_issues(pilot):
    import json

    _, out = pilot
    inputs = {r["domain"]: r for r in json.loads((out / "provenance.json").read_text())["inputs"]}
    assert inputs["DM"]["read"] == inputs["DM"]["kept"] == 306
    assert inputs["DM"]["data_issues"] == 306  # no consent date (RFICDTC) in the pilot: each subject listed
    assert inputs["SUPPAE"]["status"] == "merged into AE" and inputs["QSCO"]["status"].startswith("ignored")


def test_real_data_error_of_the_pilot_is_found(pilot):
    """A baseline weight of 098.0 LB (44.45 kg) among 170-180 LB: found, listed with its row, kept."""
    _, out = pilot
    issues = pd.read_csv(out / "sdtm" / "data_issues.csv", dtype=str, keep_default_na=False)
    jump = issues[issues["rule"].str.startswith("[jump] WEIGHT")]
    assert jump[["file", "row", "USUBJID", "value", "action"]].values.tolist() == [
        ["vs.parquet", "27510", "01-717-1109", "44.45", "record kept"]]


def test_pilot_adam_package_conforms(pilot):
    """Required variables, labels, define.xml and Dataset-JSON of the pilot's ADaM (real SDTM)."""
    from tests.adam.conformance import check_adam_folder

    _, folder = pilot
    assert check_adam_folder(folder / "adam") == []


def test_pilot_report_keeps_its_text_on_the_page(pilot):
    from tests.report.pagecheck import text_outside_printable_area

    _, folder = pilot
    assert text_outside_printable_area(folder / "report.pdf") == []
