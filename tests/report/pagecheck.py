"""Every character of a PDF inside the printable area of its page (the page less the report's margins:
templates/report.css, ``@page { margin: 22mm 16mm 20mm 16mm }``, running heads and feet excepted)."""
from __future__ import annotations

from pathlib import Path

PT_PER_MM = 72 / 25.4
SIDE_MARGIN = 16 * PT_PER_MM
TOLERANCE = 0.5  # points: glyph boxes are rounded


def text_outside_printable_area(pdf: str | Path) -> list[tuple[int, str, float, float]]:
    """(page, text, x0, x1) of each text line that reaches into a side margin or off the page."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLine

    out = []
    for number, page in enumerate(extract_pages(str(pdf), laparams=LAParams()), start=1):
        left, right = SIDE_MARGIN - TOLERANCE, page.width - SIDE_MARGIN + TOLERANCE
        for box in page:
            if not isinstance(box, LTTextContainer):
                continue
            for line in box:
                if isinstance(line, LTTextLine) and (line.x0 < left or line.x1 > right or line.y0 < 0
                                                     or line.y1 > page.height):
                    out.append((number, line.get_text().strip()[:60], round(line.x0, 1), round(line.x1, 1)))
    return out
