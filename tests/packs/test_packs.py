"""Session packs: stored as plain files, pinned passages noticed when a re-ingest changes them,
bad input (unknown ids, broken hand-edited files) refused with errors that name the problem."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kb.cli import main
from kb.errors import UnknownPassageError
from kb.packs.export_docx import export_docx
from kb.packs.export_md import render_markdown
from kb.packs.export_pptx import build_presentation
from kb.packs.layout import rejoin, split_evenly, split_text
from kb.packs.model import HeadingItem, PackError, ScenarioItem, pack_name
from kb.packs.resolve import CHANGED, CURRENT, MISSING, repin, resolve_pack
from kb.packs.store import PackStore, passage_items
from tests.packs_helpers import ASSESSMENT, build, load, make_corpus

DEFINITION = "ts-forced-marriage/1-definition/1"
GANGS = "ts-gangs/2-indicators/1"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A private corpus + index this module may edit and re-ingest."""
    root = tmp_path_factory.mktemp("packs")
    make_corpus(root)
    return build(root)


@pytest.fixture
def store(tmp_path) -> PackStore:
    return PackStore(tmp_path / "packs")


def test_pack_round_trips_through_its_file(world, store):
    index = load(world)
    store.create("Forced marriage, session 1", "Forced marriage")
    store.add_items(
        "forced-marriage-session-1", passage_items(index, [DEFINITION, GANGS], "Ask the room first")
    )
    store.add_heading("forced-marriage-session-1", "Gangs")
    store.add_items(
        "forced-marriage-session-1", [ScenarioItem("A 15-year-old is to be married abroad.", ASSESSMENT)]
    )
    reread = PackStore(store.directory).load("forced-marriage-session-1")
    assert reread.title == "Forced marriage"
    assert [i.kind for i in reread.items] == ["passage", "passage", "heading", "scenario"]
    first = reread.items[0]
    assert first.passage_id == DEFINITION and first.note == "Ask the room first"
    assert first.content_hash == index.passages[index.position[DEFINITION]].content_hash
    assert reread.items[3].level == 4 and reread.items[3].evidence[0]["citation"]
    assert json.loads(store.path_for("forced-marriage-session-1").read_text())["format"] == 1


def test_reorder_annotate_and_remove_keep_the_other_items(world, store):
    index = load(world)
    store.create("p")
    store.add_items("p", passage_items(index, [DEFINITION, GANGS]))
    store.add_heading("p", "Start")
    store.move("p", 3, 1)
    store.set_note("p", 2, "read aloud")
    pack = store.remove("p", 3)
    assert isinstance(pack.items[0], HeadingItem)
    assert pack.passage_ids == [DEFINITION]
    assert pack.items[1].note == "read aloud"
    with pytest.raises(PackError, match="has 2 items: no item 5"):
        store.remove("p", 5)


def test_unknown_passage_id_adds_nothing(world, store):
    index = load(world)
    store.create("p")
    with pytest.raises(UnknownPassageError, match="no-such/passage/1.*nothing was added"):
        store.add_items("p", passage_items(index, [DEFINITION, "no-such/passage/1"]))
    assert store.load("p").items == ()


def test_hand_edited_invalid_json_names_file_and_line_and_is_left_alone(world, store):
    store.create("p")
    path = store.path_for("p")
    broken = path.read_text().replace('"items": []', '"items": [,]')
    path.write_text(broken)
    with pytest.raises(PackError) as error:
        store.add_heading("p", "Anything")
    message = str(error.value)
    assert str(path) in message and "line 7" in message and "invalid JSON" in message
    assert path.read_text() == broken  # nothing overwritten, nothing lost
    assert [s.error != "" for s in store.summaries()] == [True]  # listed, not hidden


def test_hand_edited_bad_item_names_the_item(store):
    store.create("p")
    path = store.path_for("p")
    data = json.loads(path.read_text())
    data["items"] = [{"kind": "heading", "text": "ok"}, {"kind": "pasage", "passage_id": "x"}]
    path.write_text(json.dumps(data))
    with pytest.raises(PackError, match=r"item 2: unknown kind 'pasage'"):
        store.load("p")


def test_missing_pack_and_bad_names_are_clear(store):
    with pytest.raises(PackError, match="no pack named 'nope'"):
        store.load("nope")
    with pytest.raises(PackError, match="no letters or digits"):
        pack_name("!!!")
    store.create("p")
    with pytest.raises(PackError, match="already exists"):
        store.create("P")


def test_empty_pack_exports_title_and_sources_only(world, store):
    pack = store.create("empty")
    resolved = resolve_pack(pack, load(world))
    assert len(build_presentation(resolved).slides) == 2  # title + sources
    assert "no passages yet" in render_markdown(resolved)
    assert export_docx(resolved)[:2] == b"PK"


def test_changed_and_vanished_pinned_passages_are_flagged_and_exports_warn(tmp_path):
    root = tmp_path / "w"
    corpus = make_corpus(root)
    settings = build(root)
    store = PackStore(settings.packs_dir)
    store.create("p")
    store.add_items(
        "p", passage_items(load(settings), [DEFINITION, GANGS, "ts-forced-marriage/2-1-protection-orders/1"])
    )
    doc = corpus / "testshire" / "ts-forced-marriage.md"
    text = doc.read_text()
    doc.write_text(
        text.replace("consent is obtained by duress.", "consent is obtained by duress or deception.").split(
            "### 2.1"
        )[0]  # the protection orders section goes away
    )
    build(root)
    resolved = resolve_pack(store.load("p"), load(settings))
    status = {p.item.passage_id: p.status for p in resolved.passages}
    assert status == {
        DEFINITION: CHANGED,
        GANGS: CURRENT,
        "ts-forced-marriage/2-1-protection-orders/1": MISSING,
    }
    changed = resolved.passages[0]
    assert "duress or deception" in changed.text and "duress or deception" not in changed.item.text
    assert len(resolved.warnings) == 2 and "changed since it was pinned" in resolved.warnings[0]
    missing = resolved.passages[2]
    assert missing.text == missing.item.text  # the pinned words survive
    assert "**Warning:**" in render_markdown(resolved)
    notes = build_presentation(resolved).slides[0].notes_slide.notes_text_frame.text
    assert "WARNING" in notes and DEFINITION in notes

    repinned, count = repin(store.load("p"), load(settings))
    assert count == 1
    assert [p.status for p in resolve_pack(repinned, load(settings)).passages] == [CURRENT, CURRENT, MISSING]


def test_cli_pack_commands(world, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KB_INDEX_DIR", str(world.index_dir))
    monkeypatch.setenv("KB_PACKS_DIR", str(tmp_path / "packs"))
    assert main(["pack", "new", "gangs", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "gangs"
    assert main(["pack", "add", "gangs", GANGS, DEFINITION, "--note", "discuss"]) == 0
    assert main(["pack", "add", "gangs", "bogus/id/1"]) == 1
    assert "bogus/id/1" in capsys.readouterr().err
    assert main(["pack", "show", "gangs", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [i["passage_id"] for i in shown["items"]] == [GANGS, DEFINITION]
    assert shown["items"][0]["status"] == "current" and shown["items"][0]["citation"]
    assert main(["pack", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["passages"] == 2
    for fmt in ("pptx", "docx", "md"):
        out = tmp_path / f"gangs.{fmt}"
        assert main(["pack", "export", "gangs", "--format", fmt, "-o", str(out), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["bytes"] == out.stat().st_size > 0
    assert main(["pack", "show", "nope"]) == 1
    assert "no pack named 'nope'" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_scenario_gets_a_level_with_evidence(world, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KB_INDEX_DIR", str(world.index_dir))
    monkeypatch.setenv("KB_PACKS_DIR", str(tmp_path / "packs"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    main(["pack", "new", "fm"])
    text = "A 15-year-old girl says her parents are taking her abroad next month to marry a stranger."
    assert main(["pack", "scenario", "fm", text, "--json"]) == 0
    added = json.loads(capsys.readouterr().out.splitlines()[-1])["added"]
    assert added["level"] == 4 and added["assessment"]["evidence"]
    assert "professional judgement" in added["assessment"]["caveat"]


def test_split_text_never_loses_a_character():
    text = "\n".join(["# Heading", "", "word " * 70 + "end.", "", *[f"- item {n} " * 8 for n in range(30)]])
    for lines, width in ((3, 20), (15, 88), (1, 13), (40, 200)):
        for split in (split_text, split_evenly):
            pieces = split(text, lines, width)
            assert rejoin(pieces) == text
            assert all(p.text.strip() for p in pieces)
    assert len(split_text(text, 15, 88)) > 1


def test_packs_dir_comes_from_kb_packs_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("KB_PACKS_DIR", str(tmp_path / "elsewhere"))
    assert PackStore.from_settings().directory == Path(os.environ["KB_PACKS_DIR"]).resolve()
