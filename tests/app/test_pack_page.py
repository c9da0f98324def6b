"""The Session pack page through AppTest: create a pack, add a passage from search, annotate,
reorder, see a broken pack file reported without being touched, downloads offered."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from kb.packs.store import PackStore
from tests.app_helpers import APP
from tests.packs_helpers import build, make_corpus

TIMEOUT = 120


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("pack-page")
    make_corpus(root)
    return build(root)


@pytest.fixture
def app(served, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CORPUS_DIR", str(served.corpus_dir))
    monkeypatch.setenv("KB_INDEX_DIR", str(served.index_dir))
    monkeypatch.setenv("KB_PACKS_DIR", str(tmp_path / "packs"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["page"] = "packs"
    return at.run(), PackStore(tmp_path / "packs")


def _text(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def test_create_pack_add_from_search_and_reorder(app):
    at, store = app
    assert "Session pack" in at.radio(key="nav").options
    at.text_input(key="pack-new-title").input("Gangs session")
    at = next(b for b in at.button if b.label == "Create").click().run()
    assert store.names() == ["gangs-session"]
    at = at.text_input(key="pack-query").input("forced marriage duress").run()
    add = [b for b in at.button if b.label.startswith("Add to pack")]
    assert add, _text(at)
    at = add[0].click().run()
    assert len(store.load("gangs-session").items) == 1
    assert "Added to 'gangs-session'." in [s.value for s in at.success]
    at.text_input(key="pack-heading-text").input("Opening")
    at = next(b for b in at.button if b.label == "Add heading").click().run()
    at = at.button(key="up-2").click().run()
    assert [i.kind for i in store.load("gangs-session").items] == ["heading", "passage"]
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["Slides (PPTX)", "Handout (DOCX)", "Markdown"]
    assert not at.exception


def test_broken_pack_file_is_reported_and_left_alone(app):
    at, store = app
    store.create("broken")
    store.path_for("broken").write_text("{ not json")
    at = at.run()
    assert any("cannot be read" in e.value and "line 1" in e.value for e in at.error)
    assert store.path_for("broken").read_text() == "{ not json"
