"""`kb import`: every supported format becomes reviewed-format Markdown that loads and indexes."""

from __future__ import annotations

import json

import pytest

from ingest.build import build_index
from ingest.importer import ImportOptions, import_paths, plan_import
from kb.cli import main
from kb.corpus import load_corpus, load_document
from kb.retrieval.search import get_searcher
from tests.maintain_helpers import MANUAL_TXT, corpus_copy, make_docx, make_pdf, make_pptx

AREA = ImportOptions(area="testshire")


def test_plain_text_manual_splits_into_chapters_where_numbering_restarts(tmp_path):
    settings = corpus_copy(tmp_path)
    source = tmp_path / "testshire-manual.txt"
    source.write_text(MANUAL_TXT, encoding="utf-8")

    plan = plan_import(source, AREA, settings.corpus_dir)

    assert [d.id for d in plan.documents] == ["testshire-neglect", "testshire-self-harm"]
    neglect = plan.documents[0]
    assert neglect.sections == ("1. Introduction", "2. Recognition")
    assert "collection: Testshire Manual" in neglect.markdown
    assert (neglect.line_start, neglect.line_end) == (3, 7)
    assert any("no date" in note for note in plan.notes)


def test_imported_chapters_keep_every_source_line_and_point_at_the_kept_original(tmp_path):
    settings = corpus_copy(tmp_path)
    source = tmp_path / "testshire-manual.txt"
    source.write_text(MANUAL_TXT, encoding="utf-8")

    report = import_paths([source], AREA, settings.corpus_dir)

    assert report.errors == []
    kept = settings.corpus_dir / "_sources" / "testshire-manual.txt"
    assert kept.read_text(encoding="utf-8") == MANUAL_TXT
    docs = [
        load_document(settings.corpus_dir / "testshire" / f"{i}.md")
        for i in ("testshire-neglect", "testshire-self-harm")
    ]
    corpus_text = "\n".join("\n".join(d.lines[d.body_start - 1 :]) for d in docs)
    for line in MANUAL_TXT.splitlines()[2:]:
        assert line.strip() in corpus_text
    assert {d.origin.file for d in docs} == {"testshire-manual.txt"}


def test_docx_headings_lists_and_tables_become_markdown(tmp_path):
    settings = corpus_copy(tmp_path)
    source = make_docx(tmp_path / "private-fostering.docx")

    report = import_paths([source], ImportOptions(area="testshire", published="2024-03"), settings.corpus_dir)

    assert report.errors == []
    doc = load_document(settings.corpus_dir / "testshire" / "testshire-private-fostering.md")
    body = "\n".join(doc.lines)
    assert "# Private fostering" in body and "## 1. Definition" in body
    assert "- Carers must notify the local authority." in body
    assert "Private fostering team | 01234 100200" in body
    assert doc.published == "2024-03"
    assert doc.meta["origin"]["original"] == "private-fostering.docx"
    assert (settings.corpus_dir / "_sources" / "private-fostering.docx").is_file()
    assert (settings.corpus_dir / "_sources" / "private-fostering.docx.txt").is_file()


def test_pdf_html_and_pptx_import_with_their_own_titles(tmp_path):
    settings = corpus_copy(tmp_path)
    pdf = make_pdf(
        tmp_path / "domestic-abuse.pdf",
        ["Domestic abuse", "1. Definition", "Any incident of controlling behaviour."],
    )
    html = tmp_path / "gangs-update.html"
    html.write_text(
        "<html><body><h1>Knife crime</h1><h2>1. Risks</h2><p>Carrying a knife is a risk.</p></body></html>"
    )
    pptx = make_pptx(tmp_path / "early-help.pptx")

    report = import_paths([pdf, html, pptx], ImportOptions(area="testshire", title=""), settings.corpus_dir)

    assert report.errors == []
    titles = {d.title for d in load_corpus(settings.corpus_dir).documents if d.area == "testshire"}
    assert {"Domestic abuse", "Knife crime", "Early help"} <= titles


def test_an_imported_document_is_searchable_after_ingest(tmp_path):
    settings = corpus_copy(tmp_path)
    source = make_docx(tmp_path / "private-fostering.docx")
    import_paths([source], AREA, settings.corpus_dir)

    build_index(settings)
    hits = get_searcher(settings, with_encoder=False).index
    ids = {p.doc_id for p in hits.passages}

    assert "testshire-private-fostering" in ids
    record = next(
        p for p in hits.passages if p.doc_id == "testshire-private-fostering" and "28 days" in p.text
    )
    assert record.origin.file == "private-fostering.docx.txt"
    kept = (settings.corpus_dir / "_sources" / "private-fostering.docx.txt").read_text(encoding="utf-8")
    quoted = kept.split("\n")[record.origin.line_start - 1 : record.origin.line_end]
    assert any("28 days" in line for line in quoted)
    assert record.origin.line_end < len(kept.split("\n")) - 1  # a span, not the whole file


def test_cli_import_prints_what_it_wrote_and_what_needs_a_look(tmp_path, monkeypatch, capsys):
    settings = corpus_copy(tmp_path)
    monkeypatch.setenv("KB_CORPUS_DIR", str(settings.corpus_dir))
    source = tmp_path / "testshire-manual.txt"
    source.write_text(MANUAL_TXT, encoding="utf-8")

    code = main(["import", str(source), "--area", "testshire", "--json"])

    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert len(data["written"]) == 2 and data["errors"] == []
    assert any("no date" in note for note in data["notes"])


@pytest.mark.parametrize("title_option", ["", "Neglect (2024)"])
def test_title_option_names_a_single_document(tmp_path, title_option):
    settings = corpus_copy(tmp_path)
    source = tmp_path / "neglect.txt"
    source.write_text("Neglect is the persistent failure to meet a child's needs.\n", encoding="utf-8")

    plan = plan_import(source, ImportOptions(area="testshire", title=title_option), settings.corpus_dir)

    assert len(plan.documents) == 1
    assert plan.documents[0].title == (title_option or "Neglect")
    assert any("no headings" in note for note in plan.notes)
