"""Slides for a session (python-pptx): title, one slide per passage (continued when long),
scenario slides with the discussion in the speaker notes, and a sources slide.

Passage text is the source's own, never shortened: a passage longer than a slide holds is
split at paragraph or sentence ends across "(continued)" slides (kb.packs.layout). Source lines
come from the ResolvedPack (titles, dates, status); ids and paths stay out of slides and notes.
"""

from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.util import Emu, Inches, Pt

from kb.packs.discussion import QUESTION, SAFETY_LINE, counted, discussion_lines, generated_on
from kb.packs.layout import display_line, split_evenly
from kb.packs.model import HeadingItem, ScenarioItem
from kb.packs.resolve import CHANGED, MISSING, ResolvedPack, ResolvedPassage

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
BODY_PT = 18
GAP_PT = 9  # blank lines between paragraphs: a half-height gap
# Capacity of the body box at BODY_PT, measured by rendering with LibreOffice (kept on the safe side).
BODY_LINES = 15
BODY_CHARS = 88
SOURCES_PER_SLIDE = 9

INK = RGBColor(0x1F, 0x29, 0x37)
MUTED = RGBColor(0x55, 0x5F, 0x6D)
ACCENT = RGBColor(0x1D, 0x4E, 0x89)
WARN = RGBColor(0xB0, 0x1E, 0x1E)
BLANK_LAYOUT = 6


def _text_box(
    slide,
    left,
    top,
    width,
    height,
    text: str,
    size: int,
    *,
    bold=False,
    color=INK,
    anchor=MSO_ANCHOR.TOP,
    italic=False,
):
    """A word-wrapped box with `text` as one paragraph per line (so read-back gives the lines)."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = anchor
    for side in ("margin_left", "margin_right"):
        setattr(frame, side, Inches(0.05))
    for n, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        font = run.font
        font.size, font.bold, font.italic = Pt(size), bold, italic
        font.color.rgb = color
    return box


def _verbatim_box(slide, left, top, width, height, text: str):
    """Passage text, one paragraph a line; Markdown heading and list markers become bold / bullets."""
    box = slide.shapes.add_textbox(left, top, width, height)
    box.name = "passage-text"
    frame = box.text_frame
    frame.word_wrap, frame.auto_size = True, MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = Inches(0.05)
    for n, line in enumerate(text.split("\n")):
        shown = display_line(line)
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        if shown.bullet:
            paragraph.level = min(shown.indent, 4)
        run = paragraph.add_run()
        run.text = ("\u2022 " if shown.bullet else "") + shown.text
        font = run.font
        font.size, font.bold = Pt(BODY_PT if shown.text.strip() else GAP_PT), shown.heading
        font.color.rgb = ACCENT if shown.heading else INK
    return box


BAR_WIDTH = Inches(0.08)


def _bar(slide, top, height, color=ACCENT, width=BAR_WIDTH):
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, top, width, height)
    shape.fill.solid()
    shape.fill.fore_color.rgb = color
    shape.line.fill.background()
    return shape


def _slide(prs, notes: str = ""):
    slide = prs.slides.add_slide(prs.slide_layouts[BLANK_LAYOUT])
    if notes.strip():
        slide.notes_slide.notes_text_frame.text = notes
    return slide


def _title(slide, title: str, subtitle: str = "") -> None:
    _text_box(
        slide,
        MARGIN,
        Inches(0.35),
        WIDTH - 2 * MARGIN,
        Inches(0.8),
        title,
        28,
        bold=True,
        color=ACCENT,
        anchor=MSO_ANCHOR.BOTTOM,
    )
    if subtitle:
        _text_box(slide, MARGIN, Inches(1.15), WIDTH - 2 * MARGIN, Inches(0.4), subtitle, 14, color=MUTED)


def _footer(slide, text: str, color=MUTED) -> None:
    """The citation line (or the safety line): 12 pt under a rule, named for read-back tests."""
    _bar(slide, Inches(6.55), Emu(12700), color=MUTED, width=WIDTH - 2 * MARGIN)
    _text_box(
        slide,
        MARGIN,
        Inches(6.6),
        WIDTH - 2 * MARGIN,
        Inches(0.75),
        text,
        12,
        color=color,
        anchor=MSO_ANCHOR.TOP,
    ).name = "citation"


def _title_slide(prs, resolved: ResolvedPack) -> None:
    pack = resolved.pack
    counts = [e.kind for e in resolved.entries]
    notes = [f"Pack '{pack.title}' exported {generated_on()}."]
    notes += [f"WARNING: {w}" for w in resolved.warnings]
    slide = _slide(prs, "\n".join(notes))
    _bar(slide, Inches(2.4), Inches(2.0), width=Inches(0.12))
    _text_box(
        slide,
        MARGIN + Inches(0.35),
        Inches(2.3),
        WIDTH - 2 * MARGIN,
        Inches(1.3),
        pack.title,
        40,
        bold=True,
        color=ACCENT,
        anchor=MSO_ANCHOR.BOTTOM,
    )
    _text_box(
        slide,
        MARGIN + Inches(0.35),
        Inches(3.65),
        WIDTH - 2 * MARGIN,
        Inches(0.9),
        f"Multi-agency safeguarding session - {generated_on()}\n"
        f"{counted(counts.count('passage'), 'passage')} quoted verbatim, "
        f"{counted(counts.count('scenario'), 'case scenario')}",
        18,
        color=MUTED,
    )
    _footer(slide, "Passages are quoted verbatim from the procedures, with their sources. " + SAFETY_LINE)


def _heading_slide(prs, item: HeadingItem) -> None:
    slide = _slide(prs)
    _bar(slide, Inches(3.0), Inches(1.2), width=Inches(0.12))
    _text_box(
        slide,
        MARGIN + Inches(0.35),
        Inches(2.9),
        WIDTH - 2 * MARGIN - Inches(0.35),
        Inches(1.4),
        item.text,
        36,
        bold=True,
        color=ACCENT,
        anchor=MSO_ANCHOR.MIDDLE,
    )


def _passage_notes(entry: ResolvedPassage) -> str:
    lines = []
    if entry.status == CHANGED:
        lines.append("CHANGED since pinned: this slide shows the current text. Text when pinned:")
        lines.append(entry.item.text)
    if entry.status == MISSING:
        lines.append(
            "NO LONGER IN THE INDEX: this slide shows the text as pinned; check the current procedure."
        )
    if entry.note:
        lines.append(entry.note)
    lines.append(f"Source: {entry.source_line or entry.citation}")
    return "\n".join(lines)


def _passage_slides(prs, entry: ResolvedPassage, follows_same_section: bool = False) -> None:
    """One slide per piece; later pieces, and a passage that goes on from the previous one's
    section, are titled "(continued)" so no two slides share a bare title."""
    heading = entry.passage.heading_path if entry.passage else ()
    title = heading[-1] if heading else entry.citation
    document = heading[0] if len(heading) > 1 else ""
    pieces = split_evenly(entry.text, BODY_LINES, BODY_CHARS)
    flags = {CHANGED: "  [CHANGED since pinned]", MISSING: "  [NO LONGER IN THE INDEX: text as pinned]"}
    superseded = entry.document is not None and entry.document.superseded
    footer_color = (
        WARN if entry.status != "current" or superseded or "[SUPERSEDED" in entry.citation else MUTED
    )
    for n, piece in enumerate(pieces, start=1):
        slide = _slide(prs, _passage_notes(entry))
        more = " (continued)" if n > 1 or follows_same_section else ""
        subtitle = document + (f" - part {n} of {len(pieces)}" if len(pieces) > 1 else "")
        _title(slide, title + more, subtitle)
        _bar(slide, Inches(1.7), Inches(4.7))
        _verbatim_box(
            slide,
            MARGIN + Inches(0.25),
            Inches(1.65),
            WIDTH - 2 * MARGIN - Inches(0.25),
            Inches(4.8),
            piece.text,
        )
        _footer(
            slide, (entry.source_line or entry.citation) + flags.get(entry.status, ""), color=footer_color
        )


def _scenario_slides(prs, item: ScenarioItem, number: int) -> None:
    pieces = split_evenly(item.text, BODY_LINES - 3, BODY_CHARS)
    notes = "\n".join(discussion_lines(item))
    for n, piece in enumerate(pieces, start=1):
        slide = _slide(prs, notes)
        more = " (continued)" if n > 1 else ""
        _title(slide, f"Case scenario {number}{more}")
        _bar(slide, Inches(1.7), Inches(3.6), color=MUTED)
        _text_box(
            slide,
            MARGIN + Inches(0.25),
            Inches(1.65),
            WIDTH - 2 * MARGIN - Inches(0.25),
            Inches(3.7),
            piece.text,
            BODY_PT,
        )
        if n == len(pieces):
            _text_box(
                slide,
                MARGIN,
                Inches(5.55),
                WIDTH - 2 * MARGIN,
                Inches(0.8),
                QUESTION,
                22,
                bold=True,
                color=ACCENT,
            )
        _footer(slide, SAFETY_LINE)


def _sources_slides(prs, resolved: ResolvedPack) -> None:
    lines = [s.line() for s in resolved.sources] or ["(no sources: this pack has no passages yet)"]
    chunks = [lines[i : i + SOURCES_PER_SLIDE] for i in range(0, len(lines), SOURCES_PER_SLIDE)]
    for n, chunk in enumerate(chunks, start=1):
        slide = _slide(prs)
        more = f" ({n}/{len(chunks)})" if len(chunks) > 1 else ""
        _title(slide, f"Sources{more}", "Every document quoted in this session, with its date and status")
        _text_box(slide, MARGIN, Inches(1.7), WIDTH - 2 * MARGIN, Inches(4.8), "\n".join(chunk), 14)
        _footer(slide, f"Exported {generated_on()}. {SAFETY_LINE}")


def _same_section(previous, entry: ResolvedPassage) -> bool:
    """True when `entry` goes straight on from a passage of the same section (same title)."""
    if not isinstance(previous, ResolvedPassage) or previous.passage is None or entry.passage is None:
        return False
    same_doc = previous.passage.doc_id == entry.passage.doc_id
    return same_doc and previous.passage.heading_path == entry.passage.heading_path


def build_presentation(resolved: ResolvedPack) -> Presentation:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    _title_slide(prs, resolved)
    scenarios, previous = 0, None
    for entry in resolved.entries:
        if isinstance(entry, ResolvedPassage):
            _passage_slides(prs, entry, _same_section(previous, entry))
        elif isinstance(entry, ScenarioItem):
            scenarios += 1
            _scenario_slides(prs, entry, scenarios)
        elif isinstance(entry, HeadingItem):
            _heading_slide(prs, entry)
        previous = entry
    _sources_slides(prs, resolved)
    return prs


def export_pptx(resolved: ResolvedPack, path: Path | None = None) -> bytes:
    """The deck as bytes (for a download button), also written to `path` when given."""
    buffer = io.BytesIO()
    build_presentation(resolved).save(buffer)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data
