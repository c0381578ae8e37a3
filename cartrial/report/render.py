"""Report context, HTML and PDF.

``build_report_context`` is pure; ``render_html`` uses a strict, autoescaping
jinja2 environment (a missing key fails, data text is escaped); ``write_pdf``
hands the HTML to weasyprint.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pandas as pd

from cartrial.catalogue import Catalogue
from cartrial.dates import report_timestamp  # noqa: F401 (re-exported for the report rule)
from cartrial.report.layout import fit_table
from cartrial.tables.display import DisplayTable


def assemble_sections(*, catalogue: Catalogue, tables: dict[str, DisplayTable], figures: dict[str, str],
                      analysis_type: str, notes: dict[str, list[str]] | None = None,
                      empty: dict[str, str] | None = None, max_listing_rows: int | None = None) -> list[dict]:
    """Sections with their tables, figures and listings as the catalogue places them for the analysis type
    (interim or final; :meth:`Catalogue.report_order`).

    A table without rows, or a figure listed in ``empty`` (id -> reason), is not printed: the
    section says instead which outputs could not be produced and why, so an absent output is
    never silent and no page shows an empty frame.
    """
    notes, empty = notes or {}, empty or {}
    out = []
    for anchor, heading, items in catalogue.report_order(analysis_type):
        entries, omitted = [], []
        for spec in items:
            item = spec.id
            if spec.kind != "figure":
                table = tables[item]
                if not table.rows:
                    omitted.append(f"{spec.label} {table.title}: {table.empty_reason or 'no data at this data cut'}")
                elif spec.kind == "listing" and max_listing_rows is not None and len(table.rows) > max_listing_rows:
                    omitted.append(f"{spec.label} {table.title}: {len(table.rows)} rows, delivered as "
                                   f"tables/{item}.csv and tables/{item}.rtf (more than {max_listing_rows} rows "
                                   "are not printed in the report)")
                else:
                    entries += [{"kind": "table", **entry} for entry in fit_table(table)]
            elif item in empty:
                omitted.append(f"{spec.label} {spec.title}: {empty[item].rstrip('.')}")
            else:
                entries.append({"kind": "figure", "id": item, "number": spec.number, "title": spec.title,
                                "population": spec.population, "src": figures[item],
                                "footnotes": list(spec.footnotes), "source": spec.source(catalogue.ard_rules)})
        out.append({"id": anchor, "title": heading, "items": entries, "notes": notes.get(anchor, []),
                    "omitted": omitted})
    return out


def summarise_issues(issues: pd.DataFrame) -> list[dict]:
    """Appendix B's summary of the data issues: one row per rule (the ``[rule]`` id of the data checks, else
    the rule's text without values), with the number of findings and subjects and the actions taken."""
    if not len(issues):
        return []
    text = issues["rule"].fillna("").astype(str)
    rule_id = text.str.extract(r"^\[([a-z_]+)\]", expand=False)
    generic = text.str.replace(r"\d{4}-\d{2}-\d{2}", "<date>", regex=True).str.replace(
        r"\b\d+(\.\d+)?\b", "<n>", regex=True).str.replace(r"'[^']*'", "<term>", regex=True)
    frame = issues.assign(_rule=rule_id.fillna(generic), _action=issues["action"].fillna("").astype(str)
                          .str.replace(r":.*$", "", regex=True).str.replace(r"\d+", "<n>", regex=True))
    out = []
    for (rule, severity), g in frame.groupby(["_rule", "severity"], sort=True):
        out.append({"rule": rule, "severity": severity, "n": len(g), "subjects": int(g["USUBJID"].nunique()),
                    "domains": ", ".join(sorted(g["domain"].dropna().astype(str).unique())),
                    "actions": "; ".join(sorted(g["_action"].unique()))})
    return sorted(out, key=lambda r: (-r["n"], r["rule"]))


def build_report_context(*, study: dict, analysis: dict, sections: list[dict], provenance: dict,
                         reconciliation: pd.DataFrame, issues: pd.DataFrame, generated: str,
                         methods: list[dict], timestamp: str = "", synopsis: list[dict] | None = None,
                         comparison: dict | None = None, max_listing_rows: int | None = None) -> dict:
    """Everything the template shows, as plain data. Findings beyond ``max_listing_rows`` are summarised by
    rule and named, not printed one by one (like a long listing)."""
    is_interim = analysis["type"] == "interim"
    too_many = max_listing_rows is not None and len(issues) > max_listing_rows
    return {
        "timestamp": timestamp,
        "synopsis": [{"section": sec, "rows": [r for r in (synopsis or []) if r["section"] == sec]}
                     for sec in dict.fromkeys(r["section"] for r in (synopsis or []))],
        "comparison": comparison,
        "study": study,
        "analysis": {**analysis, "label": "Interim analysis report" if is_interim else "Final analysis report",
                     "draft": is_interim},
        "generated": generated,
        "sections": sections,
        "methods": methods,
        "reconciliation": _blank_missing(reconciliation).to_dict(orient="records"),
        "issues": [] if too_many else issues.fillna("").to_dict(orient="records"),
        "issues_omitted": (f"{len(issues)} findings, delivered as sdtm/data_issues.csv and adam/efficacy_issues.csv "
                           f"(more than {max_listing_rows} rows are not printed in the report)") if too_many else "",
        "issue_summary": summarise_issues(issues),
        "n_issues": len(issues),
        "provenance": provenance,
    }


def _blank_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with missing cells blank, each column typed as pandas infers it after (pandas' documented
    way to keep fillna's result when it stops inferring types by itself)."""
    with pd.option_context("future.no_silent_downcasting", True):
        return frame.astype(object).fillna("").infer_objects(copy=False)


def render_html(context: dict, *, template_dir: str | Path, template: str = "report.html.j2") -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(template_dir)), undefined=jinja2.StrictUndefined,
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.get_template(template).render(**context)


def local_fetcher(allowed: list[str | Path]):
    """A WeasyPrint URL fetcher that reads local files inside the ``allowed`` folders and refuses
    everything else (other files, other schemes, any network address), stopping the rendering: text in
    the data can never make the renderer read a file or call a server."""
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    roots = [Path(a).resolve() for a in allowed]

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                target = Path(unquote(parsed.path)).resolve()
                if any(target == r or r in target.parents for r in roots):
                    return super().fetch(url, headers)
            raise FatalURLFetchingError(f"the report refers to {url!r}, outside its templates and figures: "
                                        "refused")

    return LocalFetcher(allowed_protocols=["file"], fail_on_errors=True)


def write_pdf(html: str, path: str | Path, *, base_url: str | Path, attachments: list[str | Path] = (),
              timestamp: dt.datetime | None = None, allowed: list[str | Path] | None = None) -> None:
    """PDF/A-3b with the given files attached (relationship Data), dated ``timestamp``.

    Only files inside ``allowed`` (default: ``base_url``) are read while rendering; any other address stops
    the job naming it (:func:`local_fetcher`)."""
    import weasyprint

    files = [weasyprint.Attachment(filename=str(p), name=Path(p).name, created=timestamp, modified=timestamp,
                                   relationship="Data", description="Analysis results dataset")
             for p in attachments]
    fetcher = local_fetcher(list(allowed) if allowed is not None else [base_url])
    weasyprint.HTML(string=html, base_url=str(base_url), url_fetcher=fetcher).write_pdf(
        str(path), pdf_variant="pdf/a-3b", attachments=files)
