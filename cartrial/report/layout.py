"""Tables that fit the page: each display table is set in portrait, else landscape, else in smaller type
down to a stated floor, else split into column panels that repeat the stub; nothing is cut off.

The width a table needs is estimated from its text: every column is as wide as its longest unbreakable
line (cells are not wrapped; a header wraps between words) at :data:`CHAR_EM` of the type size per
character, plus the cell padding; the stub column wraps and takes at least its CSS minimum. The estimate
errs wide (DejaVu Sans digits are 0.64 em), and ``tests/report/test_layout.py`` measures every word of
every demo report against the printable area, so an estimate that errs narrow fails a test.
"""
from __future__ import annotations

import dataclasses

from cartrial.tables.display import DisplayTable

PT_PER_MM = 72 / 25.4
#: printable width (A4 less the 16 mm side margins of templates/report.css), points
WIDTH = {"portrait": (210 - 32) * PT_PER_MM, "landscape": (297 - 32) * PT_PER_MM}
BASE_SIZE = 9.0      # pt, the report's body type
FLOOR_SIZE = 7.0     # pt, the smallest type a table is set in
SIZES = (9.0, 8.5, 8.0, 7.5, 7.0)
CHAR_EM = 0.64
CELL_PADDING = 4 * PT_PER_MM      # 2 mm each side
STUB_MIN = 38 * PT_PER_MM


def _longest_line(text: str) -> int:
    return max((len(line) for line in str(text).split("\n")), default=0)


def _longest_word(text: str) -> int:
    return max((len(word) for word in str(text).split()), default=0)


def column_widths(table: DisplayTable, size: float) -> list[float]:
    """Estimated width (points) each data column needs at type ``size``."""
    chars = [max([_longest_word(header)] + [_longest_line(r.cells[i]) for r in table.rows if r.kind != "group"])
             for i, header in enumerate(table.columns)]
    widths = [n * CHAR_EM * size + CELL_PADDING for n in chars]
    start = 0
    for label, span in table.spanners:  # a spanner's longest word must fit over its columns
        need = _longest_word(label) * CHAR_EM * size + CELL_PADDING
        have = sum(widths[start:start + span])
        if need > have:
            widths[start:start + span] = [w + (need - have) / span for w in widths[start:start + span]]
        start += span
    return widths


def table_width(table: DisplayTable, size: float) -> float:
    return STUB_MIN + sum(column_widths(table, size))


def _panels(table: DisplayTable, size: float, width: dict[str, float] = WIDTH) -> list[list[int]]:
    """Groups of column indices (whole spanners kept together) that each fit landscape at ``size``."""
    widths = column_widths(table, size)
    groups = [[i] for i in range(len(widths))]
    if table.spanners:
        groups, start = [], 0
        for _, span in table.spanners:
            groups.append(list(range(start, start + span)))
            start += span
    panels, current, used = [], [], STUB_MIN
    for group in groups:
        need = sum(widths[i] for i in group)
        if current and used + need > width["landscape"]:
            panels.append(current)
            current, used = [], STUB_MIN
        current += group
        used += need
    return panels + ([current] if current else [])


def _panel(table: DisplayTable, columns: list[int], k: int, total: int) -> DisplayTable:
    spanners, start = [], 0
    for label, span in table.spanners:
        inside = [i for i in range(start, start + span) if i in columns]
        if inside:
            spanners.append([label, len(inside)])
        start += span
    rows = [dataclasses.replace(r, cells=[r.cells[i] for i in columns]) for r in table.rows]
    return dataclasses.replace(table, id=f"{table.id}-panel{k}", title=f"{table.title} (panel {k} of {total})",
                               columns=[table.columns[i] for i in columns], rows=rows, spanners=spanners,
                               orientation="landscape")


def plan_table(table: DisplayTable, width: dict[str, float] = WIDTH) -> list[tuple[DisplayTable, str, float]]:
    """How ``table`` is set on pages of printable ``width`` (points, per orientation): ``(table or column
    panel, orientation, type size)``. A listing keeps the base size and wraps its cells between words."""
    if table.kind == "listing":
        return [(table, table.orientation, BASE_SIZE)]
    orientations = ("portrait", "landscape") if table.orientation == "portrait" else ("landscape",)
    for orientation in orientations:
        for size in SIZES:
            if table_width(table, size) <= width[orientation]:
                return [(table, orientation, size)]
    panels = _panels(table, FLOOR_SIZE, width)
    return [(_panel(table, cols, k, len(panels)), "landscape", FLOOR_SIZE) for k, cols in enumerate(panels, start=1)]


def fit_table(table: DisplayTable) -> list[dict]:
    """The table as one or more entries for the report template, each with ``orientation`` and ``font_size``
    (points) set so that it fits the printable width."""
    if table.kind == "listing":
        return [{**table.to_dict(), "font_size": None}]
    return [{**part.to_dict(), "orientation": orientation, "font_size": None if size == BASE_SIZE else size}
            for part, orientation, size in plan_table(table)]
