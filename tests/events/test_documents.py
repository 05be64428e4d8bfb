"""Text extraction of event materials and the PDF writer behind demo content; no database needed."""

import io
import logging

import docx
import pptx
import pytest
from pptx.util import Inches
from pypdf import PdfReader, PdfWriter

from events import documents
from events.documents import EXTRACTABLE_EXTENSIONS, document_kind_matches, document_text_extract
from events.pdf import pdf_render

LONG_PARAGRAPH = "Ouders en kinderen ontmoeten elkaar wekelijks in het Huis van het Kind. " * 30


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Opvoedingsondersteuning   voor jonge\tgezinnen")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Gemeente"
    table.cell(0, 1).text = "Aanbod"
    table.cell(1, 0).text = "Geel"
    table.cell(1, 1).text = "Babymassage"
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def pptx_bytes() -> bytes:
    presentation = pptx.Presentation()
    layout = presentation.slide_layouts[5]  # title only
    first = presentation.slides.add_slide(layout)
    first.shapes.title.text = "Welkom in Turnhout"
    first.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1)).text_frame.text = "Programma van de dag"
    first.notes_slide.notes_text_frame.text = "Spreker: vergeet de koffiepauze niet"
    second = presentation.slides.add_slide(layout)
    second.shapes.title.text = "Workshops"
    group = second.shapes.add_group_shape()
    group.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1)).text_frame.text = "Voorlezen aan peuters"
    output = io.BytesIO()
    presentation.save(output)
    return output.getvalue()


def test_pdf_round_trip_keeps_dutch_letters():
    data = pdf_render(
        title="Gezinsondersteuning in de Kempen",
        paragraphs=["Na de sessie drinken we samen iets in het café.", "Eén keer per maand, één locatie (Geel)."],
    )

    text = document_text_extract(io.BytesIO(data), filename="verslag.PDF")

    assert "Gezinsondersteuning in de Kempen" in text
    assert "café" in text
    assert "één locatie (Geel)." in text
    assert PdfReader(io.BytesIO(data)).metadata.title == "Gezinsondersteuning in de Kempen"


def test_pdf_escapes_backslashes_and_parentheses():
    data = pdf_render(title="Titel (concept)", paragraphs=[r"Map C:\gedeeld\ouders (niet delen)"])

    text = document_text_extract(io.BytesIO(data), filename="map.pdf")

    assert r"Map C:\gedeeld\ouders (niet delen)" in text


def test_long_pdf_flows_to_more_pages_and_all_are_extracted():
    data = pdf_render(title="Jaarverslag", paragraphs=[LONG_PARAGRAPH, LONG_PARAGRAPH, "Slotwoord van de voorzitter."])

    assert len(PdfReader(io.BytesIO(data), strict=True).pages) >= 2
    text = document_text_extract(io.BytesIO(data), filename="jaarverslag.pdf")
    assert text.startswith("Jaarverslag")
    assert text.endswith("Slotwoord van de voorzitter.")


def test_pages_beyond_max_pages_are_not_read(monkeypatch):
    monkeypatch.setattr(documents, "MAX_PAGES", 1)
    data = pdf_render(title="Jaarverslag", paragraphs=[LONG_PARAGRAPH, LONG_PARAGRAPH, "Slotwoord van de voorzitter."])

    text = document_text_extract(io.BytesIO(data), filename="jaarverslag.pdf")

    assert text.startswith("Jaarverslag")
    assert "Slotwoord" not in text


def test_docx_paragraphs_and_table_cells_are_extracted_with_whitespace_collapsed():
    text = document_text_extract(io.BytesIO(docx_bytes()), filename="aanbod.docx")

    assert "Opvoedingsondersteuning voor jonge gezinnen" in text
    for word in ("Gemeente", "Aanbod", "Geel", "Babymassage"):
        assert word in text


def test_pptx_slides_text_boxes_groups_and_notes_are_extracted():
    text = document_text_extract(io.BytesIO(pptx_bytes()), filename="dia's.pptx")

    for words in (
        "Welkom in Turnhout",
        "Programma van de dag",
        "Spreker: vergeet de koffiepauze niet",
        "Workshops",
        "Voorlezen aan peuters",
    ):
        assert words in text


def test_damaged_pdf_gives_no_text_and_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="events.documents"):
        text = document_text_extract(io.BytesIO(b"%PDF-1.4 garbage"), filename="kapot.pdf")

    assert text == ""
    assert "kapot.pdf" in caplog.text


def test_damaged_docx_gives_no_text():
    assert document_text_extract(io.BytesIO(b"PK\x03\x04 not really a zip"), filename="kapot.docx") == ""


def encrypted_pdf(*, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_render(title="Vertrouwelijk verslag", paragraphs=["Inhoud"])))
    writer.encrypt(user_password=user_password, owner_password="eigenaar", algorithm="AES-128")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_pdf_locked_with_a_password_gives_no_text():
    assert document_text_extract(io.BytesIO(encrypted_pdf(user_password="geheim")), filename="slot.pdf") == ""


def test_pdf_with_only_an_owner_password_is_read():
    text = document_text_extract(io.BytesIO(encrypted_pdf(user_password="")), filename="beperkt.pdf")

    assert "Vertrouwelijk verslag" in text


def test_unknown_extension_gives_no_text():
    data = pdf_render(title="Toch een PDF", paragraphs=["Inhoud"])

    assert document_text_extract(io.BytesIO(data), filename="notities.txt") == ""
    assert document_text_extract(io.BytesIO(data), filename="zonder-extensie") == ""
    assert ".txt" not in EXTRACTABLE_EXTENSIONS


def test_text_is_cut_at_max_characters(monkeypatch):
    monkeypatch.setattr(documents, "MAX_CHARACTERS", 40)
    data = pdf_render(title="Gezinsondersteuning in de Kempen", paragraphs=[LONG_PARAGRAPH])

    text = document_text_extract(io.BytesIO(data), filename="lang.pdf")

    assert 0 < len(text) <= 40
    assert text.startswith("Gezinsondersteuning in de Kempen")


def test_extraction_leaves_the_file_at_its_start():
    file = io.BytesIO(docx_bytes())
    file.seek(10)

    assert "Babymassage" in document_text_extract(file, filename="aanbod.docx")
    assert file.tell() == 0


@pytest.mark.parametrize(
    ("content", "filename", "matches"),
    [
        (pdf_render(title="Echt", paragraphs=[]), "echt.pdf", True),
        (docx_bytes(), "echt.docx", True),
        (pptx_bytes(), "echt.pptx", True),
        (pdf_render(title="Hernoemd", paragraphs=[]), "hernoemd.docx", False),
        (docx_bytes(), "hernoemd.pptx", False),
        (pptx_bytes(), "hernoemd.docx", False),
        (docx_bytes(), "hernoemd.pdf", False),
        (b"PK\x03\x04 not really a zip", "kapot.docx", False),
        (b"", "leeg.pdf", False),
        (b"gewone tekst", "notities.txt", True),
    ],
)
def test_document_kind_matches_refuses_renamed_files(content, filename, matches):
    file = io.BytesIO(content)

    assert document_kind_matches(file, filename=filename) is matches
    assert file.tell() == 0


def test_an_archive_that_unpacks_too_large_is_not_read(monkeypatch):
    import io

    import docx as python_docx

    from events import documents

    word = python_docx.Document()
    word.add_paragraph("Gezinsondersteuning in de Kempen")
    buffer = io.BytesIO()
    word.save(buffer)
    assert "Kempen" in documents.document_text_extract(buffer, filename="verslag.docx")
    monkeypatch.setattr(documents, "MAX_UNPACKED_BYTES", 1000)
    assert documents.document_text_extract(buffer, filename="verslag.docx") == ""
