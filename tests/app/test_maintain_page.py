"""The Maintain page (password-gated, no default) and the What changed page, through AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ingest.build import build_index
from kb_app.registry import pages
from tests.app_helpers import APP
from tests.maintain_helpers import corpus_copy

TIMEOUT = 120


@pytest.fixture()
def served(tmp_path, monkeypatch):
    settings = corpus_copy(tmp_path)
    build_index(settings)
    gangs = settings.corpus_dir / "testshire" / "ts-gangs.md"
    gangs.write_text(gangs.read_text().replace("wearing one colour", "wearing one colour or gang tattoos"))
    build_index(settings)
    monkeypatch.setenv("KB_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("KB_INDEX_DIR", str(settings.index_dir))
    monkeypatch.delenv("KB_MAINTAINER_PASSWORD", raising=False)
    return settings


def _page(slug: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["page"] = slug
    return at.run()


def test_maintain_page_is_absent_without_a_password(served):
    assert "maintain" not in [p.slug for p in pages()]
    at = _page("maintain")
    assert not at.exception
    assert not any(t.value == "Maintain" for t in at.title)
    assert not [i for i in at.text_input if i.label == "Maintainer password"]


def test_maintain_page_asks_for_the_password_and_refuses_a_wrong_one(served, monkeypatch):
    monkeypatch.setenv("KB_MAINTAINER_PASSWORD", "correct horse")
    at = _page("maintain")
    assert [t.value for t in at.title] == ["Maintain"]

    at.text_input[0].input("wrong")
    at.button[0].click().run()  # the form's submit
    assert any("Wrong password" in e.value for e in at.error)

    at.text_input[0].input("correct horse")
    at.button[0].click().run()
    assert not at.error, [e.value for e in at.error]
    assert not [i for i in at.text_input if i.label == "Maintainer password"]
    assert any("Accepted:" in c.value for c in at.caption)


def test_what_changed_page_shows_the_changed_words(served):
    at = _page("changes")

    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "1 changed" in text
    assert "gang tattoos" in text and "2\\. Indicators" in text


def test_a_maintainer_edits_a_passages_questions_into_the_corpus_file(served, monkeypatch):
    from kb.retrieval.questions import read_questions_file

    monkeypatch.setenv("KB_MAINTAINER_PASSWORD", "correct horse")
    at = _page("maintain")
    at.text_input[0].input("correct horse")
    at.button[0].click().run()
    at.radio(key="maintain_task").set_value("Questions").run()
    assert not at.exception
    assert "Forced marriage (ts-forced-marriage)" in at.selectbox(key="questions_doc").options
    at.selectbox(key="questions_doc").set_value("Forced marriage (ts-forced-marriage)").run()
    assert "(no questions yet)" in at.selectbox(key="questions_passage").options[0]
    area = next(t for t in at.text_area if t.label == "Questions (one a line)")
    area.input("who do I tell if she is being taken abroad to marry\nfm helpline").run()
    at.button(key="save_questions").click().run()
    assert not at.error, [e.value for e in at.error]
    saved = served.corpus_dir / "testshire" / "ts-forced-marriage.questions.yaml"
    entries = read_questions_file(saved)
    assert [e.questions for e in entries] == [
        ("who do I tell if she is being taken abroad to marry", "fm helpline")
    ]
