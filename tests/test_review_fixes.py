"""Behaviour pinned down by the pre-release review: odd input gives a named error, never a
traceback; immediate danger always brings 999; superseded sources are flagged where shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.config import Settings

DANGER = "a man is threatening the child with a knife right now"


@pytest.fixture
def serve_fixture(monkeypatch: pytest.MonkeyPatch, fixture_settings: Settings) -> Settings:
    monkeypatch.setenv("KB_CORPUS_DIR", str(fixture_settings.corpus_dir))
    monkeypatch.setenv("KB_INDEX_DIR", str(fixture_settings.index_dir))
    return fixture_settings


def test_search_with_an_unknown_area_names_the_areas_instead_of_crashing(serve_fixture, capsys) -> None:
    from kb.cli import main

    assert main(["search", "forced marriage", "--area", "nowhere"]) == 1
    err = capsys.readouterr().err
    assert "unknown --area 'nowhere'" in err and "bromley" in err
    assert "Traceback" not in err


def test_search_batch_with_a_bad_json_line_names_the_file_and_line(
    serve_fixture, tmp_path: Path, capsys
) -> None:
    from kb.cli import main

    batch = tmp_path / "questions.jsonl"
    batch.write_text('{"question": "forced marriage"}\n{not json\n', encoding="utf-8")
    assert main(["search", "--batch", str(batch), "--json"]) == 1
    assert f"{batch}:2: not JSON" in capsys.readouterr().err


def test_search_batch_with_a_missing_file_says_it_cannot_be_read(serve_fixture, tmp_path, capsys) -> None:
    from kb.cli import main

    missing = tmp_path / "nope.txt"
    assert main(["search", "--batch", str(missing)]) == 1
    assert f"{missing}: cannot be read" in capsys.readouterr().err


def test_eval_questions_with_a_bad_line_names_the_file_and_line(tmp_path: Path) -> None:
    from kb.errors import InputFileError
    from kb.jsonl import read_jsonl

    bad = tmp_path / "q.jsonl"
    bad.write_text('{"question": "a", "snippets": []}\n\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"q\.jsonl:3: expected a JSON object"):
        read_jsonl(bad)


def test_an_area_without_a_framework_suggests_no_level_but_danger_still_brings_999() -> None:
    from kb.answer import threshold_for

    danger = threshold_for(DANGER, "newshire", [])
    assert danger is not None and danger["level"] is None and danger["immediate_danger"]
    assert [c["detail"] for c in danger["contacts"]] == ["999"]
    calm = threshold_for("what is the policy on bullying", "newshire", [])
    assert calm is not None and not calm["immediate_danger"] and calm["framework"] is None


# ------------------------------------------------------- evidence from a superseded framework

BROMLEY_CASE = "A 6 year old says her dad hit her with a belt last night and she is scared to go home"


def _bromley_assessment() -> dict:
    from kb.levels import assess_scenario

    data = assess_scenario(BROMLEY_CASE, area="bromley", use_embeddings=False).to_json()
    assert not data["superseded"]  # the current Bromley framework ...
    assert any(e.get("from_framework") == "bromley-2011" for e in data["evidence"])  # ... borrows 2011's
    return data


def test_indicators_borrowed_from_a_superseded_framework_say_so() -> None:
    borrowed = [e for e in _bromley_assessment()["evidence"] if e.get("from_framework")]
    assert borrowed and all(e["superseded"] is True for e in borrowed)


def test_search_threshold_keeps_the_superseded_flag_of_its_evidence() -> None:
    from kb.levels import threshold_for_query

    why = threshold_for_query(BROMLEY_CASE, "bromley", [])["why"]
    assert any(w.get("from_framework") == "bromley-2011" and w["superseded"] for w in why)


def test_level_text_and_pack_notes_flag_superseded_evidence_and_contacts() -> None:
    from kb.cli.levels import format_level_text
    from kb.packs.discussion import discussion_lines
    from kb.packs.model import ScenarioItem

    data = _bromley_assessment()
    assert "[from bromley-2011, superseded]" in format_level_text(data)
    notes = "\n".join(discussion_lines(ScenarioItem(text=BROMLEY_CASE, assessment=data)))
    assert "[from The Child's Journey in Bromley, superseded]" in notes  # named by title: no ids in notes
    assert "bromley-2011" not in notes
    assert "(superseded); check it is current]" in notes  # a contact from the 2011 document


def test_evidence_saved_before_the_flag_existed_is_still_flagged_from_the_framework_data() -> None:
    from kb.levels import borrowed_note

    assert borrowed_note({"text": "x", "from_framework": "bromley-2011"}) == "from bromley-2011, superseded"
    assert borrowed_note({"text": "x"}) == ""


@pytest.mark.slow
def test_app_level_card_flags_evidence_from_a_superseded_framework() -> None:
    from streamlit.testing.v1 import AppTest

    from tests.app_helpers import APP

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["page"] = "levels"
    at.query_params["area"] = "bromley"
    at.run()
    at.text_area(key="case_text").input(BROMLEY_CASE)
    at = next(b for b in at.button if b.label == "Check the level").click().run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    card = [c for c in captions if c.startswith("Source:") and "from bromley\\-2011, superseded" in c]
    assert card, captions


def test_app_shows_immediate_danger_even_when_the_filters_leave_no_passages(
    monkeypatch: pytest.MonkeyPatch, fixture_settings: Settings
) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.app_helpers import APP

    # the fixture index, with the real frameworks of corpus/ (KB_CORPUS_DIR left at its default)
    monkeypatch.setenv("KB_INDEX_DIR", str(fixture_settings.index_dir))

    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.selectbox(key="doc_type").select("training")  # the fixture corpus has no training documents
    at.text_input(key="question_input").input(DANGER)
    at = next(b for b in at.button if b.label == "Search").click().run()
    assert not at.exception
    assert any("Nothing in the procedures" in i.value for i in at.info)
    assert any("call 999 now" in e.value for e in at.error)


def test_eval_scenarios_with_a_missing_file_or_level_names_the_file(tmp_path: Path) -> None:
    from kb.errors import InputFileError
    from kb.levels.evaluate import read_scenarios

    with pytest.raises(InputFileError, match="cannot be read"):
        read_scenarios(tmp_path / "missing.jsonl")
    no_level = tmp_path / "s.jsonl"
    no_level.write_text('{"scenario": "a child"}\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"s\.jsonl: scenario 1: needs 'scenario' and 'level'"):
        read_scenarios(no_level)


@pytest.mark.slow
def test_off_topic_questions_are_weak_matches_and_procedure_questions_are_not(real_searcher) -> None:
    from kb.answer import answer

    for question in ("how do I bake sourdough bread", "what is the capital of France"):
        assert answer(real_searcher, question).weak_match, question
    assert not answer(real_searcher, "a girl is being forced into marriage abroad").weak_match


@pytest.mark.slow
def test_the_intent_lift_does_not_make_an_off_topic_question_look_covered(real_searcher) -> None:
    """ "What are the signs…" lifts Self-harm > Warning signs by the intent weight; the lift
    orders passages but is no evidence that the procedures cover the question."""
    from kb.answer import answer

    result = answer(real_searcher, "what are the signs my car battery is failing")
    best = result.hits[0]
    assert best.scores["intent"] > 0  # the lift is there ...
    assert result.weak_match  # ... and does not count towards coverage
    assert not answer(real_searcher, "what are the signs a child is being groomed").weak_match


def test_rrf_fusion_does_not_mark_every_answer_a_weak_match(fixture_searcher, monkeypatch) -> None:
    """RRF scores are about 0.03, far below the weak-match cut-off meant for cosine-based scores:
    with KB_FUSION=rrf the passages must still inform the level."""
    import kb.retrieval.search
    from kb.answer import answer

    monkeypatch.setattr(kb.retrieval.search, "FUSION", "rrf")
    result = answer(fixture_searcher, "forced marriage protection order", k=3)
    assert result.hits and result.hits[0].score < 0.1
    assert result.weak_match is False
