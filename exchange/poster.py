"""The roadmap poster as a PDF: the content of the poster page (exchange/roadmap_poster.html) on
one A4 page in landscape, for a Huis to print or send (docs/exchange.md, "The roadmap").

Written with fpdf2 (pure Python; requirements/base.in says why). The life domains are boxes in a
grid of five columns, each with its themes, their status and partners; a box's border says the
domain's best status, as the page's print styles do, and the words say it too, so the poster
reads in black and white. Everything is on one page: when the text does not fit, the letters get
smaller (down to `SMALLEST_SIZE`) and what still does not fit is cut with "…" in its box.

The standard PDF font (Helvetica) covers Windows-1252, so all of Dutch (é, ë, ï, curly quotes, dashes); any other
character becomes "?". Using the standard font keeps font files out of the repository.
"""

import math

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from .models import OfferStatus

COLUMNS = 5
MARGIN = 10  # mm
GAP = 4  # mm between boxes
PADDING = 2.5  # mm inside a box
TITLE_SIZE = 18
LARGEST_SIZE, SMALLEST_SIZE = 9.0, 5.5  # pt for the themes
LINE_HEIGHT = 1.25  # times the font size

# Border per status: green and thick for available, dashed grey for in development, thin grey for none.
BORDERS = {
    OfferStatus.AVAILABLE: ((27, 110, 58), 0.8, None),
    OfferStatus.DEVELOPING: ((85, 85, 85), 0.5, 1.5),
    OfferStatus.NONE: ((120, 120, 120), 0.3, None),
}
PT_TO_MM = 25.4 / 72


def _text(value: str) -> str:
    """What the standard font can show: Windows-1252, other characters as "?"."""
    return str(value).encode("cp1252", errors="replace").decode("cp1252")


def _entry_line(entry, domain_name: str) -> str:
    name = entry.theme.name if entry.theme else domain_name
    line = f"{name}: {entry.get_status_display()}"
    partners = [partner.name for partner in entry.partners.all()]
    if partners:
        line += f" ({', '.join(partners)})"
    return line


def _fit(pdf: FPDF, text: str, width: float, size: float) -> list[str]:
    pdf.set_font("Helvetica", size=size)
    return pdf.multi_cell(width, size * LINE_HEIGHT * PT_TO_MM, _text(text), dry_run=True, output="LINES")


def roadmap_poster_pdf(roadmap, rows) -> bytes:
    """The poster of `roadmap` (its `selectors.roadmap_rows`) as the bytes of a one-page PDF."""
    house, year = roadmap.house.name, roadmap.year
    title = _("Roadmap %(year)s of %(house)s") % {"year": year, "house": house}

    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(_text(title))
    pdf.set_author("Samenhuis")
    pdf.set_creator("Samenhuis")
    pdf.set_lang("nl-BE")
    pdf.add_page()

    pdf.set_font("Helvetica", style="B", size=TITLE_SIZE)
    pdf.cell(0, TITLE_SIZE * PT_TO_MM * 1.2, _text(title), new_x="LMARGIN", new_y="NEXT")
    legend = " · ".join(
        [
            _("Thick green border: available"),
            _("dashed: in development"),
            _("thin grey: no offer yet"),
        ]
    )
    pdf.set_font("Helvetica", size=8)
    pdf.cell(0, 5, _text(legend), new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 2

    footer_height = 5
    grid_rows = max(1, math.ceil(len(rows) / COLUMNS))
    box_width = (pdf.epw - GAP * (COLUMNS - 1)) / COLUMNS
    box_height = (pdf.h - MARGIN - footer_height - top - GAP * (grid_rows - 1)) / grid_rows
    inner = box_width - 2 * PADDING

    # The largest size at which every box's text fits; the smallest otherwise.
    size = LARGEST_SIZE
    while size > SMALLEST_SIZE:
        if all(_box_height(pdf, row, inner, size) <= box_height - 2 * PADDING for row in rows):
            break
        size = round(size - 0.5, 1)

    for index, row in enumerate(rows):
        x = MARGIN + (index % COLUMNS) * (box_width + GAP)
        y = top + (index // COLUMNS) * (box_height + GAP)
        _box(pdf, row, x, y, box_width, box_height, size)

    pdf.set_xy(MARGIN, pdf.h - MARGIN - footer_height + 1)
    pdf.set_font("Helvetica", size=7)
    pdf.set_text_color(60, 60, 60)
    made = _("Samenhuis · made on %(date)s") % {"date": date_format(timezone.localdate(), "j F Y")}
    pdf.cell(0, 4, _text(made))
    return bytes(pdf.output())


def _box_height(pdf: FPDF, row, width: float, size: float) -> float:
    heading = _heading_size(pdf, row.life_domain.name, width, size)
    heading_lines = len(_fit_heading(pdf, row.life_domain.name, width, size))
    lines = sum(len(_fit(pdf, _entry_line(e, row.life_domain.name), width - 2, size)) for e in row.entries)
    return (heading_lines * heading + lines * size) * LINE_HEIGHT * PT_TO_MM + 1


def _heading_size(pdf: FPDF, text: str, width: float, size: float) -> float:
    """A little larger than the themes, smaller when needed so that no word of the life domain's name
    ("opvoedingsondersteuning") is broken."""
    heading = size + 1.5
    longest = max(_text(text).split(), key=len, default="")
    while heading > SMALLEST_SIZE:
        pdf.set_font("Helvetica", style="B", size=heading)
        if pdf.get_string_width(longest) <= width - 2 * pdf.c_margin:
            break
        heading -= 0.5
    return heading


def _fit_heading(pdf: FPDF, text: str, width: float, size: float) -> list[str]:
    heading = _heading_size(pdf, text, width, size)
    pdf.set_font("Helvetica", style="B", size=heading)
    return pdf.multi_cell(width, heading * LINE_HEIGHT * PT_TO_MM, _text(text), dry_run=True, output="LINES")


def _box(pdf: FPDF, row, x: float, y: float, width: float, height: float, size: float) -> None:
    colour, line_width, dash = BORDERS.get(row.status, BORDERS[OfferStatus.NONE])
    pdf.set_draw_color(*colour)
    pdf.set_line_width(line_width)
    if dash:
        pdf.set_dash_pattern(dash=dash, gap=dash)
    pdf.rect(x, y, width, height)
    pdf.set_dash_pattern()
    pdf.set_text_color(0, 0, 0)

    inner = width - 2 * PADDING
    bottom = y + height - PADDING
    cursor = y + PADDING
    heading_height = _heading_size(pdf, row.life_domain.name, inner, size) * LINE_HEIGHT * PT_TO_MM
    for line in _fit_heading(pdf, row.life_domain.name, inner, size):
        pdf.set_xy(x + PADDING, cursor)
        pdf.cell(inner, heading_height, line)
        cursor += heading_height
    cursor += 1

    line_height = size * LINE_HEIGHT * PT_TO_MM
    lines = []  # (indent, text)
    for entry in row.entries:
        wrapped = _fit(pdf, _entry_line(entry, row.life_domain.name), inner - 2, size)
        lines += [(0, "- " + wrapped[0])] + [(2, line) for line in wrapped[1:]]
    room = max(0, int((bottom - cursor) // line_height))
    if len(lines) > room:
        lines = [*lines[: max(0, room - 1)], (0, "…")]
    pdf.set_font("Helvetica", size=size)
    for indent, line in lines:
        pdf.set_xy(x + PADDING + indent, cursor)
        pdf.cell(inner - indent, line_height, line)
        cursor += line_height
