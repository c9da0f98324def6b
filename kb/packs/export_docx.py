"""A handout (python-docx): the pack's headings, passages verbatim with their citations,
the case scenarios, and a sources list. Trainer notes and the suggested levels are for the
trainer, so they appear only with include_notes=True.

A4, Word's own Heading / List Bullet / Quote styles: a passage's Markdown headings and list
markers become real headings and bullets (kb.packs.layout.display_line), blank lines become
paragraph spacing, and every word stays the source's.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as DocxDocument
from docx.shared import Cm, Mm, Pt, RGBColor

from kb.packs.discussion import QUESTION, SAFETY_LINE, discussion_lines, generated_on
from kb.packs.layout import display_line
from kb.packs.model import HeadingItem, ScenarioItem
from kb.packs.resolve import CHANGED, MISSING, ResolvedPack, ResolvedPassage

MUTED = RGBColor(0x55, 0x5F, 0x6D)
WARN = RGBColor(0xB0, 0x1E, 0x1E)


def _styled(document, text: str, *, italic=False, bold=False, color=None, size=None, style=None):
    paragraph = document.add_paragraph(style=style)
    run = paragraph.add_run(text)
    run.italic, run.bold = italic, bold
    if color is not None:
        run.font.color.rgb = color
    if size is not None:
        run.font.size = Pt(size)
    return paragraph


def _passage(document, entry: ResolvedPassage, include_notes: bool) -> None:
    heading = entry.passage.heading_path if entry.passage else ()
    document.add_heading(heading[-1] if heading else entry.item.passage_id, level=2)
    if entry.status == CHANGED:
        _styled(
            document,
            "Changed since it was added to the pack: this is the current text.",
            color=WARN,
            italic=True,
        )
    elif entry.status == MISSING:
        _styled(
            document,
            "No longer in the knowledge base: text as it was when added; check the current procedure.",
            color=WARN,
            italic=True,
        )
    _verbatim(document, entry.text)
    _styled(document, entry.source_line or entry.citation, italic=True, color=MUTED, size=10)
    if include_notes and entry.note:
        _styled(document, f"Trainer notes: {entry.note}", size=10)


def _scenario(document, item: ScenarioItem, number: int, include_notes: bool) -> None:
    document.add_heading(f"Case scenario {number}", level=2)
    for line in item.text.split("\n"):
        if line.strip():
            document.add_paragraph(line)
    _styled(document, QUESTION, bold=True)
    if include_notes:
        for line in discussion_lines(item):
            _styled(document, line, size=10, color=MUTED)


def _verbatim(document, text: str) -> None:
    """One paragraph a source line: '### x' -> Heading 3, '- x' -> List Bullet, blank -> nothing."""
    for line in text.split("\n"):
        shown = display_line(line)
        if not shown.text.strip():
            continue
        if shown.heading:
            document.add_heading(shown.text, level=3)
        elif shown.bullet:
            document.add_paragraph(shown.text, style="List Bullet 2" if shown.indent else "List Bullet")
        else:
            document.add_paragraph(shown.text, style="Quote")


def _a4(document) -> None:
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2)


def build_document(resolved: ResolvedPack, include_notes: bool = False):
    document = DocxDocument()
    _a4(document)
    document.add_heading(resolved.pack.title, level=0)
    _styled(document, f"Multi-agency safeguarding session handout - {generated_on()}", color=MUTED)
    _styled(
        document,
        "Passages are quoted verbatim from the procedures named beneath each one. " + SAFETY_LINE,
        italic=True,
        size=10,
    )
    scenarios = 0
    for entry in resolved.entries:
        if isinstance(entry, HeadingItem):
            document.add_heading(entry.text, level=1)
        elif isinstance(entry, ResolvedPassage):
            _passage(document, entry, include_notes)
        elif isinstance(entry, ScenarioItem):
            scenarios += 1
            _scenario(document, entry, scenarios, include_notes)
    document.add_heading("Sources", level=1)
    if not resolved.sources:
        document.add_paragraph("No sources: this pack has no passages yet.")
    for source in resolved.sources:
        document.add_paragraph(source.line(), style="List Bullet")
    _styled(document, f"Exported {generated_on()}.", size=10, color=MUTED)
    return document


def export_docx(resolved: ResolvedPack, path: Path | None = None, include_notes: bool = False) -> bytes:
    """The handout as bytes (for a download button), also written to `path` when given."""
    buffer = io.BytesIO()
    build_document(resolved, include_notes).save(buffer)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data
