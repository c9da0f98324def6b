"""Bad input: each file gets an error naming it and the reason, the other files still import,
and the served index stays as it was until a complete build succeeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.build import BuildError, build_index
from ingest.importer import ImportOptions, import_paths, plan_import
from ingest.loaders import LoadError, safe_name
from kb.corpus import load_document
from kb.retrieval.index import load_index, read_pointer
from tests.maintain_helpers import corpus_copy, corpus_doc, make_fake_docx, make_pdf

AREA = ImportOptions(area="testshire")
GOOD = "Bruising\n\n1. Definition\nBruising in a baby who is not yet mobile must always be taken seriously.\n"


def _sparse_file(path: Path, size: int) -> Path:
    """A file of `size` bytes without writing them (the size check must not read it)."""
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


BAD_FILES = {
    "empty.txt": (lambda p: p.write_bytes(b""), "file is empty"),
    "photo.txt": (
        lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8),
        "binary",
    ),
    "huge.txt": (lambda p: _sparse_file(p, 50 * 2**20), "larger than the 20 MB limit"),
    "broken.md": (
        lambda p: p.write_text("---\nid: [unclosed\ntitle: x\n---\n# X\n\nText.\n"),
        "front matter",
    ),
    "open.md": (lambda p: p.write_text("---\nid: x\ntitle: X\n# X\n\nText.\n"), "not closed"),
    "sheet.xlsx": (lambda p: p.write_bytes(b"PK\x03\x04 spreadsheet"), "unsupported file type (.xlsx)"),
    "noext": (lambda p: p.write_text("Some text"), "unsupported file type (no extension)"),
    "scan.pdf": (lambda p: make_pdf(p, None), "no text layer"),
    "broken.pdf": (lambda p: p.write_bytes(b"%PDF-1.4\nthis is not really a pdf"), "PDF"),
    "archive.docx": (make_fake_docx, "not a Word (.docx) file"),
    "renamed.docx": (lambda p: p.write_text("plain text pretending to be Word"), "not a Word (.docx) file"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_is_refused_by_name_and_the_good_file_beside_it_imports(tmp_path, name):
    settings = corpus_copy(tmp_path)
    make, reason = BAD_FILES[name]
    bad = tmp_path / name
    make(bad)
    good = tmp_path / "bruising.txt"
    good.write_text(GOOD, encoding="utf-8")
    before = sorted(p.relative_to(settings.corpus_dir) for p in settings.corpus_dir.rglob("*"))

    report = import_paths([bad, good], AREA, settings.corpus_dir)

    assert len(report.errors) == 1
    assert name in report.errors[0] and reason in report.errors[0], report.errors
    assert report.written == [str(settings.corpus_dir / "testshire" / "testshire-bruising.md")]
    after = sorted(p.relative_to(settings.corpus_dir) for p in settings.corpus_dir.rglob("*"))
    new = set(after) - set(before)
    assert not any(name in str(p) for p in new), "nothing of the bad file is kept"


def test_windows_1252_text_imports_with_its_characters_and_a_note(tmp_path):
    settings = corpus_copy(tmp_path)
    source = tmp_path / "consent.txt"
    source.write_bytes("Consent\n\n1. Gillick\nA child’s view – “competent” – counts.\n".encode("cp1252"))

    report = import_paths([source], AREA, settings.corpus_dir)

    assert report.errors == []
    assert any("consent.txt" in n and "cp1252" in n for n in report.notes)
    text = (settings.corpus_dir / "testshire" / "testshire-consent.md").read_text(encoding="utf-8")
    assert "A child’s view – “competent” – counts." in text


def test_latin_1_bytes_that_are_not_windows_1252_still_decode(tmp_path):
    settings = corpus_copy(tmp_path)
    source = tmp_path / "cafe.txt"
    source.write_bytes("Café\n\n1. Scope\nA note \x81 about the café.\n".encode("latin-1"))

    report = import_paths([source], AREA, settings.corpus_dir)

    assert report.errors == [] and any("latin-1" in n for n in report.notes)


def test_a_document_with_no_headings_imports_as_one_section_with_a_warning(tmp_path):
    settings = corpus_copy(tmp_path)
    source = tmp_path / "note.txt"
    source.write_text("all staff must read this note about lanyards and visitors at reception.\n")

    report = import_paths([source], ImportOptions(area="testshire", title="Visitors"), settings.corpus_dir)

    assert report.errors == []
    assert any("note.txt" in n and "no headings" in n for n in report.notes)
    doc = load_document(settings.corpus_dir / "testshire" / "testshire-visitors.md")
    assert doc.lines[doc.body_start - 1] == "# Visitors"


def test_two_files_claiming_one_id_the_second_is_refused(tmp_path):
    settings = corpus_copy(tmp_path)
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text(corpus_doc("ts-lanyards", "Lanyards", "## 1. Rule\n\nWear one."))
    second.write_text(corpus_doc("ts-lanyards", "Lanyards again", "## 1. Rule\n\nWear two."))

    report = import_paths([first, second], AREA, settings.corpus_dir)

    assert len(report.written) == 1
    assert "b.md" in report.errors[0] and "duplicate id 'ts-lanyards'" in report.errors[0]


def test_a_path_traversal_upload_name_is_refused_and_nothing_is_written_outside(tmp_path):
    settings = corpus_copy(tmp_path)
    upload = tmp_path / "upload.md"
    upload.write_text(GOOD)

    with pytest.raises(LoadError, match=r"\.\./\.\./x\.md.*path traversal"):
        plan_import(upload, AREA, settings.corpus_dir, display_name="../../x.md")
    assert safe_name("../../x.md") == "x.md" and safe_name("..") == "upload"
    assert not (tmp_path.parent / "x.md").exists()


def test_a_traversing_command_line_path_is_stored_under_its_plain_name(tmp_path):
    settings = corpus_copy(tmp_path)
    (tmp_path / "deep" / "er").mkdir(parents=True)
    source = tmp_path / "x.txt"
    source.write_text(GOOD)

    report = import_paths([tmp_path / "deep" / "er" / ".." / ".." / "x.txt"], AREA, settings.corpus_dir)

    assert report.errors == []
    assert (settings.corpus_dir / "_sources" / "x.txt").is_file()


# -- corpus files at build time -------------------------------------------------------------

BAD_CORPUS = {
    "empty.md": (b"", "file is empty"),
    "binary.md": (b"\x00\x01\x02PNG" * 100, "binary content"),
    "cp1252.md": (corpus_doc("ts-x", "X", "Caf\u00e9 \u2019").encode("cp1252"), "not valid UTF-8"),
    "broken.md": (b"---\nid: [oops\n---\n# X\n\ntext\n", "broken front matter"),
    "dupe.md": (corpus_doc("ts-gangs", "Another gangs", "## 1. A\n\nSome words.").encode(), "duplicate id"),
}


def test_bad_corpus_files_are_reported_by_name_and_the_rest_build(tmp_path):
    settings = corpus_copy(tmp_path)
    for name, (data, _) in BAD_CORPUS.items():
        (settings.corpus_dir / "testshire" / name).write_bytes(data)
    _sparse_file(settings.corpus_dir / "testshire" / "huge.md", 50 * 2**20)

    report = build_index(settings)

    assert report.documents == 3
    expected = {name: reason for name, (_, reason) in BAD_CORPUS.items()} | {"huge.md": "larger than 20 MB"}
    for name, reason in expected.items():
        assert any(name in e and reason in e for e in report.errors), (name, report.errors)


def test_a_broken_edit_keeps_the_previous_version_of_that_document(tmp_path):
    settings = corpus_copy(tmp_path)
    build_index(settings)
    (settings.corpus_dir / "testshire" / "ts-gangs.md").write_text("---\ntitle: [broken\n---\n")

    report = build_index(settings)

    assert report.carried_over == ["ts-gangs"]
    assert any("ts-gangs.md" in e for e in report.errors)
    assert "ts-gangs" in load_index(settings.index_dir).documents


def test_a_build_that_cannot_complete_leaves_the_served_index_untouched(tmp_path):
    settings = corpus_copy(tmp_path)
    serving = build_index(settings).build_id
    manifest = (settings.index_dir / "builds" / serving / "manifest.json").read_bytes()
    for path in (settings.corpus_dir / "testshire").glob("*.md"):
        path.unlink()
    (settings.corpus_dir / "testshire" / "only-bad.md").write_bytes(b"")

    with pytest.raises(BuildError, match="only-bad.md"):
        build_index(settings)

    assert read_pointer(settings.index_dir).name == serving
    assert (settings.index_dir / "builds" / serving / "manifest.json").read_bytes() == manifest
    assert not list((settings.index_dir / "builds").glob("*.partial"))
