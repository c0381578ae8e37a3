"""Fitting display tables to the page (cartrial.report.layout), and the page check can fail."""
import pytest

from cartrial.report.layout import FLOOR_SIZE, WIDTH, fit_table, table_width
from cartrial.tables.display import DisplayTable
from tests.report.pagecheck import text_outside_printable_area


def _table(columns: int, cell: str) -> DisplayTable:
    t = DisplayTable("t1", "1", "A table", "All", [f"Col {i}" for i in range(columns)],
                     spanners=[[f"Arm {k}", 5] for k in range(columns // 5)] if columns % 5 == 0 else [])
    t.add("A row label", [cell] * columns)
    return t


def test_narrow_table_stays_portrait_in_body_type():
    (entry,) = fit_table(_table(3, "12 (24.0%)"))
    assert (entry["orientation"], entry["font_size"]) == ("portrait", None)


def test_wider_table_turns_landscape_then_smaller():
    wide = _table(5, "25858 (6387, 849366)")
    assert table_width(wide, 9.0) > WIDTH["portrait"]
    (entry,) = fit_table(wide)
    assert entry["orientation"] == "landscape"
    wider = _table(6, "25858 (6387, 849366)")
    (entry,) = fit_table(wider)
    assert entry["orientation"] == "landscape" and FLOOR_SIZE <= entry["font_size"] < 9.0
    assert table_width(wider, entry["font_size"]) <= WIDTH["landscape"]


def test_too_wide_table_is_split_into_panels_that_keep_spanners_whole():
    t = _table(20, "16 (64.0%)")
    entries = fit_table(t)
    assert len(entries) > 1 and all(e["font_size"] == FLOOR_SIZE for e in entries)
    assert sum(len(e["columns"]) for e in entries) == 20
    assert all(len(e["columns"]) % 5 == 0 for e in entries)   # an arm's five grade columns stay together
    assert all(e["rows"][0]["label"] == "A row label" for e in entries)  # the stub is repeated
    assert entries[0]["title"].endswith(f"(panel 1 of {len(entries)})")


def test_page_check_finds_text_off_the_page(tmp_path):
    weasyprint = pytest.importorskip("weasyprint")
    html = ("<style>@page { size: A4; margin: 22mm 16mm 20mm 16mm }</style>"
            "<table><tr>" + "".join(f"<td style='white-space:nowrap'>cell {i} 123456789</td>" for i in range(12))
            + "</tr></table><p>fits</p>")
    pdf = tmp_path / "wide.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    found = text_outside_printable_area(pdf)
    assert found and all(page == 1 for page, *_ in found)
    assert not any(text == "fits" for _, text, *_ in found)
