"""The catalogue of outputs (``cartrial/catalogue.yaml``): what each table, figure and listing is, which rule
builds it from which ARDs, where the report places it, and whether an interim report holds it.

Imports neither pandas nor matplotlib, so the Snakefile reads it at parse time for the rules' inputs and
outputs. A study's ``outputs`` config (:func:`Catalogue.with_overrides`) retitles, renumbers, moves, adds
footnotes to or drops outputs; the numbers then decide the order in the report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")
KINDS = ("table", "listing", "figure")
#: the keys a study may override per output (``studies.<study>.outputs.<id>``)
OVERRIDABLE = ("number", "title", "title_interim", "population", "population_interim", "section", "follows",
               "interim", "final", "footnotes", "drop")
FILE_TYPES = {"table": ("json", "csv", "rtf"), "listing": ("json", "csv", "rtf"), "figure": ("png", "svg")}


@dataclass(frozen=True)
class Output:
    id: str
    kind: str
    number: str
    title: str
    population: str
    section: str
    rule: str
    builder: str
    interim: bool = True
    final: bool = True
    population_n: str | None = None
    ards: tuple[str, ...] = ()
    adam: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    options: dict = field(default_factory=dict, hash=False)
    follows: str | None = None
    footnotes: tuple[str, ...] = ()
    drop: bool = False
    title_interim: str | None = None
    population_interim: str | None = None

    @property
    def label(self) -> str:
        """``Table 14.3.2``, ``Figure 14.2.1`` or ``Listing 16.2.7.1``."""
        return f"{self.kind.capitalize()} {self.number}"

    @property
    def folder(self) -> str:
        return "figures" if self.kind == "figure" else "tables"

    @property
    def module(self) -> str:
        """The module of the builder: ``cartrial.tables.<layer>`` or ``cartrial.figures.<layer>``."""
        return f"cartrial.{self.folder}.{self.builder.split('.')[0]}"

    @property
    def function(self) -> str:
        return self.builder.split(".", 1)[1]

    def files(self) -> list[str]:
        """The files of the output, relative to the analysis folder."""
        return [f"{self.folder}/{self.id}.{ext}" for ext in FILE_TYPES[self.kind]]

    def source(self, ard_rules: dict[str, str]) -> str:
        """The source line: the ADaM data, then the ARD files and the rule that wrote them, else the rule
        that read the ADaM directly."""
        data = ", ".join(self.data)
        if self.ards:
            rules = sorted({ard_rules[a] for a in self.ards})
            files = ", ".join(f"ard/{a}.csv" for a in self.ards)
            return f"{data}; {files} (rule {', '.join(rules)})"
        return f"{data} (rule {self.rule})"

    def built_for(self, analysis_type: str) -> bool:
        """Whether an analysis of ``analysis_type`` (interim, final) holds the output (dropped or not)."""
        return self.interim if analysis_type == "interim" else self.final

    def in_report(self, analysis_type: str) -> bool:
        return not self.drop and self.built_for(analysis_type)


def number_key(number: str) -> tuple:
    """Sort key of a display number: ``14.3.10`` after ``14.3.9``, ``D.1`` after numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.]", number))


@dataclass(frozen=True)
class Catalogue:
    outputs: tuple[Output, ...]
    sections: tuple[tuple[str, str], ...]   # (anchor, heading)
    populations: dict = field(hash=False)
    ard_rules: dict = field(hash=False)

    def __getitem__(self, output_id: str) -> Output:
        for out in self.outputs:
            if out.id == output_id:
                return out
        raise KeyError(f"no output {output_id!r} in the catalogue")

    def by_rule(self, rule: str | None, analysis_type: str | None = None) -> list[Output]:
        """The outputs of a rule (of every rule: None); with ``analysis_type``, those an analysis of that
        type builds: the ones its report may show (``interim`` or ``final``; dropped ones too, so that the
        files do not depend on a study's ``drop``)."""
        return [o for o in self.outputs if (rule is None or o.rule == rule) and (
            analysis_type is None or o.built_for(analysis_type))]

    def modules(self, rule: str) -> list[str]:
        """The builder modules a rule's outputs use (their code is part of the rule's code hash)."""
        return sorted({o.module for o in self.by_rule(rule)})

    def rules(self) -> list[str]:
        return list(dict.fromkeys(o.rule for o in self.outputs))

    def files(self, rule: str | None = None, kinds: tuple[str, ...] = KINDS, analysis_type: str | None = None
              ) -> list[str]:
        """The files of the outputs (of one rule; of the outputs an analysis of ``analysis_type`` builds)."""
        return [f for o in self.by_rule(rule, analysis_type) if o.kind in kinds for f in o.files()]

    def ards(self) -> list[str]:
        return list(self.ard_rules)

    def inputs(self, rule: str, analysis_type: str | None = None) -> tuple[list[str], list[str]]:
        """The ARDs and ADaM datasets a rule's outputs (for an analysis type) read (ARDs with the populations
        ARD)."""
        outs = self.by_rule(rule, analysis_type)
        ards = list(dict.fromkeys(["populations", *(a for o in outs for a in o.ards)]))
        adam = list(dict.fromkeys(d for o in outs for d in o.adam))
        return ards, adam

    def report_order(self, analysis_type: str) -> list[tuple[str, str, list[Output]]]:
        """Sections with their outputs as the report shows them: tables and listings in ascending number;
        each figure, in ascending number, after the table it follows (else at the end of the section)."""
        out = []
        for anchor, heading in self.sections:
            chosen = [o for o in self.outputs if o.section == anchor and o.in_report(analysis_type)]
            tables = sorted((o for o in chosen if o.kind != "figure"), key=lambda o: (o.kind, number_key(o.number)))
            figures = sorted((o for o in chosen if o.kind == "figure"), key=lambda o: number_key(o.number))
            placed = {t.id for t in tables}
            items = []
            for table in tables:
                items.append(table)
                items += [f for f in figures if f.follows == table.id]
            items += [f for f in figures if f.follows not in placed]
            out.append((anchor, heading, items))
        return out

    def index(self, analysis_type: str, built: dict | None = None):
        """The delivered outputs of an analysis in report order (``outputs.csv``): id, kind, number, title,
        population, section and files; a dropped output is not listed. ``built``: id -> (title, population)
        as the built tables state them (with the endpoint and N filled in)."""
        import pandas as pd

        built = built or {}
        rows = []
        for _, heading, items in self.report_order(analysis_type):
            for o in items:
                title, population = built.get(o.id, (o.title, o.population))
                rows.append({"section": heading, "kind": o.kind, "number": o.number, "title": title,
                             "population": population, "id": o.id, "files": " ".join(o.files())})
        return pd.DataFrame(rows, columns=["section", "kind", "number", "title", "population", "id", "files"])

    def with_overrides(self, overrides: dict | None) -> "Catalogue":
        """The catalogue with a study's ``outputs`` settings applied; raises ValueError naming each problem
        (an unknown output, key or section, a number used twice in one kind and section)."""
        overrides = overrides or {}
        problems = []
        anchors = {a for a, _ in self.sections}
        known = {o.id for o in self.outputs}
        for oid, change in overrides.items():
            if oid not in known:
                problems.append(f"outputs.{oid}: no such output in the catalogue")
                continue
            for key in change or {}:
                if key not in OVERRIDABLE:
                    problems.append(f"outputs.{oid}.{key}: not a setting of an output (one of {', '.join(OVERRIDABLE)})")
            if (change or {}).get("section") not in (None, *anchors):
                problems.append(f"outputs.{oid}.section: {change['section']!r} is not a section ({', '.join(sorted(anchors))})")
        if problems:
            raise ValueError("; ".join(problems))
        outputs = []
        for out in self.outputs:
            change = dict(overrides.get(out.id) or {})
            if "footnotes" in change:
                change["footnotes"] = out.footnotes + tuple(change["footnotes"])
            if "number" in change:
                change["number"] = str(change["number"])
            outputs.append(replace(out, **change))
        result = replace(self, outputs=tuple(outputs))
        result.check()
        return result

    def check(self) -> None:
        """Numbers are unique per kind; references resolve."""
        problems, seen = [], {}
        anchors = {a for a, _ in self.sections}
        for out in self.outputs:
            if out.drop:
                continue
            key = (out.kind, out.number)
            if key in seen:
                problems.append(f"{out.label} is both {seen[key]} and {out.id}")
            seen[key] = out.id
            if out.section not in anchors:
                problems.append(f"{out.id}: unknown section {out.section!r}")
            if out.kind not in KINDS:
                problems.append(f"{out.id}: unknown kind {out.kind!r}")
            if out.builder.count(".") != 1:
                problems.append(f"{out.id}: builder {out.builder!r} is not <layer>.<function>")
            if out.population_n and out.population_n not in self.populations:
                problems.append(f"{out.id}: unknown population flag {out.population_n!r}")
            unknown = [a for a in out.ards if a not in self.ard_rules]
            if unknown:
                problems.append(f"{out.id}: unknown ARDs {unknown}")
        if problems:
            raise ValueError("output catalogue: " + "; ".join(problems))


def _output(oid: str, spec: dict) -> Output:
    spec = dict(spec)
    for key in ("ards", "adam", "data", "footnotes"):
        spec[key] = tuple(" ".join(str(x).split()) for x in spec.get(key, ()))
    spec["number"] = str(spec["number"])
    return Output(id=oid, **spec)


@lru_cache(maxsize=None)
def load_catalogue(path: str | Path = CATALOGUE_FILE) -> Catalogue:
    # libyaml's safe loader where PyYAML has it (the same result, eight times faster: every workflow start reads this)
    raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    catalogue = Catalogue(outputs=tuple(_output(k, v) for k, v in raw["outputs"].items()),
                          sections=tuple(raw["sections"].items()), populations=dict(raw["populations"]),
                          ard_rules=dict(raw["ards"]))
    catalogue.check()
    return catalogue


def study_catalogue(overrides: dict | None = None) -> Catalogue:
    """The catalogue with a study's ``outputs`` config applied."""
    return load_catalogue().with_overrides(overrides)
