"""Re-import, incremental and atomic re-ingest, change report, rollback, and a build killed midway."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.build import build_index
from ingest.changes import read_changelog
from ingest.importer import ImportOptions, import_paths
from kb.cli import main
from kb.config import PROJECT_ROOT, Settings
from kb.corpus import load_document
from kb.retrieval.index import load_index, read_pointer
from kb.retrieval.search import Searcher, get_searcher
from tests.maintain_helpers import corpus_copy, make_docx

GANGS = Path("testshire") / "ts-gangs.md"


def _edit(settings: Settings, relative: Path, old: str, new: str) -> None:
    path = settings.corpus_dir / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_reimport_replaces_the_document_in_place_and_keeps_the_old_text(tmp_path):
    settings = corpus_copy(tmp_path)
    (tmp_path / "v1").mkdir()
    first = make_docx(tmp_path / "v1" / "private-fostering.docx")
    import_paths([first], ImportOptions(area="testshire"), settings.corpus_dir)
    target = settings.corpus_dir / "testshire" / "testshire-private-fostering.md"
    old_text = target.read_text(encoding="utf-8")

    (tmp_path / "v2").mkdir()
    second = make_docx(
        tmp_path / "v2" / "private-fostering.docx", body="A privately fostered child is under 16."
    )
    report = import_paths([second], ImportOptions(area="testshire"), settings.corpus_dir)

    assert report.errors == [] and report.written == [str(target)]
    assert "is under 16." in target.read_text(encoding="utf-8")
    history = list((settings.corpus_dir / "history" / "testshire-private-fostering").glob("*.md"))
    assert [h.read_text(encoding="utf-8") for h in history] == [old_text]
    assert load_document(target).id == "testshire-private-fostering"


def test_supersedes_marks_the_old_document_and_keeps_its_body(tmp_path):
    settings = corpus_copy(tmp_path)
    old_path = settings.corpus_dir / "testshire" / "ts-old-thresholds.md"
    old_body = old_path.read_text(encoding="utf-8").split("---\n", 2)[2]
    source = make_docx(tmp_path / "thresholds-2024.docx", title="Thresholds 2024")

    report = import_paths(
        [source],
        ImportOptions(area="testshire", type="thresholds", supersedes="ts-old-thresholds"),
        settings.corpus_dir,
    )

    assert report.errors == [] and report.superseded == ["ts-old-thresholds"]
    old = load_document(old_path)
    assert old.status == "superseded" and old.superseded_by == "testshire-thresholds-2024"
    assert old_path.read_text(encoding="utf-8").split("---\n", 2)[2] == old_body


def test_supersedes_an_unknown_id_writes_nothing(tmp_path):
    settings = corpus_copy(tmp_path)
    source = make_docx(tmp_path / "x.docx", title="Thresholds 2024")

    report = import_paths(
        [source], ImportOptions(area="testshire", supersedes="no-such-doc"), settings.corpus_dir
    )

    assert "x.docx" in report.errors[0] and "no-such-doc" in report.errors[0]
    assert not (settings.corpus_dir / "testshire" / "testshire-thresholds-2024.md").exists()


def test_one_changed_document_reembeds_only_its_changed_passages(tmp_path):
    settings = corpus_copy(tmp_path)
    first = build_index(settings)
    before = {p.id: p for p in load_index(settings.index_dir).passages}
    _edit(settings, GANGS, "going missing from home", "going missing from home or school")

    second = build_index(settings)

    after = {p.id: p for p in load_index(settings.index_dir).passages}
    assert second.embedded == 1 and second.reused == first.passages - 1
    assert before.keys() == after.keys()
    changed = [i for i in after if after[i].content_hash != before[i].content_hash]
    assert changed == ["ts-gangs/2-indicators/1"]


def test_a_deleted_document_leaves_the_index(tmp_path):
    settings = corpus_copy(tmp_path)
    build_index(settings)
    (settings.corpus_dir / GANGS).unlink()

    build_index(settings)

    index = load_index(settings.index_dir)
    assert "ts-gangs" not in index.documents
    assert not [p for p in index.passages if p.doc_id == "ts-gangs"]
    assert read_changelog(settings.index_dir)[-1]["documents"]["removed"] == [
        {"doc_id": "ts-gangs", "title": "Gangs"}
    ]


def test_change_report_shows_the_changed_section_with_a_word_diff(tmp_path, monkeypatch, capsys):
    settings = corpus_copy(tmp_path)
    build_index(settings)
    _edit(settings, GANGS, "wearing one colour", "wearing one colour or gang tattoos")
    build_index(settings)
    monkeypatch.setenv("KB_INDEX_DIR", str(settings.index_dir))

    assert main(["changes", "--since", "2000-01-01", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)["entries"]

    assert [e["event"] for e in entries] == ["build", "build"]
    latest = entries[-1]
    assert [d["doc_id"] for d in latest["documents"]["changed"]] == ["ts-gangs"]
    (section,) = latest["sections"]["changed"]
    assert section["heading_path"] == ["Gangs", "2. Indicators"]
    assert {"op": "insert", "old": "", "new": "or gang tattoos"} in section["diff"] or any(
        "tattoos" in op["new"] for op in section["diff"]
    )
    assert main(["changes", "--since", "2999-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == []


def test_rollback_serves_the_previous_build_and_a_second_rollback_undoes_it(tmp_path, monkeypatch, capsys):
    settings = corpus_copy(tmp_path)
    old = build_index(settings).build_id
    _edit(settings, GANGS, "wearing one colour", "wearing one colour or gang tattoos")
    new = build_index(settings).build_id
    monkeypatch.setenv("KB_INDEX_DIR", str(settings.index_dir))

    assert main(["rollback", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"event": "rollback", "from_build": new, "to_build": old}
    assert read_pointer(settings.index_dir).name == old
    assert not any("tattoos" in p.text for p in get_searcher(settings, with_encoder=False).index.passages)

    assert main(["rollback"]) == 0
    assert read_pointer(settings.index_dir).name == new
    assert read_changelog(settings.index_dir)[-1]["event"] == "rollback"


def test_rollback_without_a_previous_build_is_an_error(tmp_path, monkeypatch, capsys):
    settings = corpus_copy(tmp_path)
    build_index(settings)
    monkeypatch.setenv("KB_INDEX_DIR", str(settings.index_dir))

    assert main(["rollback"]) == 1
    assert "no previous build" in capsys.readouterr().err


# -- builds in another process ------------------------------------------------------------

_CHILD = """
import sys
import ingest.build as build
from kb.config import Settings

stage = sys.argv[1]

def pause(real):
    def wrapper(*args, **kwargs):
        if stage != "switch" or (len(args) < 3 and "name" not in kwargs):
            print("PAUSED", flush=True)
            if sys.stdin.readline().strip() != "go":
                raise SystemExit(3)
        return real(*args, **kwargs)
    return wrapper

target = {"embed": "_embed", "write": "_write_dense", "validate": "_validate", "switch": "write_pointer",
          "prune": "_prune"}[stage]
setattr(build, target, pause(getattr(build, target)))
report = build.build_index(Settings.from_env())
print("BUILT", report.build_id, flush=True)
"""


def _start_build(settings: Settings, stage: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "KB_CORPUS_DIR": str(settings.corpus_dir),
        "KB_INDEX_DIR": str(settings.index_dir),
        "KB_SEEDS_DIR": str(settings.seeds_dir),
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, stage],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "PAUSED", "the build did not reach its pause point"
    return child


def _answers(settings: Settings, words: str) -> list[str]:
    searcher = Searcher(load_index(settings.index_dir), encoder=None)
    return [hit.passage.doc_id for hit in searcher.search(words, k=3, method="keyword")]


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["embed", "write", "validate", "switch", "prune"])
def test_a_build_killed_midway_leaves_a_complete_index_serving(tmp_path, stage):
    settings = corpus_copy(tmp_path)
    old = build_index(settings).build_id
    _edit(settings, GANGS, "wearing one colour", "wearing one colour or gang tattoos")

    child = _start_build(settings, stage)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    serving = read_pointer(settings.index_dir)
    if stage != "prune":  # killed before the switch: the old build, untouched
        assert serving.name == old
    assert _answers(settings, "forced marriage consent")[0] == "ts-forced-marriage"
    assert _answers(settings, "county lines drugs")[0] == "ts-gangs"
    report = build_index(settings)  # the next build succeeds and cleans up after the killed one
    assert report.embedded <= 1
    assert not list((settings.index_dir / "builds").glob("*.partial"))
    assert any("tattoos" in p.text for p in load_index(settings.index_dir).passages)


@pytest.mark.slow
def test_queries_during_a_rebuild_succeed_and_the_new_build_is_picked_up(tmp_path):
    settings = corpus_copy(tmp_path)
    old = build_index(settings).build_id
    _edit(settings, GANGS, "wearing one colour", "wearing one colour or gang tattoos")
    searcher = get_searcher(settings)
    assert searcher.index.build_id == old

    child = _start_build(settings, "validate")  # paused with the new build half made
    during = [get_searcher(settings).search("signs of gang involvement", k=3) for _ in range(3)]
    child.stdin.write("go\n")
    child.stdin.flush()
    while child.poll() is None:  # queries while the build finishes, validates and switches
        during.append(get_searcher(settings).search("signs of gang involvement", k=3))
    output = child.stdout.read()

    assert child.returncode == 0, output
    assert all(hits and hits[0].document.id == "ts-gangs" for hits in during)
    fresh = get_searcher(settings)
    assert fresh.index.build_id != old and f"BUILT {fresh.index.build_id}" in output
    assert any("tattoos" in hit.passage.text for hit in fresh.search("gang tattoos", k=3))


@pytest.mark.slow
def test_updating_one_chapter_of_the_real_corpus_re_embeds_only_that_change(real_settings, tmp_path):
    import shutil

    from kb.retrieval.index import read_manifest

    full = read_manifest(read_pointer(real_settings.index_dir))
    assert full["counts"]["passages"] > 100 and full.get("previous_build") is None  # a build from scratch
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(real_settings.corpus_dir, corpus, ignore=shutil.ignore_patterns("_sources", "history"))
    shutil.copytree(real_settings.index_dir, index)
    chapter = next(corpus.rglob("cp-gangs.md"))
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA sentence added by a one-chapter update.\n")
    settings = Settings(corpus_dir=corpus, index_dir=index, seeds_dir=real_settings.seeds_dir)

    update = build_index(settings)

    assert (
        update.embedded <= 2 and update.reused >= full["counts"]["passages"] - 2
    )  # only the changed passage
    # The time ratio (about 9 %, target <= 20 %) is reported by `kb bench`, not asserted here.
    print(f"full build {full['build_seconds']:.1f} s, one-chapter update {update.seconds:.1f} s")
