"""Rule report: render the PDF/A-3b report (ARDs attached) and write provenance.json."""
from cartrial.worker import run_in_worker

run_in_worker(snakemake)  # noqa: F821  (a local run's jobs run in its warm job server: cartrial/worker.py)

import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd

from cartrial.ard import read_ard
from cartrial.catalogue import study_catalogue
from cartrial.csvsafe import write_csv
from cartrial.endpoints.rules import EndpointRules
from cartrial.figures.common import placeholder_message
from cartrial.io import job_log, read_frame
from cartrial.report.comparison import build_cut_comparison
from cartrial.report.methods import describe_methods
from cartrial.report.provenance import build_provenance, code_version
from cartrial.report.render import assemble_sections, build_report_context, render_html, report_timestamp, write_pdf
from cartrial.report.synopsis import build_synopsis
from cartrial.tables.display import read_table
from cartrial.tables.oc import build_oc_table

with job_log(snakemake.log[0], "report"):  # noqa: F821
    inp, out, par = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    analysis = {"id": par.analysis, **par.settings["analyses"][par.analysis]}
    stamp = report_timestamp(os.environ.get("SOURCE_DATE_EPOCH"), cut=analysis["cut"])
    os.environ["SOURCE_DATE_EPOCH"] = str(int(stamp.timestamp()))  # font subsets and PDF dates follow it
    recon = pd.read_csv(inp.reconciliation).convert_dtypes()  # counts as whole numbers, blank where none
    issues = pd.concat([pd.read_csv(p, dtype=str) for p in inp.issues], ignore_index=True)
    # records kept but listed (or excluded later, e.g. samples without infusion) with a data issue
    recon["data_issues"] = recon["domain"].map(issues.groupby("domain").size()).fillna(0).astype(int)
    prov = build_provenance(study=par.study, analysis=par.analysis, cut=analysis["cut"], analysis_type=analysis["type"],
                            study_config=par.settings, reconciliation=recon, code=code_version(par.root),
                            run_time=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                            effective=json.loads(json.dumps(dict(par.effective), default=dict)))
    outdir = Path(out.pdf).parent
    tables = {Path(p).stem: read_table(p) for p in inp.tables if p.endswith(".json")}
    svgs = [p for p in inp.figures if p.endswith(".svg")]
    figures = {Path(p).stem: str(Path(p).relative_to(outdir)) for p in svgs}
    notes = {"sec-14-2": [n for p in inp.notes for n in json.loads(Path(p).read_text())["skipped"]]}
    empty = {Path(p).stem: m for p in svgs if (m := placeholder_message(Path(p).with_suffix(".png")))}
    catalogue = study_catalogue(par.settings.get("outputs"))
    write_csv(catalogue.index(analysis["type"], {k: (t.title, t.population) for k, t in tables.items()}), out.index)
    sections = assemble_sections(catalogue=catalogue, tables=tables, figures=figures, analysis_type=analysis["type"],
                                 notes=notes,
                                 empty=empty, max_listing_rows=par.max_listing_rows)
    ards = {Path(p).stem: read_ard(p) for p in inp.ards}
    comparison = None
    if inp.previous:
        load = lambda paths: dict(zip(("adsl", "adae", "adrs"), (read_frame(p) for p in paths)))  # noqa: E731
        prev_cut = par.settings["analyses"][par.previous]["cut"]
        comparison = build_cut_comparison(load(inp.previous), load(inp.current), previous=par.previous,
                                          previous_cut=prev_cut).to_dict()
    study = {"id": par.study.upper(), "title": par.settings["title"], "product": par.settings["product"],
             "sponsor": par.sponsor}
    context = build_report_context(
        study=study, analysis=analysis, sections=sections, provenance=prov, reconciliation=recon, issues=issues,
        generated=stamp.strftime("%Y-%m-%d"), timestamp=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        synopsis=build_synopsis(ards, primary=dict(par.settings["efficacy"]["primary"]), analysis_type=analysis["type"]),
        comparison=comparison, max_listing_rows=par.max_listing_rows,
        methods=describe_methods(par.settings, analysis, EndpointRules.from_config(dict(par.endpoints)),
                                 km=dict(par.km), kinetics=dict(par.kinetics)))
    context["oc"] = {"table": build_oc_table(pd.read_csv(inp.oc_table), settings=par.oc).to_dict(),
                     "figure": {"id": "oc_figure", "number": "D.1",
                                "title": "Operating characteristics of the interim rules by scenario",
                                "population": "Simulated trials", "src": os.path.relpath(inp.oc_figure, outdir),
                                "footnotes": ["Bars: probability of an early stop for toxicity and of success at "
                                              "the final analysis; rules as in Table D.1."],
                                "source": "results/<study>/oc/operating_characteristics.csv (rule oc)"}}
    html = render_html(context, template_dir=Path(inp.templates[0]).parent)
    Path(out.html).write_text(html, encoding="utf-8")
    write_pdf(html, out.pdf, base_url=outdir, attachments=list(inp.ards), timestamp=stamp,
              allowed=[Path(inp.templates[0]).parent, outdir / "figures", Path(inp.oc_figure).parent])
    Path(out.provenance).write_text(json.dumps(prov, indent=1, sort_keys=True) + "\n", encoding="utf-8")
