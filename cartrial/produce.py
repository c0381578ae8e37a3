"""Build the outputs of one table or figure rule from the catalogue (:mod:`cartrial.catalogue`).

Each output's builder is a function of its layer's module (``cartrial/tables/<layer>.py`` for tables and
listings, ``cartrial/figures/<layer>.py`` for figures) named in the catalogue. A table builder takes an
:class:`OutputContext` and returns a :class:`~cartrial.tables.display.DisplayTable`; a figure builder takes the
context and the file stem and draws. The id, number, title, population line, source line and the
catalogue's footnotes are set here from the catalogue, so a builder only fills rows and columns.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from cartrial.ard import ALL, read_ard
from cartrial.catalogue import Catalogue, Output, study_catalogue
from cartrial.io import read_frame, read_records
from cartrial.parallel import run_forked
from cartrial.tables.format import fmt_num


class OutputContext:
    """What a builder may read: its ARDs and ADaM datasets (by name), the study's and the shared settings,
    the analysis (id, type, cut), its own catalogue entry (``spec``) and ``options``."""

    def __init__(self, spec: Output, *, inputs: dict[str, str], settings: dict, shared: dict, analysis: dict,
                 catalogue: Catalogue, cache: dict):
        self.spec, self.settings, self.shared, self.analysis = spec, settings, shared, analysis
        self.catalogue, self._inputs, self._cache = catalogue, inputs, cache
        self.options = dict(spec.options)

    def ard(self, name: str) -> pd.DataFrame:
        """An ARD this output declares in the catalogue (``ards``)."""
        if name not in self.spec.ards and name != "populations":
            raise KeyError(f"{self.spec.id}: ARD {name!r} is not among its catalogue ards {list(self.spec.ards)}")
        key = ("ard", name)
        if key not in self._cache:
            self._cache[key] = read_ard(self._inputs[name])
        return self._cache[key]

    def adam(self, name: str, *, params=None, columns=None) -> pd.DataFrame:
        """An ADaM dataset this output declares in the catalogue (``adam``); with ``params`` only the records of
        these parameters (PARAMCD), with ``columns`` only these variables, selected while reading
        (:func:`cartrial.io.read_records`)."""
        if name not in self.spec.adam:
            raise KeyError(f"{self.spec.id}: ADaM {name!r} is not among its catalogue adam {list(self.spec.adam)}")
        if params is not None or columns is not None:
            return read_records(self._inputs[name], columns, values=params)
        key = ("adam", name)
        if key not in self._cache:
            self._cache[key] = read_frame(self._inputs[name])
        return self._cache[key]

    def bign(self, flag: str | None = None) -> dict[str, float]:
        """Subjects per arm (and ``ALL``) of a population flag (default: the output's ``population_n``)."""
        flag = flag or self.spec.population_n
        pops = self.ard("populations")
        sub = pops[(pops["variable"] == flag) & (pops["stat_name"] == "n")]
        if not len(sub) and len(pops):
            raise KeyError(f"{self.spec.id}: the populations ARD has no flag {flag!r}")
        return dict(zip(sub["group_level"], sub["stat_value"]))

    @property
    def analysis_type(self) -> str:
        return self.analysis["type"]

    @cached_property
    def primary(self) -> dict:
        return dict(self.settings["efficacy"]["primary"])

    @property
    def source(self) -> str:
        return self.spec.source(self.catalogue.ard_rules)


def finish_table(table, spec: Output, ctx: OutputContext):
    """Set what the catalogue decides on a built table."""
    from cartrial.tables.efficacy import param_label

    interim = ctx.analysis_type == "interim"
    title = spec.title_interim if (spec.title_interim and interim) else spec.title
    table.id, table.number, table.kind = spec.id, spec.number, spec.kind
    table.title = title.format(primary=param_label(ctx.primary["paramcd"]))
    table.population = spec.population_interim if (spec.population_interim and interim) else spec.population
    if spec.population_n:
        n = ctx.bign().get(ALL)
        table.population += f" (N={fmt_num(n)})" if n is not None else ""
    table.source = ctx.source
    table.footnotes = list(table.footnotes) + [n for n in spec.footnotes if n not in table.footnotes]
    return table


def run_rule(smk, rule: str, workers: int = 1) -> list[Output]:
    """Build the catalogue outputs of ``rule`` the job's analysis type holds (``smk``: a Snakemake job's
    ``snakemake`` object) with their builders; write tables as JSON, CSV and RTF and figures as PNG and SVG
    into the job's output folders. With ``workers`` > 1 the outputs are built in that many forked processes
    (cartrial.parallel), listings first (the longest to write); each keeps its own cache of the inputs read."""
    import importlib

    par = smk.params
    settings = dict(par.settings)
    catalogue = study_catalogue(settings.get("outputs"))
    analysis = {"id": par.analysis, **settings["analyses"][par.analysis]}
    inputs = {k: v for k, v in smk.input.items()}
    shared, header = dict(par.shared), rtf_header(smk.wildcards.study, analysis)
    root = Path(smk.output[0]).parents[1]
    cache: dict = {}
    specs = catalogue.by_rule(rule, analysis["type"])

    def build(spec: Output) -> None:
        builder = getattr(importlib.import_module(spec.module), spec.function, None)
        if builder is None:
            raise AttributeError(f"catalogue output {spec.id}: no builder {spec.function!r} in {spec.module}")
        ctx = OutputContext(spec, inputs=inputs, settings=settings, shared=shared, analysis=analysis,
                            catalogue=catalogue, cache=cache)
        stem = root / spec.folder / spec.id
        if spec.kind == "figure":
            builder(ctx, stem=stem)
        else:
            from cartrial.tables.display import write_table

            write_table(finish_table(builder(ctx), spec, ctx), stem, header=header)

    order = sorted(specs, key=lambda spec: spec.kind != "listing") if workers > 1 else specs  # stable sort
    run_forked([(build, (spec,)) for spec in order], workers)
    return specs


def rtf_header(study: str, analysis: dict) -> dict:
    """The running header of the RTF files: study, analysis and data cut."""
    return {"study": study.upper(), "analysis": f"{analysis['type'].capitalize()} analysis ({analysis['id']})",
            "cut": str(analysis["cut"])}
