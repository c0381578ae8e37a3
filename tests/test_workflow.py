"""End-to-end runs of the Snakemake workflow on the shipped demo data."""
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CONFIG = """\
studies:
  cht101-sle:
    data: data/cht101-sle
    sledai_version: SELENA-SLEDAI
    age_breaks: [40]
    analyses:
      interim: {cut: "2024-11-30", type: interim}
"""


def _workspace(tmp: Path, config: str = CONFIG, data: tuple[str, ...] = ("cht101-sle",)) -> Path:
    for name in ("Snakefile", "workflow", "scripts", "templates", "profiles"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp / name)
    for study in data:
        shutil.copytree(ROOT / "data" / study, tmp / "data" / study)
    (tmp / "config.yaml").write_text(config)
    return tmp


def _run(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2", *args], cwd=workdir,
                          capture_output=True, text=True, timeout=600)


def _checksums(folder: Path) -> dict[str, str]:
    import hashlib

    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_run_produces_report_and_contract_outputs(two_runs):
    out = two_runs[0]
    for rel in ("report.pdf", "provenance.json", "adam/adsl.parquet", "ard/disposition.csv",
                "ard/demographics.csv", "sdtm/data_issues.csv", "tables/t14_1_1_disposition.csv"):
        assert (out / rel).stat().st_size > 0, rel
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    adsl = pd.read_parquet(out / "adam/adsl.parquet")
    assert {"USUBJID", "ARM", "TRTSDT", "SAFFL"} <= set(adsl.columns)
    adrs = pd.read_parquet(out / "adam/adrs.parquet")
    assert {"USUBJID", "ARM", "PARAMCD", "AVISIT", "AVISITN", "AVALC", "DTYPE"} <= set(adrs.columns)
    assert set(adrs["AVALC"]) <= {"Y", "N"} and set(adrs["DTYPE"]) <= {"", "NRI"}
    rates = pd.read_csv(out / "ard/response_rates.csv")
    assert {"n", "N", "p", "ci_lower", "ci_upper"} == set(rates["stat_name"])
    adtte = pd.read_parquet(out / "adam/adtte.parquet")
    assert {"USUBJID", "ARM", "PARAMCD", "AVAL", "CNSR", "STARTDT", "ADT"} <= set(adtte.columns)
    adae = pd.read_parquet(out / "adam/adae.parquet")
    assert {"USUBJID", "AESEQ", "AEDECOD", "AEBODSYS", "ASTDT", "ASTDTF", "AENDT", "ATOXGRN", "AESER",
            "TRTEMFL"} <= set(adae.columns)
    tte = pd.read_csv(out / "ard/time_to_event.csv")
    assert {"n", "events", "censored", "median", "median_ci_lower", "median_ci_upper"} <= set(tte["stat_name"])
    soc = pd.read_csv(out / "ard/ae_by_soc_pt.csv")
    assert {"n", "n_grade3plus", "events", "N", "p"} == set(soc["stat_name"])
    assert {"AEBODSYS", "AEDECOD"} <= set(soc["variable"])
    adpp = pd.read_parquet(out / "adam/adpp.parquet")
    assert {"USUBJID", "TRTA", "PARCAT1", "PARAMCD", "PARAM", "AVAL", "AVALU"} <= set(adpp.columns)
    assert {"CMAX", "TMAX", "AUCINT", "AUCINTLN", "TLST", "LAMZHL", "R2ADJ", "LAMZNPT"} <= set(adpp["PARAMCD"])
    assert set(adpp["PARCAT1"]) <= {"CARTDNA", "CARTCELL"}
    recon = pd.read_csv(out / "sdtm/reconciliation.csv")
    read = recon[recon["status"] == "read"]
    assert len(read) == 10
    assert (read["read"] == read["removed_not_enrolled"] + read["removed_after_cut"] + read["removed_by_checks"]
            + read["kept"]).all()
    dm = pd.read_parquet(out / "sdtm/dm.parquet")
    assert sorted(adsl["USUBJID"]) == sorted(dm["USUBJID"])      # every DM subject is in ADSL (disposition)
    import json

    import jsonschema

    from cartrial.adam.datasetjson import read_dataset_json

    schema = json.loads((ROOT / "tests" / "reference" / "dataset-json-1.1.schema.json").read_text())
    for name in ("adsl", "adae", "adlb", "adcm", "adrs", "adtte", "adpp"):
        jsonschema.validate(json.loads((out / f"adam/{name}.json").read_text()), schema)
        back, ref = read_dataset_json(out / f"adam/{name}.json"), pd.read_parquet(out / f"adam/{name}.parquet")
        assert list(back.columns) == list(ref.columns) and len(back) == len(ref), name
        assert back["USUBJID"].tolist() == ref["USUBJID"].tolist(), name
    import os

    import odmlib
    import xmlschema

    xsd = os.path.join(os.path.dirname(odmlib.__file__), "schemas", "define", "2.1", "define2-1-0.xsd")
    xmlschema.XMLSchema(xsd).validate(str(out / "adam/define.xml"))
    define = (out / "adam/define.xml").read_text(encoding="utf-8")
    assert all(f'xlink:href="{name}.xpt"' in define for name in ("adsl", "adae", "adcm", "adlb", "adpp"))
    ard = pd.read_csv(out / "ard/disposition.csv")
    assert list(ard.columns) == ["analysis", "group1", "group1_level", "group2", "group2_level", "variable",
                                 "variable_level", "stat_name", "stat_label", "stat", "fmt", "unit", "method"]


def test_two_runs_are_byte_identical(two_runs):
    a, b = two_runs
    files = sorted(p.relative_to(a) for sub in ("adam", "ard", "tables", "sdtm", "figures") for p in (a / sub).rglob("*") if p.is_file())
    files += [Path("report.pdf"), Path("report.html")]  # the report's date is the cut unless SOURCE_DATE_EPOCH is set
    assert len(files) > 10
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), f"{rel} differs between runs"


def test_missing_required_column_stops_before_report(tmp_path):
    ws = _workspace(tmp_path)
    ae = ws / "data" / "cht101-sle" / "ae.csv"
    pd.read_csv(ae, dtype=str).drop(columns=["AEDECOD"]).to_csv(ae, index=False)
    # a second broken table: one run names the problems of both
    rs = ws / "data" / "cht101-sle" / "rs.csv"
    pd.read_csv(rs, dtype=str).drop(columns=["RSTESTCD"]).to_csv(rs, index=False)
    proc = _run(ws)
    assert proc.returncode != 0
    assert "ae.csv, column AEDECOD: AE.AEDECOD required column is missing" in proc.stderr
    assert "rs.csv, column RSTESTCD: RS.RSTESTCD required column is missing" in proc.stderr
    assert not (ws / "results" / "cht101-sle" / "interim" / "report.pdf").exists()


def _planned_jobs(workdir: Path) -> dict[str, int]:
    """Jobs a dry run would run, by rule (Snakemake's job-stats table)."""
    proc = _run(workdir, "-n")
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = [line.split() for line in proc.stdout.splitlines()]
    return {r[0]: int(r[1]) for r in rows if len(r) == 2 and r[1].isdigit() and r[0] not in ("total", "jobid:")}


def test_changed_table_rereads_only_its_domain(two_runs, tmp_path):
    """A changed AE table reruns the study's read job (which re-reads AE only, the others from its cache:
    tests/sdtm/test_readstudy.py), then re-cuts and reruns what reads the cut AE."""
    ws = tmp_path / "ws"
    shutil.copytree(two_runs[0].parents[2], ws, symlinks=True)  # keeps modification times and .snakemake
    assert set(_planned_jobs(ws)) <= {"report", "all"}  # the report records the workflow's folder, which moved
    ae = ws / "data" / "cht101-sle" / "ae.csv"
    frame = pd.read_csv(ae, dtype=str, keep_default_na=False)
    frame.loc[0, "AEOUT"] = "RECOVERING/RESOLVING"
    frame.to_csv(ae, index=False, lineterminator="\n")
    jobs = _planned_jobs(ws)
    assert jobs["read"] == 1 and jobs["ingest"] == 1 and jobs["adam"] == 1
    assert "oc" not in jobs  # the operating characteristics do not read data


def test_unknown_config_key_is_rejected(tmp_path):
    ws = _workspace(tmp_path, CONFIG.replace("age_breaks", "age_brakes"))
    proc = _run(ws, "-n")
    assert proc.returncode != 0
    assert "age_brakes" in proc.stderr + proc.stdout


def test_missing_study_folder_is_rejected(tmp_path):
    ws = _workspace(tmp_path, CONFIG.replace("data: data/cht101-sle", "data: data/nowhere"))
    proc = _run(ws, "-n")
    assert proc.returncode != 0
    assert "folder 'data/nowhere' does not exist" in proc.stderr + proc.stdout


def test_failed_run_leaves_nothing_current(two_runs, tmp_path):
    """A table broken after a good run: the rerun stops, the analysis's report, ADaM, ARDs, tables and
    figures are gone (they no longer match the inputs), errors.csv holds the full list, and the console
    ends with the run summary naming it."""
    ws = tmp_path / "ws"
    shutil.copytree(two_runs[0].parents[2], ws, symlinks=True)
    out = ws / "results" / "cht101-sle" / "interim"
    assert (out / "report.pdf").is_file() and (out / "ard").is_dir()
    ae = ws / "data" / "cht101-sle" / "ae.csv"
    frame = pd.read_csv(ae, dtype=str, keep_default_na=False)
    frame.loc[4, "AESTDTC"] = "1900-01-01"  # row 6 as a spreadsheet shows the file
    frame.to_csv(ae, index=False, lineterminator="\n")
    proc = _run(ws)
    said = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "ae.csv, row 6, column AESTDTC: [early_date]" in said
    assert "full list: logs/cht101-sle/interim/failed/ingest.csv" in said
    for rel in ("report.pdf", "report.html", "provenance.json", "adam", "ard", "tables", "figures",
                "sdtm/data_issues.csv"):
        assert not (out / rel).exists(), rel
    errors = pd.read_csv(out / "errors.csv", dtype=str, keep_default_na=False)
    assert errors[["file", "row", "column"]].values.tolist() == [["ae.csv", "6", "AESTDTC"]]
    assert "cartrial run summary:" in said and f"FAILED   cht101-sle/interim: 1 error(s); full list: " \
        f"{Path('results/cht101-sle/interim/errors.csv')}" in said


def test_legal_variants_give_byte_identical_ards(two_runs, tmp_path):
    """Every legal real-world variant of the catalogue at once (case, blanks, CRLF, quoting, XPT, Parquet
    timestamps, hour-precision times, decimal commas): the ARDs equal the clean run's byte for byte."""
    from tests.catalogue import VARIANTS

    clean = two_runs[0] / "ard"
    ws = _workspace(tmp_path)
    formats = ("v-crlf", "v-quoted", "v-xpt-lb", "v-parquet-timestamps", "v-parquet-dates")
    legal = [c for c in VARIANTS if c.same == "exact" or (c.outcome == "accept" and c.same is None)
             or c.id.startswith("v-decimal")]
    # cells are located by value first, terms changed next, file formats last
    legal = sorted(legal, key=lambda c: (0 if c.id.startswith("v-decimal") else 2 if c.id in formats else 1,
                                         formats.index(c.id) if c.id in formats else 0))
    assert len(legal) >= 24
    for case in legal:
        case.damage(ws / "data" / "cht101-sle")
    targets = [f"results/cht101-sle/interim/ard/{p.name}" for p in sorted(clean.glob("*.csv"))]
    proc = _run(ws, *targets)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for name in targets:
        assert (ws / name).read_bytes() == (clean / Path(name).name).read_bytes(), name
    issues = pd.read_csv(ws / "results/cht101-sle/interim/sdtm/data_issues.csv", dtype=str)
    issues = issues[issues["domain"] == "LB"]
    assert issues["rule"].str.contains("decimal comma").sum() == 2  # read, and said


def test_own_config_plans_only_its_studies(tmp_path):
    """--configfile with --replace-workflow-config: the shipped studies are not planned (README)."""
    ws = _workspace(tmp_path, CONFIG)
    mine = ws / "mine.yaml"
    mine.write_text(CONFIG.replace("cht101-sle:\n", "mystudy:\n").replace("interim: {", "mycut: {")
                    + "    studyid: CHT101-SLE\n")
    proc = _run(ws, "-n", "--configfile", str(mine), "--replace-workflow-config")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "results/mystudy/mycut/report.pdf" in proc.stdout and "results/cht101-sle" not in proc.stdout


def test_provenance_holds_the_complete_configuration(two_runs):
    import json

    prov = json.loads((two_runs[0] / "provenance.json").read_text())
    eff = prov["effective_config"]
    assert set(eff) == {"studies", "report", "endpoints", "km", "kinetics", "time_to_event"}
    study = eff["studies"]["cht101-sle"]
    # defaults the user never wrote, filled in: schema defaults and the data checks' built-in tables
    assert study["safety"]["planned_n"] and eff["km"]["conf_type"] == "log-log"
    assert study["data_checks"]["conflicts"] == "first" and study["data_checks"]["actions"]["limits"] == "stop"
    assert study["data_checks"]["limits"]["CREAT"][0] == {"age_min": 0, "age_max": 18, "low": 0.05, "high": 15.0}
    assert study["studyid"] == "cht101-sle"


def test_analyses_read_adam_only():
    """Over Snakemake's job graph of the demo: no job that writes ARDs, tables, figures or the report reads a
    cut SDTM domain; each derivation lives once, in its ADaM builder (the report reads only the ingest's audit
    files: data issues, reconciliation)."""
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--detailed-summary"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [line.split("\t") for line in proc.stdout.splitlines()[1:] if line.count("\t") >= 4]
    below = [(rule, inputs.split(",")) for _, _, rule, _, inputs, *_ in rows
             if rule.startswith(("ards", "tables", "figures", "report"))]
    assert {rule for rule, _ in below} >= {"ards", "tables", "figures", "report"}
    audit = {"reconciliation.csv", "data_issues.csv"}
    read_sdtm = {(rule, path) for rule, inputs in below for path in inputs
                 if "/sdtm/" in path and path.rsplit("/", 1)[-1] not in audit}
    assert not read_sdtm, sorted(read_sdtm)[:10]

def test_each_analysis_type_builds_its_own_outputs(tmp_path):
    """Interim analyses build only what an interim report may show; two interim cuts of one study and an interim
    of a second study share one rule, and a final analysis builds every output (dry run)."""
    config = CONFIG + (
        '      recut: {cut: "2025-06-30", type: interim}\n'
        '      final: {cut: "2026-03-31", type: final}\n'
        "  other:\n"
        "    data: data/cht101-sle\n"
        "    studyid: CHT101-SLE\n"
        "    sledai_version: SELENA-SLEDAI\n"
        "    analyses:\n"
        '      final: {cut: "2024-11-30", type: interim}\n')  # an interim analysis named "final"
    ws = _workspace(tmp_path, config)
    jobs = _planned_jobs(ws)
    assert (jobs["tables_interim"], jobs["figures_interim"], jobs["tables"], jobs["figures"]) == (3, 3, 1, 1)
    proc = _run(ws, "-n", "results/other/final/tables/t14_2_8_sdi.json")
    assert proc.returncode != 0 and "t14_2_8_sdi" in proc.stderr + proc.stdout  # final-only: no rule for it
    assert _run(ws, "-n", "results/cht101-sle/final/tables/t14_2_8_sdi.json").returncode == 0


def test_two_processes_per_job_write_the_same_files(two_runs, tmp_path):
    """The read, ingest, ADaM, ARD, table, figure and export jobs of a large study work in two forked processes
    (cartrial.parallel): forced here on the demo study, every SDTM, ADaM, XPT, Dataset-JSON, ARD, table and
    figure file is the same as the one-process run's."""
    ws = tmp_path / "ws"
    shutil.copytree(two_runs[0].parents[2], ws, symlinks=True)
    out = ws / "results" / "cht101-sle" / "interim"
    parts = ("sdtm", "adam", "ard", "tables", "figures")
    before = {part: _checksums(out / part) for part in parts}
    rules = ("read", "ingest", "adam", "ards", "export", "tables_interim", "figures_interim")
    proc = _run(ws, "--forcerun", *rules, "--set-threads", *(f"{r}=2" for r in rules), "--",
                "results/cht101-sle/interim/report.pdf", "results/cht101-sle/interim/adam/define.xml")
    assert proc.returncode == 0, proc.stderr[-3000:]
    log = (ws / "logs" / "cht101-sle" / "interim" / "adam.log").read_text()
    assert "ADQS" in log and "ADPC" in log and "ADTTE" in log
    for part in parts:
        assert _checksums(out / part) == before[part], part
