"""Data text is escaped in the report: markup or template syntax in a term renders as literal text."""
from pathlib import Path

from cartrial.report.render import build_report_context, render_html
from cartrial.tables.display import DisplayTable

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def test_markup_in_data_is_escaped():
    t = DisplayTable("t", "14.3.2", "AEs", "Safety set", ["Total (N=1)"], source="ADAE")
    t.add("<script>alert(1)</script>", ["1 (100.0%)"])
    t.add("{{ 7*7 }}", ["1 (100.0%)"])
    sections = [{"id": "s", "title": "14.3 Safety", "items": [{"kind": "table", **t.to_dict()}], "notes": [], "omitted": []}]
    ctx = build_report_context(
        study={"id": "X", "title": "t", "product": "p", "sponsor": "s"},
        analysis={"id": "interim", "cut": "2025-01-01", "type": "interim"}, sections=sections,
        provenance={"code_version": "0", "inputs": [], "packages": {}}, reconciliation=pd.DataFrame(),
        issues=pd.DataFrame(), generated="2025-01-01", methods=[], timestamp="2025-01-01T00:00:00Z")
    html = render_html(ctx, template_dir=ROOT / "templates")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and ">49<" not in html


def test_renderer_reads_only_the_reports_own_files(tmp_path):
    import pytest
    from weasyprint.urls import FatalURLFetchingError

    from cartrial.report.render import write_pdf

    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "f.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    secret = tmp_path.parent / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    write_pdf('<img src="figures/f.svg">', tmp_path / "ok.pdf", base_url=tmp_path, allowed=[tmp_path / "figures"])
    assert (tmp_path / "ok.pdf").read_bytes()[:5] == b"%PDF-"
    for src in (str(secret), "http://127.0.0.1:9/x.png", "../secret.svg"):
        with pytest.raises(FatalURLFetchingError, match="refused"):
            write_pdf(f'<img src="{src}">', tmp_path / "bad.pdf", base_url=tmp_path, allowed=[tmp_path / "figures"])


def test_findings_beyond_the_listing_limit_are_summarised_and_named_not_printed():
    """A large study's thousands of data findings are not laid out row by row (the report would take longer
    than the analysis): the summary by rule stays, the full list is named."""
    issues = pd.DataFrame({"severity": "warning", "file": "lb.csv", "row": [str(i) for i in range(1, 6)],
                           "USUBJID": "S-1", "column": "LBORRES", "value": "x", "rule": "[limits] implausible",
                           "action": "kept", "domain": "LB"})
    common = dict(study={"id": "X", "title": "t", "product": "p", "sponsor": "s"},
                  analysis={"id": "final", "cut": "2025-01-01", "type": "final"}, sections=[],
                  provenance={"code_version": "0", "inputs": [], "packages": {}}, reconciliation=pd.DataFrame(),
                  issues=issues, generated="2025-01-01", methods=[], timestamp="2025-01-01T00:00:00Z")
    printed = render_html(build_report_context(**common, max_listing_rows=5), template_dir=ROOT / "templates")
    named = render_html(build_report_context(**common, max_listing_rows=4), template_dir=ROOT / "templates")
    assert printed.count("<td>LBORRES</td>") == 5 and "are not printed" not in printed
    assert named.count("<td>LBORRES</td>") == 0
    assert "5 findings, delivered as sdtm/data_issues.csv and adam/efficacy_issues.csv (more than 4 rows" in named
    assert "<td>limits</td><td>warning</td><td>LB</td>" in named  # the summary by rule is still shown
