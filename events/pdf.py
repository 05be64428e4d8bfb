"""A small PDF we generate: a title and paragraphs of text on A4 pages.

Demo content and tests need real PDF files (event materials that search indexes through
`events.documents`), and this writer makes them without adding a PDF-generation dependency.
It knows only Helvetica and Helvetica-Bold in WinAnsiEncoding (cp1252), which covers Dutch
(é, ë, ï, ö); characters outside cp1252 become "?". Widths are estimated, not measured.
"""

import textwrap

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 56  # about 2 cm
TITLE_SIZE, TITLE_LEADING, TITLE_CHARACTERS = 18, 24, 50
BODY_SIZE, BODY_LEADING, BODY_CHARACTERS = 11, 15, 90
PARAGRAPH_GAP = 8


def _pdf_string(text: str) -> bytes:
    """A literal string in cp1252, with the characters PDF gives a meaning escaped."""
    encoded = text.encode("cp1252", errors="replace")
    return b"(" + encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _info_string(text: str) -> bytes:
    """Metadata strings are PDFDocEncoding or UTF-16BE with a byte order mark; the latter fits any title."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _lines(title: str, paragraphs: list[str]) -> list[tuple[str, int, int, str]]:
    """(font, size, space above, text) for every line, in reading order."""
    lines = [("F2", TITLE_SIZE, TITLE_LEADING, text) for text in textwrap.wrap(title, TITLE_CHARACTERS)]
    for paragraph in paragraphs:
        wrapped = textwrap.wrap(" ".join(paragraph.split()), BODY_CHARACTERS) or [""]
        for index, text in enumerate(wrapped):
            lines.append(("F1", BODY_SIZE, BODY_LEADING + (PARAGRAPH_GAP if index == 0 else 0), text))
    return lines


def _page_streams(lines: list[tuple[str, int, int, str]]) -> list[bytes]:
    """Content streams, one per page: a line that would cross the bottom margin starts a new page."""
    pages: list[list[bytes]] = [[]]
    y = PAGE_HEIGHT - MARGIN
    for font, size, space_above, text in lines:
        if y - space_above < MARGIN and pages[-1]:
            pages.append([])
            y = PAGE_HEIGHT - MARGIN
        y -= space_above if pages[-1] else size
        if text:
            pages[-1].append(b"BT /%s %d Tf %d %d Td %s Tj ET" % (font.encode(), size, MARGIN, y, _pdf_string(text)))
    return [b"\n".join(operators) for operators in pages]


def pdf_render(*, title: str, paragraphs: list[str]) -> bytes:
    """Return the bytes of a PDF 1.4 file with `title` in bold above the word-wrapped `paragraphs`."""
    streams = _page_streams(_lines(title, paragraphs))
    first_page = 6  # objects 1-5: catalog, page tree, two fonts, document information
    page_numbers = [first_page + 2 * index for index in range(len(streams))]
    kids = b" ".join(b"%d 0 R" % number for number in page_numbers)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(streams)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title %s /Producer (Samenhuis) >>" % _info_string(title),
    ]
    for number, stream in zip(page_numbers, streams, strict=True):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> "
            b"/Contents %d 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT, number + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))

    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_offset = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\n" % (len(objects) + 1)
    output += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(output)
