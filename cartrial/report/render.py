"""Report context, HTML and PDF.

``build_report_context`` is pure; ``render_html`` uses a strict, autoescaping
jinja2 environment (a missing key fails, data text is escaped); ``write_pdf``
hands the HTML to weasyprint.
"""
from __future__ import annotations

from pathlib import Path

import jinja2
import pandas as pd

from cartrial.tables.display import DisplayTable


def build_report_context(*, study: dict, analysis: dict, tables: list[DisplayTable], provenance: dict,
                         reconciliation: pd.DataFrame, issues: pd.DataFrame, generated: str,
                         methods: list[dict]) -> dict:
    """Everything the template shows, as plain data."""
    is_interim = analysis["type"] == "interim"
    return {
        "study": study,
        "analysis": {**analysis, "label": "Interim analysis report" if is_interim else "Final analysis report",
                     "draft": is_interim},
        "generated": generated,
        "tables": [t.to_dict() for t in tables],
        "methods": methods,
        "reconciliation": reconciliation.fillna("").to_dict(orient="records"),
        "issues": issues.fillna("").to_dict(orient="records"),
        "n_issues": len(issues),
        "provenance": provenance,
    }


def render_html(context: dict, *, template_dir: str | Path, template: str = "report.html.j2") -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(template_dir)), undefined=jinja2.StrictUndefined,
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.get_template(template).render(**context)


def write_pdf(html: str, path: str | Path, *, base_url: str | Path) -> None:
    import weasyprint

    weasyprint.HTML(string=html, base_url=str(base_url)).write_pdf(str(path))
