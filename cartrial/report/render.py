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

from cartrial.figures import efficacy as _eff_figures
from cartrial.figures import safety as _safety_figures
from cartrial.figures import kinetics as _kinetics_figures
from cartrial.figures import tte as _tte_figures
from cartrial.report.layout import fit_table
from cartrial.tables.display import DisplayTable

#: report sections: (anchor, title, items); an item is a table id or a figure id
SECTIONS = (
    ("sec-14-1", "14.1 Disposition and baseline characteristics", ("t14_1_1_disposition", "t14_1_2_demographics")),
    ("sec-14-2", "14.2 Efficacy", ("t14_2_1_primary", "t14_2_2_response_rates", "f14_2_1_response_over_time",
                                    "t14_2_3_response_rates_oc", "t14_2_4_response_differences",
                                    "t14_2_5_change_from_baseline", "f14_2_2_sledai_trajectories",
                                    "f14_2_3_sledai_waterfall", "f14_2_4_renal_over_time", "t14_2_6_time_to_event",
                                    "f14_2_5_km_curves", "f14_2_6_swimmer")),
    ("sec-14-3", "14.3 Safety", ("t14_3_1_overview", "t14_3_2_teae_soc_pt", "t14_3_3_teae_pt_grade",
                                  "t14_3_4_syndromes", "f14_3_1_crs_icans_timeline", "t14_3_5_infections",
                                  "t14_3_6_lymphodepletion", "t14_3_7_lab_shift", "t14_3_8_icaht",
                                  "f14_3_2_counts_first_90_days", "t14_3_9_monitoring")),
    ("sec-14-4", "14.4 Cellular kinetics, cytokines and B cells", ("t14_4_1_kinetic_parameters", "t14_4_2_persistence",
                                                                  "f14_4_1_profiles", "f14_4_2_geomean",
                                                                  "f14_4_3_cmax_by_crs", "t14_4_3_cytokines",
                                                                  "f14_4_4_cytokines", "t14_4_4_bcells")),
    ("sec-16-2", "16.2 Subject data listings", ("l16_2_7_1_ae_listing", "l16_2_7_2_sae_death_listing")),
)
FIGURE_INFO = {**_eff_figures.FIGURE_INFO, **_tte_figures.FIGURE_INFO, **_safety_figures.FIGURE_INFO,
               **_kinetics_figures.FIGURE_INFO}
#: figures of a safety section are drawn on the safety set
SAFETY_PREFIX = "f14_3"
#: what an interim report holds (safety, disposition and the primary endpoint so far); a final report holds all
INTERIM_ITEMS = {"t14_1_1_disposition", "t14_1_2_demographics", "t14_2_1_primary", "t14_2_2_response_rates",
                 "f14_2_1_response_over_time", "t14_3_9_monitoring", "t14_3_1_overview", "t14_3_4_syndromes",
                 "f14_3_1_crs_icans_timeline", "t14_3_2_teae_soc_pt", "t14_3_3_teae_pt_grade", "t14_3_5_infections",
                 "t14_3_8_icaht", "f14_3_2_counts_first_90_days", "l16_2_7_2_sae_death_listing"}


def assemble_sections(*, tables: dict[str, DisplayTable], figures: dict[str, str], analysis_type: str,
                      notes: dict[str, list[str]] | None = None, empty: dict[str, str] | None = None,
                      max_listing_rows: int | None = None) -> list[dict]:
    """Sections with their tables and figures, chosen by the analysis type (interim or final).

    A table without rows, or a figure listed in ``empty`` (id -> reason), is not printed: the
    section says instead which outputs could not be produced and why, so an absent output is
    never silent and no page shows an empty frame.
    """
    notes, empty = notes or {}, empty or {}
    out = []
    for anchor, title, items in SECTIONS:
        entries, omitted = [], []
        for item in items:
            if analysis_type == "interim" and item not in INTERIM_ITEMS:
                continue
            if item in tables and not tables[item].rows:
                omitted.append(f"Table {tables[item].number} {tables[item].title}: no data at this data cut")
            elif (item in tables and tables[item].kind == "listing" and max_listing_rows is not None
                  and len(tables[item].rows) > max_listing_rows):
                omitted.append(f"Listing {tables[item].number} {tables[item].title}: {len(tables[item].rows)} rows, "
                               f"delivered as tables/{item}.csv and tables/{item}.rtf (more than {max_listing_rows} "
                               "rows are not printed in the report)")
            elif item in figures and item in empty:
                omitted.append(f"Figure {FIGURE_INFO[item][0]} {FIGURE_INFO[item][1]}: {empty[item].rstrip('.')}")
            elif item in tables:
                entries += [{"kind": "table", **entry} for entry in fit_table(tables[item])]
            elif item in figures:
                number, ftitle, note, source = FIGURE_INFO[item]
                safety = item.startswith(SAFETY_PREFIX) or item.startswith("f14_4")
                entries.append({"kind": "figure", "id": item, "number": number, "title": ftitle,
                                "population": "Safety set" if safety else "Efficacy set", "src": figures[item],
                                "footnotes": [note],
                                "source": source if "(rule" in source else
                                f"{source} (rule {'figures_safety' if safety else 'figures_efficacy'})"})
        out.append({"id": anchor, "title": title, "items": entries, "notes": notes.get(anchor, []),
                    "omitted": omitted})
    return out


def report_timestamp(source_date_epoch: str | None, *, cut: str) -> dt.datetime:
    """The report's date: ``SOURCE_DATE_EPOCH`` when given, else the data cut (midnight UTC).

    The PDF carries no wall-clock time, so the same inputs give the same bytes;
    the actual run time is recorded in provenance.json.
    """
    if source_date_epoch:
        return dt.datetime.fromtimestamp(int(source_date_epoch), dt.timezone.utc)
    return dt.datetime.fromisoformat(cut).replace(tzinfo=dt.timezone.utc)


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
                         comparison: dict | None = None) -> dict:
    """Everything the template shows, as plain data."""
    is_interim = analysis["type"] == "interim"
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
        "reconciliation": reconciliation.fillna("").to_dict(orient="records"),
        "issues": issues.fillna("").to_dict(orient="records"),
        "issue_summary": summarise_issues(issues),
        "n_issues": len(issues),
        "provenance": provenance,
    }


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
