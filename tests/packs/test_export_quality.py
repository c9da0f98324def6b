"""What a trainer sees in the exports: slides split at sentence ends with "(continued)" titles,
a readable footer of at least 12 pt, right plurals, sources and notes without paths or ids, and
a handout with real Word headings and bullets on A4. Both files are rendered with LibreOffice
and read back (pdftotext, pdfinfo)."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document as read_docx
from pptx import Presentation

from kb.packs.export_docx import export_docx
from kb.packs.export_pptx import BODY_CHARS, BODY_LINES, export_pptx
from kb.packs.layout import rejoin, split_evenly
from kb.packs.model import ScenarioItem
from kb.packs.resolve import resolve_pack
from kb.packs.store import PackStore, passage_items
from kb.text import words
from tests.packs_helpers import ASSESSMENT, build, load, make_corpus

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "exports"
SENTENCES = [
    "Practitioners should record what the child said in the child's own words",
    "Concerns about a parent who is unable to keep a baby safe within the home may occur at any time",
    "A strategy discussion is held when there is reasonable cause to suspect significant harm",
    "The designated safeguarding lead must be told the same day",
    "Where the family has moved, the new local authority is told without delay and the records follow",
]
PROSE_DOC = """---
id: ts-home-visits
title: Home visits
collection: Testshire SCP procedures
area: cambridgeshire-peterborough
type: procedure
updated: '2021-03-01'
status: current
origin:
  file: testshire-manual.txt
  line_start: 70
  line_end: 90
---
# Home visits

## 2. What to record

{paragraphs}
"""


def _prose(paragraphs: int = 5, per: int = 7) -> str:
    out = []
    for p in range(paragraphs):
        out.append(" ".join(f"{SENTENCES[(p + i) % len(SENTENCES)]} (note {p}.{i})." for i in range(per)))
    return "\n\n".join(out)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("export-quality")
    corpus = make_corpus(root)
    (corpus / "testshire" / "ts-home-visits.md").write_text(
        PROSE_DOC.format(paragraphs=_prose()), encoding="utf-8"
    )
    settings = build(root)
    index = load(settings)
    prose_ids = sorted(p.id for p in index.passages if p.doc_id == "ts-home-visits")
    assert len(prose_ids) >= 2  # one section, several passages: the later ones are "(continued)"
    ids = ["ts-forced-marriage/1-definition/1", *prose_ids, "ts-old-thresholds/5-indicators-of-need/1"]
    store = PackStore(settings.packs_dir)
    store.create("quality", "Home visits")
    store.add_items("quality", passage_items(index, ids))
    store.add_items("quality", [ScenarioItem("Sam, 9, has bruises he will not explain.", ASSESSMENT)])
    resolved = resolve_pack(store.load("quality"), index)
    pptx, docx = root / "quality.pptx", root / "quality.docx"
    export_pptx(resolved, pptx)
    docx.write_bytes(export_docx(resolved))
    return resolved, index, pptx, docx


def _texts(slide) -> dict[str, str]:
    return {sh.name: sh.text_frame.text for sh in slide.shapes if sh.has_text_frame}


def _all_text(slide) -> str:
    return "\n".join(_texts(slide).values())


def test_slides_split_only_at_paragraph_or_sentence_ends():
    text = _prose(3, 12)
    pieces = split_evenly(text, BODY_LINES, BODY_CHARS)
    assert len(pieces) >= 2 and rejoin(pieces) == text
    for piece in pieces[:-1]:
        assert piece.joiner.startswith("\n") or re.search(r"[.?!][)\"']*$", piece.text), piece.text[-40:]
        assert not piece.mid_sentence


def test_a_sentence_longer_than_a_slide_is_the_only_thing_cut_inside_a_sentence():
    text = "word " * 1500 + "end."
    pieces = split_evenly(text, BODY_LINES, BODY_CHARS)
    assert rejoin(pieces) == text and all(p.mid_sentence for p in pieces[:-1])


def test_no_passage_slide_ends_mid_sentence_in_the_deck(exported):
    _, _, pptx, _ = exported
    bodies = [
        _texts(slide)["passage-text"].strip()
        for slide in Presentation(str(pptx)).slides
        if "What to record" in _all_text(slide)
    ]
    assert len(bodies) >= 2
    for body in bodies:  # the prose: each slide ends where a sentence ends
        assert re.search(r"[.?!][)\"']*$", body), body[-60:]


def test_no_two_slides_share_a_title_and_later_ones_say_continued(exported):
    resolved, _, pptx, _ = exported
    prs = Presentation(str(pptx))
    titles = [next(iter(_texts(s).values())) for s in prs.slides]
    passage_titles = [t for t in titles if "What to record" in t]
    assert passage_titles[0] == "2. What to record" and len(passage_titles) >= 2
    assert all(t == "2. What to record (continued)" for t in passage_titles[1:])
    assert len(titles) == len(set(titles)) + len(passage_titles) - 2  # only the continued ones repeat


def test_footer_is_at_least_12_pt_on_every_slide(exported):
    _, _, pptx, _ = exported
    sizes = [
        run.font.size.pt
        for slide in Presentation(str(pptx)).slides
        for shape in slide.shapes
        if shape.name == "citation"
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    ]
    assert sizes and min(sizes) >= 12


def test_title_slide_counts_in_the_right_plural(exported):
    _, _, pptx, _ = exported
    title = _all_text(Presentation(str(pptx)).slides[0])
    assert "1 case scenario" in title and "1 case scenarios" not in title
    assert re.search(r"\b\d+ passages quoted verbatim", title)


def test_sources_and_notes_hold_no_paths_ids_or_build_ids(exported):
    resolved, index, pptx, _ = exported
    prs = Presentation(str(pptx))
    ids = [p.item.passage_id for p in resolved.passages]
    for slide in prs.slides:
        shown = _all_text(slide) + "\n" + slide.notes_slide.notes_text_frame.text
        assert "corpus/" not in shown and ".md" not in shown and "Passage id" not in shown
        assert resolved.build_id not in shown and "index build" not in shown
        assert not any(pid in shown for pid in ids)
        assert "ts-" not in shown  # no document ids (e.g. 'superseded by ts-…')
    sources = _all_text(prs.slides[-1])
    for doc_id in {p.passage.doc_id for p in resolved.passages}:
        doc = index.documents[doc_id]
        assert doc.title in sources and (doc.date or "undated") in sources
    assert "SUPERSEDED" in sources and "current" in sources


def test_handout_uses_word_headings_and_bullets_with_no_markdown_or_gaps(exported):
    resolved, index, _, docx = exported
    document = read_docx(BytesIO(docx.read_bytes()))
    paragraphs = document.paragraphs
    assert not [p.text for p in paragraphs if re.match(r"\s*(#{1,6}\s|[-*+]\s)", p.text)]
    assert not [i for i, p in enumerate(paragraphs) if not p.text.strip()]  # no blank paragraphs
    styles = {p.style.name for p in paragraphs}
    assert {"Heading 2", "Heading 3", "List Bullet"} <= styles
    bullets = [p.text for p in paragraphs if p.style.name.startswith("List Bullet")]
    assert any(t.startswith("Indicator") for t in bullets) or any("forced" in t.lower() for t in bullets)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    text = "\n".join(p.text for p in paragraphs)
    assert "index build" not in text and "corpus/" not in text


def _pdf(path: Path, out: Path) -> Path:
    profile = out / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pdf = out / (path.stem + ".pdf")
    assert pdf.is_file(), f"LibreOffice did not convert {path.name} (is libreoffice-writer installed?)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / f"{path.stem}-{path.suffix[1:]}.pdf")
    return pdf


def _page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert match, info
    return float(match.group(1)), float(match.group(2))


def _pdftext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


needs_office = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("soffice", "pdftotext", "pdfinfo")),
    reason="needs LibreOffice (impress + writer) and poppler-utils: scripts/install-system-deps.sh",
)


@pytest.mark.slow
@needs_office
def test_handout_renders_on_a4_with_every_passage_word_and_no_markdown(exported, tmp_path):
    resolved, _, _, docx = exported
    pdf = _pdf(docx, tmp_path)
    width, height = _page_size(pdf)
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4, not US Letter (612 x 792)
    text = _pdftext(pdf)
    for entry in resolved.passages:
        shown = " ".join(words(text))
        assert " ".join(words(entry.text)) in shown, entry.item.passage_id
    assert "## " not in text and "\n- " not in text and "index build" not in text


@pytest.mark.slow
@needs_office
def test_deck_renders_widescreen_with_the_passages_and_readable_sources(exported, tmp_path):
    resolved, _, pptx, _ = exported
    pdf = _pdf(pptx, tmp_path)
    width, height = _page_size(pdf)
    assert (round(width), round(height)) == (960, 540)  # 13.333 x 7.5 in
    text = _pdftext(pdf)
    shown = " ".join(words(text))
    for entry in resolved.passages:
        assert " ".join(words(entry.text)[:12]) in shown, entry.item.passage_id
    assert "1 case scenario" in text and "(continued)" in text
    assert "corpus/" not in text and "index build" not in text
