"""The ADaM package of both demo studies (required variables, labels, define.xml, Dataset-JSON; the CDISC
pilot's is checked in tests/test_cdisc_pilot.py) and every report page's text inside the printable area.

LN-PEDS (two dose groups: the widest tables) is run whole at its final analysis here; CHT101-SLE is the
workflow tests' run of its interim analysis. The other two demo analyses are left out to keep CI within its
time."""
import pytest

from tests.adam.conformance import REQUIRED, check_adam_folder
from tests.report.pagecheck import text_outside_printable_area
from tests.test_workflow import ROOT, _run, _workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    import yaml

    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    config["studies"] = {"ln-peds": config["studies"]["ln-peds"]}
    study = config["studies"]["ln-peds"]
    study["analyses"] = {a: v for a, v in study["analyses"].items() if v["type"] == "final"}
    ws = _workspace(tmp_path_factory.mktemp("demo"), yaml.safe_dump(config, sort_keys=False), data=("ln-peds",))
    proc = _run(ws)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {("ln-peds", a): ws / "results" / "ln-peds" / a for a in study["analyses"]}


def test_both_demo_studies_hold_a_conformant_adam_package(demo, two_runs):
    folders = [*demo.values(), two_runs[0]]
    assert {f.parts[-2] for f in folders} == {"ln-peds", "cht101-sle"}
    for folder in folders:
        assert check_adam_folder(folder / "adam") == [], folder


def test_every_demo_report_keeps_its_text_on_the_page(demo, two_runs):
    """Wide tables are set in landscape, in smaller type or in column panels: no word is cut off."""
    reports = [folder / "report.pdf" for folder in demo.values()] + [two_runs[0] / "report.pdf"]
    assert len(reports) == 2
    for pdf in reports:
        assert text_outside_printable_area(pdf) == [], pdf


def test_the_check_can_fail(demo, tmp_path):
    """A dataset without a required variable is found."""
    import shutil

    import pyreadstat

    folder = tmp_path / "adam"
    shutil.copytree(next(iter(demo.values())) / "adam", folder)
    frame, meta = pyreadstat.read_xport(str(folder / "adpp.xpt"))
    pyreadstat.write_xport(frame.drop(columns=["TRTA"]), str(folder / "adpp.xpt"), file_label=meta.file_label,
                           column_labels=[meta.column_names_to_labels[c] for c in frame.columns if c != "TRTA"])
    problems = check_adam_folder(folder)
    assert "ADPP: missing TRTA" in problems and any("define.xml does not describe" in p for p in problems)


def test_required_lists_cover_every_dataset_the_contract_names():
    assert set(REQUIRED) == {"ADSL", "ADQS", "ADRS", "ADLB", "ADVS", "ADPC", "ADPP", "ADTTE", "ADAE", "ADCM",
                             "ADCP"}
