"""Text of event materials (PDF, Word, PowerPoint), so search can index what a handout says.

Extraction runs on files people upload, so it is bounded (`MAX_PAGES`, `MAX_CHARACTERS`) and
fails softly: a damaged or encrypted file is logged and indexed as "", never an error for the
person who uploaded it. `document_kind_matches` lets an upload refuse a renamed file first.
"""

import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pptx
from pptx.shapes.group import GroupShape
from pypdf import PdfReader

logger = logging.getLogger(__name__)

EXTRACTABLE_EXTENSIONS = (".pdf", ".docx", ".pptx")
MAX_PAGES = 200  # pages of a PDF, slides of a presentation
MAX_CHARACTERS = 200_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a .docx/.pptx that unpacks to more is not read (a ZIP bomb)

# What a file must contain to be what its name says: OOXML files are ZIP archives.
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
ZIP_MEMBERS = {".docx": "word/document.xml", ".pptx": "ppt/presentation.xml"}

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _pdf_texts(file) -> Iterator[str]:
    # pypdf tries the empty password itself: a file that only restricts printing or copying is read.
    reader = PdfReader(file)
    for index in range(min(len(reader.pages), MAX_PAGES)):
        yield reader.pages[index].extract_text()


def _docx_texts(file) -> Iterator[str]:
    document = docx.Document(file)
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            # A merged cell appears once per grid column it spans; its text once is enough.
            yield "\t".join(dict.fromkeys(cell.text for cell in row.cells))


def _shape_texts(shapes) -> Iterator[str]:
    for shape in shapes:
        if isinstance(shape, GroupShape):
            yield from _shape_texts(shape.shapes)
        elif shape.has_text_frame:
            yield shape.text_frame.text


def _pptx_texts(file) -> Iterator[str]:
    presentation = pptx.Presentation(file)
    for index, slide in enumerate(presentation.slides):
        if index >= MAX_PAGES:
            break
        yield from _shape_texts(slide.shapes)
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            yield slide.notes_slide.notes_text_frame.text


EXTRACTORS = {".pdf": _pdf_texts, ".docx": _docx_texts, ".pptx": _pptx_texts}


def _text_tidy(text: str) -> str:
    """One line per line of the source, runs of spaces and tabs as one space, no empty lines."""
    lines = (" ".join(line.split()) for line in CONTROL_CHARACTERS.sub(" ", text or "").splitlines())
    return "\n".join(line for line in lines if line)


def _unpacked_size(file) -> int:
    """What the archive's members declare they unpack to, read from its directory only."""
    with zipfile.ZipFile(file) as archive:
        return sum(member.file_size for member in archive.infolist())


def document_text_extract(file, *, filename: str) -> str:
    """The text of `file` (a binary file object) as its extension says how to read it, or "".

    At most MAX_CHARACTERS characters from the first MAX_PAGES pages or slides; reading stops
    once that many characters are collected.
    """
    extract = EXTRACTORS.get(Path(filename).suffix.lower())
    if extract is None:
        return ""
    parts: list[str] = []
    length = 0
    try:
        file.seek(0)
        if ZIP_MEMBERS.get(Path(filename).suffix.lower()) and _unpacked_size(file) > MAX_UNPACKED_BYTES:
            logger.warning("Not reading %s: it unpacks to more than %d bytes", filename, MAX_UNPACKED_BYTES)
            return ""
        file.seek(0)
        for text in extract(file):
            tidy = _text_tidy(text)
            if tidy:
                parts.append(tidy)
                length += len(tidy) + 1
            if length >= MAX_CHARACTERS:
                break
    except Exception:
        # pypdf, lxml and zipfile raise many kinds of error on a damaged or encrypted file;
        # none of them should stop an upload or an index update.
        logger.warning("Could not extract the text of %s", filename, exc_info=True)
        return ""
    finally:
        file.seek(0)
    return "\n".join(parts)[:MAX_CHARACTERS].rstrip()


def document_kind_matches(file, *, filename: str) -> bool:
    """Whether the content of `file` is what its extension claims; True for extensions not checked here."""
    extension = Path(filename).suffix.lower()
    if extension not in (".pdf", *ZIP_MEMBERS):
        return True
    try:
        file.seek(0)
        head = file.read(len(PDF_MAGIC))
        if extension == ".pdf":
            return head == PDF_MAGIC
        if not head.startswith(ZIP_MAGIC):
            return False
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return ZIP_MEMBERS[extension] in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)
