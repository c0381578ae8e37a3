"""Word-compatible RTF of a display table: title, population, header rows, body, footnotes, source.

A plain RTF 1.9 writer (tables as ``\\trowd`` rows, header rows repeated on
every page with ``\\trhdr``, rows kept whole with ``\\trkeep``), landscape
when the table is. Text is escaped (``\\``, braces) and non-ASCII characters
are written as ``\\uN?`` so the file is pure ASCII and deterministic.
"""
from __future__ import annotations

from cartrial.tables.display import DisplayTable

TWIPS_PER_MM = 56.6929


def _escape(text: str) -> str:
    out = []
    for ch in str(text):
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\line ")
        elif ord(ch) > 127:
            code = ord(ch)
            out.append(f"\\u{code if code < 32768 else code - 65536}?")
        else:
            out.append(ch)
    return "".join(out)


def _row(cells: list[str], widths: list[int], *, header: bool = False, bold: bool = False,
         align_first_left: bool = True, border_bottom: bool = False) -> str:
    parts = ["\\trowd\\trgaph60\\trkeep" + ("\\trhdr" if header else "")]
    x = 0
    for w in widths:
        x += w
        parts.append(("\\clbrdrb\\brdrs\\brdrw10" if border_bottom else "") + f"\\cellx{x}")
    for i, text in enumerate(cells):
        align = "\\ql" if (i == 0 and align_first_left) else "\\qc"
        parts.append(f"\\pard\\intbl{align}" + ("\\b " if bold else " ") + _escape(text) + ("\\b0" if bold else "")
                     + "\\cell")
    parts.append("\\row")
    return "".join(parts)


def render_rtf(table: DisplayTable) -> str:
    landscape = table.orientation == "landscape"
    page_w, page_h = (297, 210) if landscape else (210, 297)
    usable = int((page_w - 40) * TWIPS_PER_MM)
    stub = int(usable * (0.3 if len(table.columns) <= 4 else 0.22))
    other = int((usable - stub) / max(len(table.columns), 1))
    widths = [stub] + [other] * len(table.columns)
    kind = "Listing" if table.kind == "listing" else "Table"
    lines = [
        "{\\rtf1\\ansi\\ansicpg1252\\deff0",
        "{\\fonttbl{\\f0\\fswiss Arial;}}",
        f"\\paperw{int(page_w * TWIPS_PER_MM)}\\paperh{int(page_h * TWIPS_PER_MM)}"
        + ("\\landscape" if landscape else "") + "\\margl1134\\margr1134\\margt1134\\margb1134",
        "\\fs18",
        f"\\pard\\b {_escape(kind + ' ' + table.number + '  ' + table.title)}\\b0\\par",
        f"\\pard {_escape('Population: ' + table.population)}\\par",
    ]
    if table.spanners:
        span_cells, span_widths = [""], [stub]
        for label, n in table.spanners:
            span_cells.append(label)
            span_widths.append(other * n)
        lines.append(_row(span_cells, span_widths, header=True, bold=True))
    lines.append(_row([table.stub_header.replace("\n", " ")] + list(table.columns), widths, header=True, bold=True,
                      border_bottom=True))
    for r in table.rows:
        label = "    " * r.level + r.label
        lines.append(_row([label] + list(r.cells), widths, bold=r.kind == "group"))
    lines.append("\\pard\\par")
    for i, note in enumerate(table.footnotes, start=1):
        lines.append(f"\\pard\\fs16 {i}. {_escape(note)}\\par")
    lines.append(f"\\pard\\fs16 Source: {_escape(table.source)}\\par")
    lines.append("}")
    return "\n".join(lines) + "\n"
