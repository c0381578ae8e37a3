"""The rendered deliverables: PDF text against the ARD, TOC pages, reproducible bytes, XPT and RTF exports."""
import re
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from pypdf import PdfReader

from cartrial.ard import read_ard

from cartrial.adam.xpt import LABELS, write_xpt
from cartrial.tables.display import DisplayTable
from cartrial.tables.format import fmt_ci, fmt_n_of_N_pct
from cartrial.tables.rtf import render_rtf
from tests.test_workflow import _run


@pytest.fixture(scope="module")
def run(two_runs):
    """The first of test_workflow's two runs (its workspace: Snakefile, config, data, results)."""
    out = two_runs[0]
    return out.parents[2], out


def _pages(pdf: Path) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(str(pdf)).pages]


def test_primary_endpoint_in_pdf_matches_ard(run):
    _, out = run
    ard = read_ard(out / "ard" / "response_rates.csv")
    sel = ard[(ard["group_level"] == "ALL") & (ard["variable"] == "SRI4") & (ard["variable_level"] == "MONTH 1")]
    v = dict(zip(sel["stat_name"], sel["stat_value"]))
    # the expected text is formatted here from the ARD's numbers, independently of the table code path
    pct = f"{100 * v['n'] / v['N']:.1f}"
    expected = f"{int(v['n'])}/{int(v['N'])} ({pct}%)"
    assert expected == fmt_n_of_N_pct(v["n"], v["N"])
    ci = fmt_ci(v["ci_lower"], v["ci_upper"], 1, scale=100)
    text = "\n".join(_pages(out / "report.pdf"))
    assert expected in text and ci in text


def test_table_of_contents_page_numbers(run):
    _, out = run
    pages = _pages(out / "report.pdf")
    toc = next(p for p in pages if "Contents" in p)
    entries = re.findall(r"(Table|Figure|Listing) (\d+(?:\.\d+)+) [^\n]*?\.*\s*(\d+)\s*$", toc, flags=re.M)
    assert len(entries) >= 5
    for kind, number, page in entries:
        body = pages[int(page) - 1]
        assert f"{kind} {number}" in body, f"{kind} {number} not on page {page}"


def test_pdf_is_reproducible_and_carries_the_ards(run, tmp_path):
    ws, out = run
    first = (out / "report.pdf").read_bytes()
    (out / "report.pdf").unlink()
    proc = _run(ws, "--forcerun", "report")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / "report.pdf").read_bytes() == first
    reader = PdfReader(str(out / "report.pdf"))
    assert {"response_rates.csv", "safety_overview.csv", "monitoring.csv"} <= set(reader.attachments)
    xmp = reader.xmp_metadata.stream.get_data()
    assert re.search(rb"pdfaid:part[^0-9]*3", xmp) and re.search(rb"pdfaid:conformance[^A-Z]*B", xmp)


def test_xpt_exports_reopen_with_values_and_labels(run):
    _, out = run
    for name in ("adsl", "adae", "adrs"):
        frame, meta = pyreadstat.read_xport(str(out / "adam" / f"{name}.xpt"))
        parquet = pd.read_parquet(out / "adam" / f"{name}.parquet")
        assert list(frame.columns) == list(parquet.columns)
        assert len(frame) == len(parquet)
        assert meta.column_names_to_labels["USUBJID"] == "Unique Subject Identifier"
        assert meta.file_label == {"adsl": "Subject-Level Analysis Dataset", "adae": "Adverse Events Analysis Dataset",
                                   "adrs": "Response Analysis Dataset"}[name]
        assert frame["USUBJID"].tolist() == parquet["USUBJID"].tolist()
    adsl, _ = pyreadstat.read_xport(str(out / "adam" / "adsl.xpt"))
    parquet = pd.read_parquet(out / "adam" / "adsl.parquet")
    assert pd.to_datetime(adsl["TRTSDT"]).tolist()[:3] == parquet["TRTSDT"].tolist()[:3]


def test_xpt_rejects_v5_violations(tmp_path):
    with pytest.raises(ValueError, match="longer than 8 characters"):
        write_xpt(pd.DataFrame({"TOOLONGNAME": [1.0]}), tmp_path / "x.xpt", table_name="x")
    with pytest.raises(ValueError, match="longer than 200 bytes"):
        write_xpt(pd.DataFrame({"USUBJID": ["x" * 201]}), tmp_path / "x.xpt", table_name="x")
    assert all(len(label) <= 40 for label in LABELS.values())


def test_rtf_is_word_compatible_text():
    t = DisplayTable("t", "14.1.1", "Subject {disposition}", "All", ["Total (N=3)"], source="ADSL")
    t.add("Screened", ["3"])
    t.add("Fever ≥ 38 °C", ["1 (33.3%)"])
    rtf = render_rtf(t)
    assert rtf.startswith("{\\rtf1") and rtf.rstrip().endswith("}")
    assert "{\\header" in rtf and "Subject \\{disposition\\}" in rtf
    assert "\\u8805?" in rtf          # the non-ASCII sign is escaped
    rtf.encode("ascii")


def test_interim_report_is_marked_draft(run):
    _, out = run
    text = _pages(out / "report.pdf")
    assert "DRAFT" in text[0] and "CONFIDENTIAL" in text[1]
    assert re.search(r"Page 2 of \d+", text[1])


def test_a_table_that_runs_on_names_itself_continued_on_the_next_page(run):
    """A table broken across pages says on each further page, in the page head, which table continues."""
    _, out = run
    pages = _pages(out / "report.pdf")
    continued = [(i, m.group(1)) for i, text in enumerate(pages)
                 for m in re.finditer(r"(Table \d+(?:\.\d+)+) [^\n]*\(continued\)", text)]
    assert continued, "no table of the report runs on to a second page"
    for i, table in continued:
        first = next(k for k, text in enumerate(pages) if f"{table} " in text)
        assert first < i and "(continued)" not in pages[first].split(table, 1)[1].split("\n", 1)[0], table
