"""A display table: title, numbered, population, columns, rows, footnotes.

Built from ARD rows by the ``build_*_table`` functions; written as JSON (for
the report), CSV (for medical writers) and an HTML fragment.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from cartrial.csvsafe import write_csv


@dataclass
class Row:
    label: str
    cells: list[str]
    level: int = 0          # indentation
    kind: str = "stat"      # "stat" or "group" (a heading row without cells)


@dataclass
class DisplayTable:
    id: str
    number: str
    title: str
    population: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    source: str = ""
    stub_header: str = ""
    orientation: str = "portrait"
    spanners: list[list] = field(default_factory=list)  # [label, number of columns] over the columns
    kind: str = "table"     # "table" or "listing"
    empty_reason: str = ""  # why a table without rows has none (the report says so instead of printing it)

    def add(self, label: str, cells: list[str] | None = None, *, level: int = 0) -> "DisplayTable":
        if cells is None:
            self.rows.append(Row(label, [""] * len(self.columns), level, "group"))
        else:
            if len(cells) != len(self.columns):
                raise ValueError(f"row {label!r} has {len(cells)} cells for {len(self.columns)} columns")
            self.rows.append(Row(label, list(cells), level))
        return self

    def to_dict(self) -> dict:
        """The table as :func:`dataclasses.asdict` gives it (fields in order, lists copied), without an empty
        ``empty_reason``; built field by field, as asdict's generic walk takes seconds for a listing of
        tens of thousands of rows."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(columns=list(self.columns), footnotes=list(self.footnotes),
                    spanners=[list(s) for s in self.spanners],
                    rows=[{"label": r.label, "cells": list(r.cells), "level": r.level, "kind": r.kind}
                          for r in self.rows])
        if not data["empty_reason"]:
            del data["empty_reason"]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "DisplayTable":
        rows = [Row(**r) for r in data.get("rows", [])]
        return cls(**{**data, "rows": rows})

    def to_frame(self) -> pd.DataFrame:
        records = [[("  " * r.level) + r.label, *[c.replace("\n", " ") for c in r.cells]] for r in self.rows]
        headers = list(self.columns)
        if self.spanners:
            spans = [label for label, width in self.spanners for _ in range(width)]
            headers = [f"{s}: {c}" if s else c for s, c in zip(spans, headers)]
        return pd.DataFrame(records, columns=[self.stub_header or " ", *headers])


def ard_builder(build, ard_name: str):
    """A catalogue builder (:mod:`cartrial.produce`) for a table drawn from one ARD alone: ``build(ard,
    source=...)``."""

    def builder(ctx) -> DisplayTable:
        return build(ctx.ard(ard_name), source=ctx.source)

    builder.__doc__ = f"{build.__name__} on ARD {ard_name}"
    return builder


def write_table(table: DisplayTable, stem: str | Path, *, header: dict | None = None) -> None:
    """Write ``<stem>.json``, ``<stem>.csv`` and ``<stem>.rtf`` (the HTML comes from the report template);
    ``header``: the RTF's running header (study, analysis, cut)."""
    from cartrial.tables.rtf import render_rtf

    stem = Path(stem)
    stem.with_suffix(".rtf").write_text(render_rtf(table, header), encoding="ascii")
    stem.with_suffix(".json").write_text(json.dumps(table.to_dict(), indent=1, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    write_csv(table.to_frame(), stem.with_suffix(".csv"))


def read_table(path: str | Path) -> DisplayTable:
    return DisplayTable.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
