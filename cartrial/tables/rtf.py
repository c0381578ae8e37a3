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
import functools
import re
from contextlib import contextmanager

from cartrial.tables.display import DisplayTable, Row

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


@functools.lru_cache(maxsize=1 << 16)
def _text_width(text: str, size: float) -> float:
    """Width (points) of ``text`` in Arial (Liberation Sans metrics) at ``size``, with 5% to spare
    (remembered: a listing's words are measured at each type size tried and again for its widths)."""
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


def _cell_texts(row) -> list[str]:
    """The text of each cell of a body row as rtflite receives it: escaped here, written without conversion."""
    return [_first_cell(row)] + [_escape(c, keep_hyphens=True) for c in row.cells]


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
    """One rtflite document: ``table`` (or a column panel of it, or three rows of its body) on pages of
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
    texts = [_cell_texts(r) for r in table.rows]
    frame = pl.DataFrame({f"c{i}": [t[i] for t in texts] or [""] for i in range(ncol)},
                         schema={f"c{i}": pl.String for i in range(ncol)})
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


#: a body longer than this is written from rtflite's text of one model row (:func:`_templated`)
BLOCK_ROWS = 250
#: the text of cell ``k`` of the model row: characters that no display text holds, which rtflite writes as given
_SLOT = "\x01{}\x02"
_SLOTS = re.compile("\x01(\\d+)\x02")


def _block(part: DisplayTable, orientation: str, size: float, header: dict, widths) -> tuple[str, int]:
    """The RTF text of a document of ``part`` (a table, or its first row, a model row and its last row), and
    its column header rows."""
    doc, nheader = _document(part, orientation, size, header, widths)
    return doc.rtf_encode(), nheader


def _templated(table: DisplayTable, orientation: str, size: float, header: dict, widths) -> tuple[str, int]:
    """The RTF text of a table with a long body, from rtflite's document of three body rows: the table's first
    row, a model row and its last row. Every body attribute is one value per column (:func:`_document`) and a
    cell's text is written as given, so a row between the first and the last differs from the model row only
    in its cells' texts: it is the model row's text with its own texts in place of the model's. rtflite's time
    per row grows with the rows of a document and it models every cell; this takes each row's texts only (the
    same bytes as rtflite's one document: tests/tables/test_rtf.py)."""
    ncol = len(table.columns) + 1
    model = Row(_SLOT.format(0), [_SLOT.format(k) for k in range(1, ncol)])
    rows = table.rows
    text, nheader = _block(dataclasses.replace(table, rows=[rows[0], model, rows[-1]]), orientation, size, header,
                           widths)
    marks = [m.start() for m in re.finditer(r"\\trowd", text)] + [len(text)]
    middle = text[marks[nheader + 1]:marks[nheader + 2]]
    if [int(k) for k in _SLOTS.findall(middle)] != list(range(ncol)):
        raise ValueError(f"{table.id}: rtflite did not write the model row's cells once each, in order")
    pieces = _SLOTS.split(middle)[::2]  # the text around the cells
    body = []
    for row in rows[1:-1]:
        body.append(pieces[0])
        for cell, after in zip(_cell_texts(row), pieces[1:]):
            body += (cell, after)
    return text[:marks[nheader + 1]] + "".join(body) + text[marks[nheader + 2]:], nheader


def _encode(table: DisplayTable, orientation: str, size: float, header: dict) -> tuple[str, int]:
    """The RTF text of one table (or panel) and its number of column header rows, at its layout's type size and
    column widths; a body longer than ``BLOCK_ROWS`` rows from one model row (:func:`_templated`)."""
    size, widths = _layout(table, orientation, size)
    if len(table.rows) <= BLOCK_ROWS:
        return _block(table, orientation, size, header, widths)
    return _templated(table, orientation, size, header, widths)


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


def render_rtf(table: DisplayTable, header: dict | None = None) -> str:
    """The RTF text of ``table``, set as the report sets it (portrait, landscape, smaller type to 7 pt, then
    column panels; :func:`cartrial.report.layout.plan_table`) on US Letter pages; ``header``: study,
    analysis and cut for the running page header.

    A table on one set of columns has its titles and column headers in the running page header (so every page
    shows them in any reader). Column panels follow each other on new pages of one file, each headed "Panel k
    of n" with its own column header rows marked to repeat (``\\trhdr``), the titles in the page header."""
    from cartrial.report.layout import plan_table

    header = header or {}
    plans = plan_table(table, WIDTH)
    with _remembered_conversions():
        if len(plans) == 1:
            return _repeat_headers(*_encode(*plans[0], header))
        texts = [_mark_headers(*_encode(dataclasses.replace(part, title=table.title), orientation, size, header))
                 for part, orientation, size in plans]
    head = texts[0][:texts[0].index("\\trowd")]
    bodies = [f"\\pard\\qc\\fs16{{\\f3 Panel {k} of {len(texts)}}}\\par\n" + t[t.index("\\trowd"):t.rindex("}")]
              for k, t in enumerate(texts, start=1)]
    return head + "\\pard\\par\\page\n".join(bodies) + "}\n"
