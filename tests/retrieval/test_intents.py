"""Question intent (kb/retrieval/intents.py): which kind of section a question wants, and its lift."""

from __future__ import annotations

from pathlib import Path

import pytest

import kb.retrieval.search
from kb.retrieval.intents import (
    IntentFileError,
    intent_lift,
    load_intents,
    question_intents,
    section_intents,
)


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("year 10 girl being taken abroad to marry, what do I do right now", "action"),
        ("who do I tell about a teacher messaging a pupil", "action"),
        ("how would I spot that a child is being groomed", "signs"),
        ("what are the warning signs of radicalisation", "signs"),
        ("what does cuckooing mean", "definition"),
        ("is there a law against breast ironing", "law"),
        ("phone number for the forced marriage unit", "contacts"),
        ("how should I write up my notes after a disclosure", "recording"),
        ("she begged me to keep it secret", "sharing"),
        ("which level of need is a child missing school", "level"),
    ],
)
def test_practitioner_phrasings_show_their_intent(question: str, intent: str) -> None:
    assert intent in question_intents(question)


def test_a_plain_topic_shows_no_intent() -> None:
    assert question_intents("forced marriage") == frozenset()
    assert question_intents("gangs and county lines in Peterborough") == frozenset()


@pytest.mark.parametrize(
    ("headings", "intent"),
    [
        (("5. Protection and Action to be Taken",), "action"),
        (("What to do if you do not agree with the MASH decision:",), "action"),
        (("3. Indicators",), "signs"),
        (("Warning signs",), "signs"),
        (("1. Definition",), "definition"),
        (("3. Law",), "law"),
        (("7. Further Information",), "contacts"),
        (("Recording",), "recording"),
        (("Information Sharing and Consent",), "sharing"),
    ],
)
def test_corpus_section_titles_answer_their_intent(headings: tuple[str, ...], intent: str) -> None:
    assert intent in section_intents(headings)


def test_lift_needs_a_match_and_ignores_the_chapter_title() -> None:
    asked = question_intents("what should I do")
    assert intent_lift(asked, ["Forced marriage", "5. Protection and Action to be Taken"]) == 1.0
    assert intent_lift(asked, ["Forced marriage", "3. Indicators"]) == 0.0
    # The chapter title alone never counts: every passage of "Referrals" would otherwise match.
    assert intent_lift(asked, ["Action on referrals"]) == 0.0
    assert intent_lift(frozenset(), ["Forced marriage", "5. Protection and Action to be Taken"]) == 0.0


def test_every_intent_has_both_sides() -> None:
    intents = load_intents()
    assert {i.name for i in intents} >= {"action", "signs", "definition", "law"}
    assert all(i.question and i.heading for i in intents)


def test_a_broken_intents_file_names_itself(tmp_path: Path) -> None:
    bad = tmp_path / "intents.yaml"
    bad.write_text("- intent: action\n  question: ['(unclosed']\n  heading: ['x']\n", encoding="utf-8")
    with pytest.raises(IntentFileError, match="intents.yaml"):
        load_intents(bad)
    bad.write_text("- intent: action\n  question: ['x']\n", encoding="utf-8")
    with pytest.raises(IntentFileError, match="needs"):
        load_intents(bad)


def test_intent_reorders_passages_of_one_chapter(fixture_searcher, monkeypatch) -> None:
    """A "what do I do" question lifts the Actions section of the forced-marriage chapter; with the weight
    at zero the lift is gone, so the order is the intent's doing."""
    question = "forced marriage: what should I do"

    def score_of(section_slug: str) -> float:
        hits = fixture_searcher.search(question, k=10)
        return next(
            h.score for h in hits if h.passage.doc_id == "ts-forced-marriage" and section_slug in h.passage.id
        )

    weight = kb.retrieval.search.INTENT_WEIGHT
    assert weight > 0
    with_intent = score_of("actions") - score_of("definition")
    monkeypatch.setattr(kb.retrieval.search, "INTENT_WEIGHT", 0.0)
    without = score_of("actions") - score_of("definition")
    assert with_intent == pytest.approx(without + weight, abs=1e-4)
