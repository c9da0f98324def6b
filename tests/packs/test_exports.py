"""Exports read back with python-pptx / python-docx: every passage's words on its slides (across
continuation slides), every citation, the notes; and (slow) the deck rendered by LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as read_docx
from pptx import Presentation

from kb.citation import cite
from kb.packs.export_docx import export_docx
from kb.packs.export_md import render_markdown
from kb.packs.export_pptx import BODY_CHARS, BODY_LINES, export_pptx
from kb.packs.layout import display_line, split_evenly
from kb.packs.model import ScenarioItem
from kb.packs.resolve import resolve_pack
from kb.packs.store import PackStore, passage_items
from kb.text import words
from tests.packs_helpers import ASSESSMENT, build, load, make_corpus

LONG = "ts-missing-from-home/3-risk-indicators/2"
IDS = [
    "ts-forced-marriage/1-definition/1",
    LONG,
    "ts-old-thresholds/5-indicators-of-need/1",
    "ts-gangs/1-definition/1",
]
SCENARIO = "Amira, 15, tells her teacher her parents are taking her abroad to marry a man she has never met."


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    root = tmp_path_factory.mktemp("exports")
    make_corpus(root)
    settings = build(root)
    index = load(settings)
    store = PackStore(settings.packs_dir)
    store.create("demo", "Forced marriage and going missing")
    store.add_heading("demo", "Definitions")
    store.add_items("demo", passage_items(index, IDS[:1], "Ask: arranged or forced?"))
    store.add_items("demo", passage_items(index, IDS[1:]))
    store.add_items("demo", [ScenarioItem(SCENARIO, ASSESSMENT, note="Give them five minutes")])
    resolved = resolve_pack(store.load("demo"), index)
    path = root / "demo.pptx"
    export_pptx(resolved, path)
    return resolved, index, path


def _slides_of(prs, resolved, passage_id):
    """A passage's slides: those whose footer is its source line (the fixture's are distinct)."""
    entry = next(p for p in resolved.passages if p.item.passage_id == passage_id)
    return [
        s
        for s in prs.slides
        if any(sh.name == "citation" and sh.text_frame.text.startswith(entry.source_line) for sh in s.shapes)
    ]


def _shape(slide, name):
    return next(sh for sh in slide.shapes if sh.name == name)


def test_slide_count_is_title_heading_passage_pieces_scenario_sources(deck):
    resolved, _, path = deck
    prs = Presentation(str(path))
    pieces = {p.item.passage_id: len(split_evenly(p.text, BODY_LINES, BODY_CHARS)) for p in resolved.passages}
    assert pieces[LONG] >= 2  # the long list really is continued
    assert len(prs.slides) == 1 + 1 + sum(pieces.values()) + 1 + 1
    for passage_id, count in pieces.items():
        assert len(_slides_of(prs, resolved, passage_id)) == count


def test_every_passage_is_on_its_slides_word_for_word_with_its_citation(deck):
    resolved, index, path = deck
    prs = Presentation(str(path))
    for passage_id in IDS:
        passage = index.passages[index.position[passage_id]]
        slides = _slides_of(prs, resolved, passage_id)
        shown = "\n".join(_shape(s, "passage-text").text_frame.text for s in slides)
        assert words(shown) == words(passage.text), passage_id
        doc = index.documents[passage.doc_id]
        footer = _shape(slides[0], "citation").text_frame.text
        assert footer.startswith(f"{doc.collection}, {doc.title}" if doc.collection else doc.title)
        assert passage.heading_path[-1] in footer and (doc.date or "undated") in footer
    superseded = _slides_of(prs, resolved, "ts-old-thresholds/5-indicators-of-need/1")[0]
    assert "SUPERSEDED" in _shape(superseded, "citation").text_frame.text


def test_trainer_notes_and_scenario_discussion_are_speaker_notes(deck):
    resolved, _, path = deck
    prs = Presentation(str(path))
    first = _slides_of(prs, resolved, IDS[0])[0]
    assert "Ask: arranged or forced?" in first.notes_slide.notes_text_frame.text
    scenario = next(
        s for s in prs.slides if any(SCENARIO in sh.text_frame.text for sh in s.shapes if sh.has_text_frame)
    )
    on_slide = " ".join(sh.text_frame.text for sh in scenario.shapes if sh.has_text_frame)
    assert "What level of need" in on_slide and "Level 4" not in on_slide  # the answer is not given away
    notes = scenario.notes_slide.notes_text_frame.text
    assert "Suggested level: 4 (Specialist Needs and Safeguarding)" in notes
    assert "Child may have been abused or neglected" in notes and "Testshire threshold framework" in notes
    assert "thresholds.txt" not in notes  # no seed file names in the notes
    assert "professional judgement" in notes and "Give them five minutes" in notes


def test_sources_slide_lists_every_document_with_date_and_status(deck):
    resolved, index, path = deck
    prs = Presentation(str(path))
    sources = " ".join(sh.text_frame.text for sh in prs.slides[-1].shapes if sh.has_text_frame)
    for doc_id in {p.split("/")[0] for p in IDS}:
        doc = index.documents[doc_id]
        line = next(s.line() for s in resolved.sources if s.path == doc.source)
        assert line in sources and doc.title in line
        assert (doc.date or "undated") in line and doc.status.lower() in line.lower()
    assert "Testshire threshold framework" in sources
    assert "corpus/" not in sources and ".md" not in sources and "build" not in sources.lower()


def _docx_passage_lines(text: str) -> list[str]:
    return [display_line(line).text for line in text.split("\n") if line.strip()]


def test_docx_handout_has_headings_passages_citations_and_sources(deck):
    resolved, index, _ = deck
    from io import BytesIO

    document = read_docx(BytesIO(export_docx(resolved)))
    text = "\n".join(p.text for p in document.paragraphs)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[:2] == ["Forced marriage and going missing", "Definitions"] and "Sources" in headings
    for passage_id in IDS:
        passage = index.passages[index.position[passage_id]]
        assert words(passage.text) == words("\n".join(_docx_passage_lines(passage.text)))
        assert all(line in text for line in _docx_passage_lines(passage.text))  # every line, exactly
        entry = next(p for p in resolved.passages if p.item.passage_id == passage_id)
        assert entry.source_line in text
    assert SCENARIO in text and "Give them five minutes" not in text  # trainer notes stay out
    with_notes = read_docx(BytesIO(export_docx(resolved, include_notes=True)))
    assert "Trainer notes: Ask: arranged or forced?" in "\n".join(p.text for p in with_notes.paragraphs)


def test_markdown_quotes_passages_exactly_with_citations(deck):
    resolved, index, _ = deck
    markdown = render_markdown(resolved)
    for passage_id in IDS:
        passage = index.passages[index.position[passage_id]]
        quoted = "\n".join(f"> {line}" if line else ">" for line in passage.text.split("\n"))
        assert quoted in markdown
        assert cite(index.documents[passage.doc_id], passage) in markdown


@pytest.mark.slow
@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="needs libreoffice-impress + poppler"
)
def test_deck_renders_with_libreoffice_to_non_blank_pages(deck, tmp_path):
    from PIL import Image, ImageStat

    _, _, path = deck
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "demo.pdf"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "slide")], check=True, timeout=120
    )
    pngs = sorted(tmp_path.glob("slide-*.png"))
    assert len(pngs) == len(Presentation(str(path)).slides)
    for png in pngs:
        image = Image.open(png).convert("L")
        assert image.width > image.height  # widescreen
        assert ImageStat.Stat(image).stddev[0] > 5, f"{png.name} is blank"
    out = Path(__file__).parents[2] / "test-artifacts" / "pack-slides"
    out.mkdir(parents=True, exist_ok=True)
    for png in pngs:
        shutil.copy(png, out / png.name)
