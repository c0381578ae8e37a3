"""The ADaM package of both demo studies' final analyses (the CDISC pilot's is checked in
tests/test_cdisc_pilot.py): required variables, labels, define.xml and Dataset-JSON validity."""
import pytest

from tests.adam.conformance import REQUIRED, check_adam_folder
from tests.test_workflow import ROOT, _run, _workspace


@pytest.fixture(scope="module")
def demo_adam(tmp_path_factory):
    import yaml

    demo = yaml.safe_load((ROOT / "config.yaml").read_text())["studies"]
    config = {"studies": {s: {**demo[s], "analyses": {a: v for a, v in demo[s]["analyses"].items()
                                                      if v["type"] == "final"}} for s in demo}}
    ws = _workspace(tmp_path_factory.mktemp("conformance"), yaml.safe_dump(config), data=tuple(demo))
    targets = [f"results/{s}/{a}/adam/{f}" for s in config["studies"] for a in config["studies"][s]["analyses"]
               for f in ("define.xml", "adsl.json")]
    proc = _run(ws, *targets)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {(s, a): ws / "results" / s / a / "adam" for s in config["studies"] for a in config["studies"][s]["analyses"]}


def test_every_final_demo_analysis_holds_a_conformant_adam_package(demo_adam):
    assert {s for s, _ in demo_adam} == {"cht101-sle", "ln-peds"}
    for key, folder in demo_adam.items():
        assert check_adam_folder(folder) == [], key


def test_the_check_can_fail(demo_adam, tmp_path):
    """A dataset without a required variable is found."""
    import shutil

    import pyreadstat

    folder = tmp_path / "adam"
    shutil.copytree(next(iter(demo_adam.values())), folder)
    frame, meta = pyreadstat.read_xport(str(folder / "adpp.xpt"))
    pyreadstat.write_xport(frame.drop(columns=["TRTA"]), str(folder / "adpp.xpt"), file_label=meta.file_label,
                           column_labels=[meta.column_names_to_labels[c] for c in frame.columns if c != "TRTA"])
    problems = check_adam_folder(folder)
    assert "ADPP: missing TRTA" in problems and any("define.xml does not describe" in p for p in problems)


def test_required_lists_cover_every_dataset_the_contract_names():
    assert set(REQUIRED) == {"ADSL", "ADQS", "ADRS", "ADLB", "ADVS", "ADPC", "ADPP", "ADTTE", "ADAE", "ADCM"}
