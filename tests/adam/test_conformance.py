"""Both demo studies' final analyses, run whole: the ADaM package of each (required variables, labels,
define.xml, Dataset-JSON; the CDISC pilot's is checked in tests/test_cdisc_pilot.py), and every report page's
text inside the printable area - of these two reports and of the demo interim report the workflow tests
build (the pilot's in tests/test_cdisc_pilot.py). The interim analyses are left out of this run to keep CI
within its time."""
import pytest

from tests.adam.conformance import REQUIRED, check_adam_folder
from tests.report.pagecheck import text_outside_printable_area
from tests.test_workflow import ROOT, _run, _workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    import yaml

    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    studies = config["studies"]
    for study in studies.values():
        study["analyses"] = {a: v for a, v in study["analyses"].items() if v["type"] == "final"}
    ws = _workspace(tmp_path_factory.mktemp("demo"), yaml.safe_dump(config, sort_keys=False), data=tuple(studies))
    proc = _run(ws)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {(s, a): (ws / "results" / s / a, v["type"]) for s in studies for a, v in studies[s]["analyses"].items()}


def test_every_final_demo_analysis_holds_a_conformant_adam_package(demo):
    finals = {key: folder for key, (folder, kind) in demo.items() if kind == "final"}
    assert {s for s, _ in finals} == {"cht101-sle", "ln-peds"}
    for key, folder in finals.items():
        assert check_adam_folder(folder / "adam") == [], key


def test_every_demo_report_keeps_its_text_on_the_page(demo, two_runs):
    """Wide tables are set in landscape, in smaller type or in column panels: no word is cut off."""
    reports = [folder / "report.pdf" for folder, _ in demo.values()] + [two_runs[0] / "report.pdf"]
    assert len(reports) == 3
    for pdf in reports:
        assert text_outside_printable_area(pdf) == [], pdf


def test_the_check_can_fail(demo, tmp_path):
    """A dataset without a required variable is found."""
    import shutil

    import pyreadstat

    folder = tmp_path / "adam"
    shutil.copytree(next(f for f, kind in demo.values() if kind == "final") / "adam", folder)
    frame, meta = pyreadstat.read_xport(str(folder / "adpp.xpt"))
    pyreadstat.write_xport(frame.drop(columns=["TRTA"]), str(folder / "adpp.xpt"), file_label=meta.file_label,
                           column_labels=[meta.column_names_to_labels[c] for c in frame.columns if c != "TRTA"])
    problems = check_adam_folder(folder)
    assert "ADPP: missing TRTA" in problems and any("define.xml does not describe" in p for p in problems)


def test_required_lists_cover_every_dataset_the_contract_names():
    assert set(REQUIRED) == {"ADSL", "ADQS", "ADRS", "ADLB", "ADVS", "ADPC", "ADPP", "ADTTE", "ADAE", "ADCM"}
