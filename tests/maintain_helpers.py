"""Small real source files for the import/re-ingest tests, generated into tmp_path (nothing big
is committed): a copy of the fixture corpus, Word, PowerPoint and PDF files."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from kb.config import Settings

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"

MANUAL_TXT = """Testshire Manual

Neglect
1. Introduction
Neglect is the persistent failure to meet a child's basic physical and psychological needs.
2. Recognition
Practitioners should look for poor hygiene, hunger, missed health appointments and a home that is unsafe.
Self harm
1. Definition
Self harm is any act of self-poisoning or self-injury carried out by a person, irrespective of motivation.
2. Response
Refer the young person to the emotional health service and make sure they are safe tonight.
"""


def corpus_copy(tmp_path: Path) -> Settings:
    """A writable copy of the fixture corpus with its own index folder."""
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index", seeds_dir=corpus)


def make_docx(path: Path, title: str = "Private fostering", body: str = "") -> Path:
    import docx

    document = docx.Document()
    document.add_heading(title, 1)
    document.add_heading("1. Definition", 2)
    document.add_paragraph(
        body
        or "A privately fostered child is under 16 and cared for by someone who is not a close relative "
        "for 28 days or more."
    )
    document.add_heading("2. Notification", 2)
    document.add_paragraph("Carers must notify the local authority.", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Private fostering team"
    table.rows[0].cells[1].text = "01234 100200"
    document.save(str(path))
    return path


def make_pptx(path: Path) -> Path:
    from pptx import Presentation

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Early help"
    slide.placeholders[1].text = "Early help means providing support as soon as a problem emerges."
    deck.save(str(path))
    return path


def make_pdf(path: Path, lines: list[str] | None) -> Path:
    """A one-page PDF; `lines` are written as a text layer, None gives a page with no text
    (what a scan without OCR looks like to a text extractor)."""
    content = b""
    if lines:
        parts = [b"BT /F1 12 Tf 72 720 Td 14 TL"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            parts.append(f"({escaped}) Tj T*".encode("latin-1"))
        parts.append(b"ET")
        content = b"\n".join(parts)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def make_fake_docx(path: Path) -> Path:
    """A .docx that is really a zip of something else (a couple of CSV files)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data/people.csv", "name,age\nA,1\n")
        archive.writestr("README.txt", "not a Word document")
    return path


def corpus_doc(
    doc_id: str, title: str, body: str, area: str = "testshire", status: str = "current", **meta: str
) -> str:
    """A corpus file's text in the reviewed format."""
    extra = "".join(f"{key}: '{value}'\n" for key, value in meta.items())
    return (
        f"---\nid: {doc_id}\ntitle: {title}\narea: {area}\ntype: procedure\nstatus: {status}\n"
        f"{extra}---\n# {title}\n\n{body}\n"
    )
