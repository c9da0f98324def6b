"""Weak matches on the real corpus: the off-topic set is flagged, real questions are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.jsonl import read_jsonl
from kb.retrieval.evaluate import evaluate_offtopic, weak_flags

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.mark.slow
def test_the_off_topic_set_is_flagged_and_real_questions_are_not(real_searcher) -> None:
    offtopic = evaluate_offtopic(real_searcher, read_jsonl(FIXTURES / "offtopic_tune.jsonl"))
    assert offtopic["flagged_share"] >= 0.9, offtopic["not_flagged"]
    real = read_jsonl(FIXTURES / "questions_independent.jsonl") + read_jsonl(
        FIXTURES / "questions_blind2.jsonl"
    )
    assert len(weak_flags(real_searcher, real)) <= 0.05 * len(real)


def test_a_passage_without_written_questions_has_its_own_bar(fixture_searcher) -> None:
    from kb.retrieval.offtopic import is_weak_match

    hits = fixture_searcher.search("which court order stops a forced marriage", k=1)
    assert hits[0].matched_question == ""  # the fixture corpus has no questions files
    assert not is_weak_match(hits)
    assert is_weak_match(fixture_searcher.search("best pizza in town with extra cheese", k=1))
