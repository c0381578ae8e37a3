"""Submission-style RTF (rtflite): running header and page numbers, titles and column headers on every page,
widths from the content so that no word is broken, rows kept whole, column panels for wide tables."""
import json
import re
import shutil
import subprocess
import sys

import pytest

from cartrial.tables.display import DisplayTable
from cartrial.tables.rtf import WIDTH, _text_width, render_rtf

HEADER = {"study": "Study X-1", "analysis": "Final analysis (final)", "cut": "2026-10-31"}
LONG_WORDS = ["RECOVERED/RESOLVED", "Hypogammaglobulinaemia", "LN-PEDS-01-003", "2023-05-29"]


def _listing(rows=120):
    t = DisplayTable("l16_2_7_1_ae_listing", "16.2.7.1", "Listing of adverse events", "Safety set",
                     ["Arm", "Preferred term", "Outcome", "Start (day)"], stub_header="Subject", kind="listing",
                     orientation="landscape")
    for i in range(rows):
        t.add(f"LN-PEDS-01-{i:03d}", ["Low dose 0.5x10^6 cells/kg", "Hypogammaglobulinaemia", "RECOVERED/RESOLVED",
                                      "2023-05-29 (-4)"])
    return t


def _wide(columns=16):
    t = DisplayTable("t14_3_3_teae_pt_grade", "14.3.3", "TEAE by PT and grade", "Safety set (N=50)",
                     [f"Grade {g}" for g in range(1, 5)] * (columns // 4),
                     spanners=[[f"Arm {k} (N=25)", 4] for k in range(columns // 4)])
    t.add("Any event")
    t.add("Cytokine release syndrome", ["16 (64.0%)"] * columns, level=1)
    return t


def _header_group(rtf: str) -> str:
    start = rtf.index("{\\header")
    depth = 0
    for k in range(start, len(rtf)):
        if rtf[k] == "{" and rtf[k - 1] != "\\":
            depth += 1
        elif rtf[k] == "}" and rtf[k - 1] != "\\":
            depth -= 1
            if depth == 0:
                return rtf[start:k]
    raise AssertionError("no header group")


def test_running_header_titles_and_column_headers_repeat_on_every_page():
    t = _listing()
    rtf = render_rtf(t, HEADER)
    rtf.encode("ascii")
    head = _header_group(rtf)
    # study, analysis and cut; page x of y as fields; the titles; the column header row: all in the page header
    for text in ("Study X\\_1" if False else "Study X-1", "Final analysis (final)", "Data cut 2026-10-31",
                 "Listing 16.2.7.1", "Listing of adverse events", "Population: Safety set", "Preferred term"):
        assert text in head, text
    assert "\\chpgn" in head and "NUMPAGES" in head and "\\trowd" in head
    body = rtf[rtf.index(head) + len(head):]
    assert body.count("\\trowd") >= len(t.rows)        # every listing row, plus the footnote/source rows
    assert all(m == "\\trowd\\trkeep" for m in re.findall(r"\\trowd(?:\\trkeep)?", rtf))   # rows kept whole
    assert "Output l16_2_7_1_ae_listing.rtf" in rtf    # the footer names the file
    assert render_rtf(t, HEADER) == rtf                # deterministic


def test_listing_columns_hold_their_longest_word():
    t = _listing(5)
    rtf = render_rtf(t, HEADER)
    body = rtf[rtf.index(_header_group(rtf)) + len(_header_group(rtf)):]
    first_row = body[body.index("\\trowd"):body.index("\\row")]
    edges = [int(x) for x in re.findall(r"\\cellx(\d+)", first_row)]
    widths_pt = [(b - a) / 20 for a, b in zip([0] + edges, edges)]
    size = int(re.search(r"\\fs(\d+)", first_row[first_row.index("\\pard"):]).group(1)) / 2
    gaps = 2 * 108 / 20
    for width, words in zip(widths_pt, [["LN-PEDS-01-000"], ["0.5x10^6", "cells/kg"], ["Hypogammaglobulinaemia"],
                                        ["RECOVERED/RESOLVED"], ["2023-05-29"]]):
        assert width - gaps >= max(_text_width(w, size) for w in words) / 1.05, (width, words)
    assert sum(widths_pt) <= WIDTH["landscape"] + 1
    assert "2023\\_05\\_29 (\\_4)" in rtf              # hyphens do not break: dates and negative days stay whole


def test_wide_table_is_split_into_panels_that_fit():
    rtf = render_rtf(_wide(), HEADER)
    assert "Panel 1 of 2" in rtf and "Panel 2 of 2" in rtf and "\\trhdr" in rtf
    for part in rtf.split("\\page"):
        edges = [int(x) for x in re.findall(r"\\cellx(\d+)", part)]
        assert max(edges) / 20 <= WIDTH["landscape"] + 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_table_and_listing_with_headers_on_each_page(tmp_path):
    for t in (_listing(), _wide()):
        path = tmp_path / f"{t.id}.rtf"
        path.write_text(render_rtf(t, HEADER), encoding="ascii")
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                       check=True, capture_output=True, timeout=180)
        pages = subprocess.run(["pdftotext", "-layout", str(path.with_suffix(".pdf")), "-"], check=True,
                               capture_output=True, text=True).stdout.replace("\u2011", "-").split("\f")
        pages = [p for p in pages if p.strip()]
        assert len(pages) >= 2
        for k, page in enumerate(pages, start=1):
            assert f"Page {k} of {len(pages)}" in page and "Data cut 2026-10-31" in page
            assert t.number in page and (t.columns[0] in page or t.kind != "listing")
        if t.kind == "listing":
            text = "\n".join(pages)
            for word in LONG_WORDS:
                assert word in text, word       # never broken inside a cell


def test_long_body_is_written_from_a_model_row_byte_for_byte(monkeypatch):
    """Above BLOCK_ROWS rows the body's rows are rtflite's text of one model row with each row's own texts
    (rtflite's time grows with the square of the rows); the text is the same as rtflite's one document, first
    and last rows (their rules), groups, indents, empty cells and escaped text included."""
    import cartrial.tables.rtf as R

    t = DisplayTable("l16_2_7_1", "16.2.7.1", "Listing of adverse events", "Safety set", ["Arm", "Term", "Grade"],
                     stub_header="Subject", footnotes=["A footnote."], source="ADAE")
    t.kind, t.orientation = "listing", "landscape"
    for i in range(23):
        if i % 6 == 0:
            t.add(f"Group {i}")
        t.add(f"S-{i:03d}", ["Low" if i % 4 else "", f"Term {i % 4} {{x}} \\ Ödem", str(i % 5)], level=i % 2)
    header = {"study": "X", "analysis": "Final", "cut": "2026-01-01"}
    monkeypatch.setattr(R, "BLOCK_ROWS", 10 ** 6)
    monkeypatch.setattr(R, "REMEMBER", False)  # rtflite as released, one document
    whole = R.render_rtf(t, header)
    assert whole.count("\\intbl\\row") >= 27 and "\x01" not in whole
    for remember in (False, True):  # and with its conversions remembered
        monkeypatch.setattr(R, "REMEMBER", remember)
        for block in (3, 5, 26):  # every length from three body rows on is written from the model row
            monkeypatch.setattr(R, "BLOCK_ROWS", block)
            assert R.render_rtf(t, header) == whole, (remember, block)
    for rows in (3, 4):  # the shortest bodies written from the model row: nothing, and one row, between the ends
        short = DisplayTable(t.id, t.number, t.title, t.population, t.columns, rows=t.rows[:rows],
                             stub_header=t.stub_header, kind="listing", orientation="landscape")
        monkeypatch.setattr(R, "BLOCK_ROWS", 10 ** 6)
        expected = R.render_rtf(short, header)
        monkeypatch.setattr(R, "BLOCK_ROWS", 2)
        assert R.render_rtf(short, header) == expected, rows


def test_remembered_conversions_keep_rtflites_bytes_on_a_long_listing(monkeypatch):
    """A long listing whose cells wrap (rtflite measures every text for its line counts), with groups,
    indents, two arms and text to escape: the same bytes with rtflite's conversions, models and text widths
    remembered as with rtflite as released."""
    import cartrial.tables.rtf as R

    t = DisplayTable("l16_2_7_1", "16.2.7.1", "Listing of adverse events", "Safety set",
                     ["Arm", "Term", "Grade", "Comment"], stub_header="Subject", footnotes=["A footnote."],
                     source="ADAE")
    t.kind, t.orientation = "listing", "landscape"
    words = ["pyrexia", "cytokine release syndrome", "neutropenia", "a" * 60, "Ödem & <b> {x}"]
    for i in range(140):
        if i % 25 == 0:
            t.add(f"Group {i}")
        t.add(f"S-{i:03d}", ["Low" if i % 3 else "High", words[i % 5], str(i % 5),
                             " ".join(words[: 1 + i % 5]) * (1 + i % 3)], level=i % 2)
    summary = DisplayTable("t14_3_1", "14.3.1", "Adverse events by term", "Safety set", ["Low", "High", "Total"],
                           stub_header="Term")  # a table: the stub column aligned apart from the others
    for i in range(300):
        summary.add(words[i % 5] if i % 7 else f"Organ class {i}", [f"{i} ({i % 100}.0)", "0", f"{2 * i}"],
                    level=0 if i % 7 == 0 else 1)
    header = {"study": "X", "analysis": "Final", "cut": "2026-01-01"}
    for table in (t, summary):
        monkeypatch.setattr(R, "REMEMBER", False)
        released = R.render_rtf(table, header)
        assert released.count("\\row") > 140
        monkeypatch.setattr(R, "REMEMBER", True)
        for block in (10 ** 6, 50):
            monkeypatch.setattr(R, "BLOCK_ROWS", block)
            assert R.render_rtf(table, header) == released, (table.id, block)
