"""The library side of the site's reference pages: amendments per document (with `kb import
--note`), a chapter's dates, print HTML and A4 PDF, the keyword section search, glossary
definitions quoted from the procedures and the contacts lines, on the fixture corpus."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from ingest.build import build_index
from ingest.changes import read_changelog
from kb.amendments import NOTES_FILE, document_amendments, read_notes
from kb.chapter import chapter_dates, chapter_html, chapter_pdf, search_sections
from kb.cli import main
from kb.reference import contact_lines, find_definitions
from kb.retrieval.glossary import Term
from kb.retrieval.index import load_index
from tests.maintain_helpers import corpus_copy

CHAPTER = """# Private fostering

## 1. Definition

A private fostering arrangement is one made privately for the care of a child under 16 by
someone other than a close relative for 28 days or more.

## 2. Notification

The local authority must be told within 48 hours. Telephone the front door:
Tel: 01234 567890
"""


def test_import_note_becomes_the_summary_of_the_amendment_with_sections_and_word_diff(
    tmp_path, monkeypatch, capsys
):
    settings = corpus_copy(tmp_path)
    monkeypatch.setenv("KB_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("KB_INDEX_DIR", str(settings.index_dir))
    source = tmp_path / "private-fostering.md"
    source.write_text(CHAPTER, encoding="utf-8")
    assert main(["import", str(source), "--area", "testshire", "--published", "2024-01"]) == 0
    build_index(settings)
    changed = CHAPTER.replace("within 48 hours", "within 24 hours") + "\n## 3. Review\n\nReviewed yearly.\n"
    source.write_text(changed, encoding="utf-8")
    note = "Notification now within 24 hours; new Review section"
    assert main(["import", str(source), "--area", "testshire", "--published", "2024-06", "--note", note]) == 0
    capsys.readouterr()
    build_index(settings)

    notes = read_notes(settings.corpus_dir)
    assert [n["note"] for n in notes] == [note]
    assert (
        json.loads((settings.corpus_dir / NOTES_FILE).read_text().splitlines()[0])["doc_id"]
        == notes[0]["doc_id"]
    )
    amendments = document_amendments(read_changelog(settings.index_dir), notes)[notes[0]["doc_id"]]
    latest, first = amendments[0], amendments[-1]
    assert first.event == "first published" and not first.note
    assert latest.note == note and latest.event == "amended"
    assert [s.heading for s in latest.added] == ["3. Review"]
    edits = [op for s in latest.changed for op in s.diff]
    assert {"op": "replace", "old": "48", "new": "24"} in edits
    assert latest.date == read_changelog(settings.index_dir)[-1]["at"][:10]
    assert "section" in latest.summary and "added" in latest.summary


def test_a_note_without_a_following_build_stands_alone():
    notes = [
        {"doc_id": "ts-x", "at": "2030-01-01T00:00:00Z", "after_build": "b1", "note": "Withdrawn for review"}
    ]
    amendments = document_amendments([], notes, {"ts-x": "X"})
    assert [(a.event, a.note, a.date) for a in amendments["ts-x"]] == [
        ("noted", "Withdrawn for review", "2030-01-01")
    ]


@pytest.fixture(scope="module")
def fixture_index(fixture_settings):
    return load_index(fixture_settings.index_dir)


def test_chapter_page_has_dates_status_text_and_citation(fixture_index):
    doc = fixture_index.documents["ts-forced-marriage"]
    page = chapter_html(doc)
    assert doc.title in page and "Cite as:" in page and "<h2>" in page
    assert any(d.startswith(("Updated", "Published", "Review by")) for d in chapter_dates(doc))
    assert "corpus/" not in page


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_chapter_pdf_is_a4_and_holds_the_chapter_text(fixture_index, tmp_path):
    pytest.importorskip("pymupdf")
    doc = fixture_index.documents["ts-forced-marriage"]
    pdf = tmp_path / "chapter.pdf"
    pdf.write_bytes(chapter_pdf(doc))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595 x 842 pts" in info
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split()
    )
    body = [p for p in fixture_index.passages if p.doc_id == doc.id][0]
    sentence = next(line for line in body.text.split("\n") if len(line.split()) > 6)
    assert " ".join(sentence.split()[:8]) in text


def test_section_search_lists_every_section_with_all_the_words(fixture_index):
    passages, documents = fixture_index.passages, fixture_index.documents
    matches = search_sections("forced marriage", passages, documents)
    expected = {
        (p.doc_id, p.section_slug)
        for p in passages
        if "forced" in p.text.lower() and "marriage" in p.text.lower()
    }
    assert {(m.doc_id, m.section_slug) for m in matches} == expected and matches
    assert all(len(m.heading_path) >= 1 and m.count >= 2 for m in matches)
    assert search_sections("zzqx nothing", passages, documents) == []


def test_glossary_definition_is_the_procedures_defining_sentence(fixture_index):
    terms = [Term("FM", "Forced Marriage"), Term("ZZQ", "Nothing defined here")]
    found = find_definitions(terms, fixture_index.passages, fixture_index.documents)
    assert "ZZQ" not in found
    definition = found["FM"]
    assert definition.text.lower().startswith("a forced marriage is") or definition.text.lower().startswith(
        "forced marriage"
    )
    passage = next(p for p in fixture_index.passages if p.id == definition.passage_id)
    assert definition.text in " ".join(passage.text.split())
    assert definition.citation.startswith("Testshire SCP procedures, Forced marriage")


def test_contact_lines_quote_each_numbered_line_with_its_source(tmp_path):
    settings = corpus_copy(tmp_path)
    (settings.corpus_dir / "testshire" / "ts-pf.md").write_text(
        "---\nid: ts-pf\ntitle: Private fostering\narea: cambridgeshire-peterborough\ntype: procedure\n"
        "status: current\norigin:\n  file: x.txt\n  line_start: 1\n  line_end: 9\n---\n" + CHAPTER,
        encoding="utf-8",
    )
    build_index(settings)
    index = load_index(settings.index_dir)
    lines = contact_lines("cambridgeshire-peterborough", index.passages, index.documents)
    line = next(c for c in lines if "01234 567890" in c.text)
    assert "front door" in line.text  # a bare 'Tel:' line says whose number it is
    assert line.citation.startswith("Private fostering") and line.doc_id == "ts-pf"
