"""Submission-style RTF of a display table or listing, written with ``rtflite``.

- running page header: study, analysis and data cut (left), and the page number "Page x of y" (right);
- titles: "Table 14.3.2" (or "Listing ..."), the title and the population;
- column headers (spanners first) repeated on every page; rows never split across pages;
- column widths from the content: each column is at least as wide as its longest word, so a word is never
  broken inside a cell; the stub is left-aligned with its indentation, statistics centred, listing text
  left-aligned;
- footnotes, then the source line; the footer names the output file.

Text is written as it is in the report and the CSV (no symbol conversion); characters outside ASCII become
RTF unicode escapes, so the file is ASCII and the same inputs give the same bytes.
"""
from __future__ import annotations

import dataclasses
import re
import sys
from contextlib import contextmanager

from cartrial.parallel import run_forked
from cartrial.tables.display import DisplayTable

#: rtflite's font number of Arial
ARIAL = 4
#: US Letter with margins left, right, top, bottom, header and footer (inches)
MARGINS = [0.75, 0.75, 1.0, 0.75, 0.5, 0.5]
#: printable width per orientation, points (the report layout's plan uses it)
WIDTH = {"portrait": (8.5 - 1.5) * 72, "landscape": (11 - 1.5) * 72}
INDENT_TWIPS = 200
PAGE_NUMBER = "Page {\\chpgn} of {\\field{\\*\\fldinst NUMPAGES }{\\fldrslt 1}}"


def _escape(text: str, *, keep_hyphens: bool = False) -> str:
    """RTF-escape ``text`` (backslash, braces, line breaks, non-ASCII as ``\\uN?``) for a field written
    without conversion; ``keep_hyphens``: hyphens do not break a line (dates, negative days, subject ids)."""
    out = []
    for ch in str(text):
        if ch == "-" and keep_hyphens:
            out.append("\\_")
        elif ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\line ")
        elif ord(ch) > 127:
            code = ord(ch)
            out.append(f"\\u{code if code < 32768 else code - 65536}?")
        else:
            out.append(ch)
    return "".join(out)


def _text_width(text: str, size: float) -> float:
    """Width (points) of ``text`` in Arial (Liberation Sans metrics) at ``size``, with 5% to spare."""
    from rtflite import get_string_width

    return 72 * 1.05 * get_string_width(text, font=ARIAL, font_size=size, unit="in") if text else 0.0


def listing_widths(table: DisplayTable, size: float, width: float) -> list[float]:
    """Column widths (points) of a listing: every column at least its longest word (measured in the font, so a
    word is never broken); the rest of the width shared in proportion to what each column's longest line
    (up to 40 characters) needs beyond that."""
    pad = 2 * 108 / 20 + 2   # rtflite's cell gaps (108 twips each side) and a margin
    cols = [[table.stub_header] + [r.label for r in table.rows]]
    cols += [[h] + [r.cells[i] for r in table.rows] for i, h in enumerate(table.columns)]
    least, want = [], []
    for values in cols:
        lines = [line for v in dict.fromkeys(values) for line in str(v).split("\n")]
        words = {w for line in lines for w in line.split()}
        least.append(max((_text_width(w, size) for w in words), default=0.0) + pad)
        longest = max(lines, key=len, default="")[:40]
        want.append(max(_text_width(longest, size) + pad, least[-1]))
    spare = width - sum(least)
    extra = [w - m for w, m in zip(want, least)]
    if spare <= 0 or not sum(extra):
        return least
    share = min(1.0, spare / sum(extra))
    return [m + e * share for m, e in zip(least, extra)]


def listing_size(table: DisplayTable, width: float) -> float:
    """The largest type size (9 pt down to 7 pt) at which every column of a listing holds its longest word."""
    from cartrial.report.layout import SIZES

    for size in SIZES:
        if size == int(size) and sum(listing_widths(table, size, 0.0)) <= width:
            return size
    return SIZES[-1]


def _first_cell(row) -> str:
    """The stub cell of a body row: its label, indented by its level, bold for a group heading."""
    text = _escape(row.label, keep_hyphens=True)
    indent = f"\\li{INDENT_TWIPS * row.level} " if row.level else ""
    return indent + (f"{{\\b {text}}}" if row.kind == "group" else text)


def _layout(table: DisplayTable, orientation: str, size: float) -> tuple[float, list[float]]:
    """The type size and column widths of ``table`` on pages of ``orientation``: a listing's own size and widths
    measured from its words, a table's at ``size`` as the report sets them."""
    from cartrial.report.layout import STUB_MIN, column_widths

    if table.kind == "listing":
        size = listing_size(table, WIDTH[orientation])
        return size, listing_widths(table, size, WIDTH[orientation])
    data = column_widths(table, size)
    return size, [max(STUB_MIN, WIDTH[orientation] - sum(data))] + data


def _document(table: DisplayTable, orientation: str, size: float, header: dict, widths: list[float]):
    """One rtflite document: ``table`` (or a column panel of it, or a block of its rows) on pages of
    ``orientation`` at ``size`` pt with the column ``widths`` (:func:`_layout`).

    The word processor breaks the pages: the titles and the column header rows are in the running page header
    (:func:`_repeat_headers`) and a row is never split (``\\trkeep``)."""
    import polars as pl
    import rtflite as rtf

    ncol = len(table.columns) + 1
    listing = table.kind == "listing"
    # a row's indent and a group's bold type are written into its first cell (rtflite sets the cell's paragraph
    # first; a later \li overrides it), so every body attribute is one value per column: rtflite re-validates a
    # per-row attribute for every cell, which costs rows x cells x rows
    frame = pl.DataFrame({f"c{i}": [_first_cell(r) if i == 0 else _escape(r.cells[i - 1], keep_hyphens=True)
                                    for r in table.rows] or [""]
                          for i in range(ncol)}, schema={f"c{i}": pl.String for i in range(ncol)})
    justify = ["l"] + ["l" if listing else "c"] * (ncol - 1)
    # RTF type sizes are whole points here (rtflite): a half size is set a half point smaller
    text = {"text_font": [ARIAL], "text_font_size": [int(size)], "text_convert": [False]}
    small = {"text_font": [ARIAL], "text_font_size": [8], "text_convert": [False]}
    body = rtf.RTFBody(col_rel_width=widths, text_justification=[justify], **{**text, "text_convert": [[False]]})
    column_headers = []
    if table.spanners:
        span_text, span_widths, start = [""], [widths[0]], 1
        for label, n in table.spanners:
            span_text.append(_escape(label))
            span_widths.append(sum(widths[start:start + n]))
            start += n
        column_headers.append(rtf.RTFColumnHeader(text=span_text, col_rel_width=span_widths, **text))
    column_headers.append(rtf.RTFColumnHeader(
        text=[_escape(table.stub_header.replace("\n", " "))] + [_escape(c) for c in table.columns],
        col_rel_width=widths, text_justification=justify, **text))
    kind = "Listing" if listing else "Table"
    running = " | ".join(x for x in (header.get("study", ""), header.get("analysis", ""),
                                     f"Data cut {header['cut']}" if header.get("cut") else "") if x)
    titles = [f"{kind} {table.number}", table.title, f"Population: {table.population}"]
    doc = rtf.RTFDocument(
        df=frame,
        rtf_page=rtf.RTFPage(orientation=orientation, margin=MARGINS, col_width=WIDTH[orientation] / 72,
                             nrow=10 ** 6),
        rtf_page_header=rtf.RTFPageHeader(
            text=[_escape(running), PAGE_NUMBER] + [_escape(t) for t in titles],
            text_justification=["l", "r", "c", "c", "c"], text_font=[ARIAL], text_font_size=[8, 8, 10, 10, 10],
            text_format=["", "", "b", "b", ""], text_convert=[False]),
        rtf_column_header=column_headers,
        rtf_body=body,
        rtf_footnote=rtf.RTFFootnote(text=[_escape(n) for n in table.footnotes], **small) if table.footnotes else None,
        rtf_source=rtf.RTFSource(text=[_escape(f"Source: {table.source}")], **small),
        rtf_page_footer=rtf.RTFPageFooter(text=[_escape(f"Output {table.id.split('-panel')[0]}.rtf")], **small),
    )
    return doc, len(column_headers)


#: remember rtflite's conversions within one table (:func:`_remembered_conversions`); off: rtflite as released
REMEMBER = True


@contextmanager
def _remembered_conversions():
    """rtflite (2.6) converts an attribute's whole value (a list with one entry per row, or the body frame) to
    nested lists every time it reads one cell of it, validates a pydantic model for every attribute of every
    cell it reads, loads the font file and measures the text again for every cell: most of the time of a
    long listing. Within one table the converted value of the same object is remembered (rtflite only reads
    it), a cell of an attribute is read without building a model, each font is loaded once and each text
    measured once. The bytes are rtflite's (tested against rtflite as released, ``REMEMBER = False``)."""
    if not REMEMBER:
        yield
        return
    import functools
    import types

    import polars as pl
    import rtflite.attributes as attributes
    import rtflite.pagination.core as pagination
    import rtflite.strwidth as strwidth

    convert, image_font = attributes._to_nested_list, strwidth.ImageFont
    broadcast, measure = attributes.BroadcastValue, strwidth.get_string_width
    seen: dict[int, tuple[object, object]] = {}

    def remembered(value):
        if not isinstance(value, (list, pl.DataFrame)):
            return convert(value)
        hit = seen.get(id(value))
        if hit is None or hit[0] is not value:  # the object itself is kept, so its id is not reused
            hit = seen[id(value)] = (value, convert(value))
        return hit[1]

    class Cells:
        """rtflite's BroadcastValue for reading one cell (``iloc``, rtflite's own method) without validating
        a model; anything else it is asked for comes from rtflite's model of the same value."""
        __slots__ = ("value", "dimension")

        def __init__(self, value=None, dimension=None):
            self.value, self.dimension = remembered(value), dimension

        iloc = broadcast.iloc

        def __getattr__(self, name):
            return getattr(broadcast(value=self.value, dimension=self.dimension), name)

    @functools.lru_cache(maxsize=None)
    def width(text, font="Times New Roman", font_size=12, unit="in", dpi=72.0):
        return measure(text, font=font, font_size=font_size, unit=unit, dpi=dpi)

    attributes._to_nested_list, attributes.BroadcastValue = remembered, Cells
    attributes.get_string_width = pagination.get_string_width = width
    strwidth.ImageFont = types.SimpleNamespace(truetype=functools.lru_cache(maxsize=32)(image_font.truetype))
    try:
        yield
    finally:
        attributes._to_nested_list, attributes.BroadcastValue, strwidth.ImageFont = convert, broadcast, image_font
        attributes.get_string_width = pagination.get_string_width = measure


#: rows encoded per rtflite document: rtflite's encoding time grows with the square of a body's rows, so a long
#: body is encoded in blocks whose rows are joined (:func:`_encode`)
BLOCK_ROWS = 250


def _block(part: DisplayTable, orientation: str, size: float, header: dict, widths) -> tuple[str, int]:
    """The RTF text of a document of ``part`` (a table with some of the body rows), and its column header
    rows."""
    doc, nheader = _document(part, orientation, size, header, widths)
    return doc.rtf_encode(), nheader


def _blocks(table: DisplayTable, orientation: str, size: float, header: dict, widths, starts) -> tuple:
    """The body rows of the blocks that begin at ``starts`` (each ``BLOCK_ROWS`` rows, encoded with one
    neighbouring row on either side, which is dropped); the text before the first body row when the first
    block begins the body, the text after the last when the last block ends it; and the column header rows."""
    n = len(table.rows)
    rows, prefix, suffix, nheader = [], None, None, 0
    for start in starts:  # one block's text held at a time
        end = min(n, start + BLOCK_ROWS)
        lo, hi = max(0, start - 1), min(n, end + 1)
        text, nheader = _block(dataclasses.replace(table, rows=table.rows[lo:hi]), orientation, size, header, widths)
        marks = [m.start() for m in re.finditer(r"\\trowd", text)]
        first, last = nheader, nheader + (hi - lo)  # the body's rows among the table rows of this block
        bounds = marks + [len(text)]
        segments = [text[bounds[i]:bounds[i + 1]] for i in range(first, last)]
        if lo < start:
            segments = segments[1:]
        if hi > end:
            segments = segments[:-1]
        if start == 0:
            prefix = text[:marks[first]]
        if end == n:
            suffix = text[bounds[last]:]
        rows += segments
    return rows, prefix, suffix, nheader


def _encode(table: DisplayTable, orientation: str, size: float, header: dict) -> tuple[str, int]:
    """The RTF text of one table (or panel) and its number of column header rows.

    A body longer than ``BLOCK_ROWS`` is encoded in blocks at the whole table's type size and column widths;
    each block is encoded with one neighbouring row on either side, which is dropped, so every row is written
    exactly as in one document (the first and last rows of a body carry its top and bottom rules). The text
    before the first body row comes from the first block, the text after the last from the last."""
    size, widths = _layout(table, orientation, size)
    if len(table.rows) <= BLOCK_ROWS:
        return _block(table, orientation, size, header, widths)
    return _joined([_blocks(table, orientation, size, header, widths, range(0, len(table.rows), BLOCK_ROWS))])


def _joined(parts: list[tuple]) -> tuple[str, int]:
    """One body from the parts :func:`_blocks` gave for consecutive runs of blocks, in order."""
    return parts[0][1] + "".join(row for part in parts for row in part[0]) + parts[-1][2], parts[0][3]


def _laid_out_blocks(table: DisplayTable, orientation: str, size: float, header: dict, starts) -> tuple:
    """:func:`_blocks` in a process of its own: the layout worked out and rtflite's conversions remembered
    there."""
    with _remembered_conversions():
        size, widths = _layout(table, orientation, size)
        return _blocks(table, orientation, size, header, widths, starts)


def _encode_forked(table: DisplayTable, orientation: str, size: float, header: dict,
                   workers: int) -> tuple[str, int]:
    """:func:`_encode` with the blocks shared, in runs of consecutive blocks, among ``workers`` forked
    processes (:mod:`cartrial.parallel`): the same text. This process neither imports nor runs rtflite, whose
    table library (polars) starts threads that a forked process must not inherit."""
    starts = list(range(0, len(table.rows), BLOCK_ROWS))
    runs = [starts[k * len(starts) // workers:(k + 1) * len(starts) // workers] for k in range(workers)]
    return _joined(run_forked([(_laid_out_blocks, (table, orientation, size, header, run)) for run in runs if run],
                              workers))


def _closing_brace(text: str, start: int) -> int:
    """Index of the brace closing the group opened at ``text[start]`` (escaped braces skipped)."""
    depth, k = 0, start
    while k < len(text):
        ch = text[k]
        if ch == "\\":
            k += 2
            continue
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            return k
        k += 1
    raise ValueError("unbalanced RTF group")


def _repeat_headers(text: str, n: int) -> str:
    """Move the first ``n`` table rows (the column headers) into the running page header, after the titles, so
    that every page shows them whatever the reader (Word honours ``\\trhdr``; LibreOffice does not on RTF
    import), and keep every row whole (``\\trkeep``)."""
    first = text.index("\\trowd")
    end = first
    for _ in range(n):
        end = text.index("\\row", text.index("\\trowd", end)) + len("\\row")
    rows = text[first:end]
    text = text[:first] + text[end:].removeprefix("\\pard").lstrip("\n")
    close = _closing_brace(text, text.index("{\\header"))
    return _mark_headers(text[:close] + "\n" + rows + "\\pard\\fs4\\par\n" + text[close:], 0)


def _mark_headers(text: str, n: int) -> str:
    """Mark the first ``n`` table rows as header rows repeated on each page (``\\trhdr``: Word repeats them,
    LibreOffice does not) and keep every row whole."""
    parts = text.split("\\trowd")
    return parts[0] + "".join(("\\trowd\\trhdr\\trkeep" if k < n else "\\trowd\\trkeep") + p
                              for k, p in enumerate(parts[1:]))


def render_rtf(table: DisplayTable, header: dict | None = None, *, workers: int = 1) -> str:
    """The RTF text of ``table``, set as the report sets it (portrait, landscape, smaller type to 7 pt, then
    column panels; :func:`cartrial.report.layout.plan_table`) on US Letter pages; ``header``: study,
    analysis and cut for the running page header.

    A table on one set of columns has its titles and column headers in the running page header (so every page
    shows them in any reader). Column panels follow each other on new pages of one file, each headed "Panel k
    of n" with its own column header rows marked to repeat (``\\trhdr``), the titles in the page header.
    ``workers`` > 1: a long body on one set of columns is encoded in that many forked processes
    (:func:`_encode_forked`), unless this process has already loaded rtflite's table library (polars, whose
    threads a forked process must not inherit); the text is the same."""
    from cartrial.report.layout import plan_table

    header = header or {}
    plans = plan_table(table, WIDTH)
    if workers > 1 and len(plans) == 1 and len(plans[0][0].rows) > BLOCK_ROWS and "polars" not in sys.modules:
        return _repeat_headers(*_encode_forked(*plans[0], header, workers))
    with _remembered_conversions():
        if len(plans) == 1:
            return _repeat_headers(*_encode(*plans[0], header))
        texts = [_mark_headers(*_encode(dataclasses.replace(part, title=table.title), orientation, size, header))
                 for part, orientation, size in plans]
    head = texts[0][:texts[0].index("\\trowd")]
    bodies = [f"\\pard\\qc\\fs16{{\\f3 Panel {k} of {len(texts)}}}\\par\n" + t[t.index("\\trowd"):t.rindex("}")]
              for k, t in enumerate(texts, start=1)]
    return head + "\\pard\\par\\page\n".join(bodies) + "}\n"
