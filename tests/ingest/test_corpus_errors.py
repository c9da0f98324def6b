"""Bad corpus files give an error naming the file and the reason; the rest still build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.build import BuildError, build_index
from kb.config import Settings
from kb.corpus import load_corpus
from kb.retrieval.index import load_index, read_pointer
from tests.conftest import FIXTURE_CORPUS

GOOD = (
    "---\nid: {id}\ntitle: {title}\narea: bromley\ntype: procedure\nstatus: current\n---\n"
    "# {title}\n\n{body}\n"
)

BAD_FILES = {
    "empty.md": (b"", "empty"),
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" + bytes(range(256)), "binary"),
    "broken.md": (b"---\nid: broken\ntitle: [unclosed\n---\n# Broken\n\ntext\n", "broken front matter"),
    "notitle.md": (
        b"---\nid: notitle\narea: bromley\ntype: procedure\nstatus: current\n---\n# X\n\ntext\n",
        "missing 'title'",
    ),
    "dupe.md": (GOOD.format(id="ts-gangs", title="Dupe", body="Duplicate id text.").encode(), "duplicate id"),
    "nofront.md": (b"# Just a heading\n\nNo front matter here.\n", "no YAML front matter"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_error_names_the_file_and_the_reason(tmp_path: Path, name: str) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    content, reason = BAD_FILES[name]
    (corpus / "zz").mkdir()
    (corpus / "zz" / name).write_bytes(content)
    report = load_corpus(corpus)
    (error,) = report.errors
    assert name in error and reason in error
    assert {d.id for d in report.documents} == {"ts-forced-marriage", "ts-gangs", "ts-old-thresholds"}


def test_bad_files_do_not_stop_the_build_and_previous_version_is_kept(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", seeds_dir=tmp_path)
    build_index(settings)
    first = read_pointer(settings.index_dir)
    gangs = corpus / "testshire" / "ts-gangs.md"
    gangs.write_text("---\nid: ts-gangs\ntitle: [broken\n---\n", encoding="utf-8")
    for name, (content, _) in BAD_FILES.items():
        if name != "dupe.md":  # it would legitimately take over the broken file's id
            (corpus / name).write_bytes(content)
    report = build_index(settings)
    assert any("ts-gangs.md" in e for e in report.errors)
    assert report.carried_over == ["ts-gangs"]
    index = load_index(settings.index_dir)
    assert {d for d in index.documents} == {"ts-forced-marriage", "ts-gangs", "ts-old-thresholds"}
    assert read_pointer(settings.index_dir) != first


def test_corpus_with_nothing_loadable_leaves_the_serving_index_untouched(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", seeds_dir=tmp_path)
    build_index(settings)
    serving = read_pointer(settings.index_dir)
    for path in corpus.rglob("*.md"):
        path.write_bytes(b"")
    with pytest.raises(BuildError) as caught:
        build_index(Settings(corpus_dir=corpus, index_dir=tmp_path / "fresh", seeds_dir=tmp_path))
    assert "no document could be ingested" in str(caught.value)
    assert read_pointer(settings.index_dir) == serving
    assert load_index(settings.index_dir).passages
