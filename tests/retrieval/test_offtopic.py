"""Weak matches on the real corpus: the off-topic set is flagged, real questions are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.jsonl import read_jsonl
from kb.retrieval.evaluate import evaluate_offtopic, weak_flags

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.mark.slow
def test_the_off_topic_set_is_flagged_and_real_questions_are_not(real_searcher) -> None:
    for name in ("offtopic_tune.jsonl", "offtopic_blind.jsonl"):
        offtopic = evaluate_offtopic(real_searcher, read_jsonl(FIXTURES / name))
        assert offtopic["flagged_share"] >= 0.9, (name, offtopic["not_flagged"])
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


def test_a_question_no_written_question_comes_near_is_weak_even_with_a_high_score(fixture_searcher) -> None:
    from dataclasses import replace

    from kb.retrieval.offtopic import NO_NEAR_QUESTION_BELOW, is_weak_match

    hit = fixture_searcher.search("which court order stops a forced marriage", k=1)[0]
    strong = replace(hit, score=0.95, scores={**hit.scores, "intent": 0.0, "rerank": 0.0})
    far = {**strong.scores, "question_nearest": NO_NEAR_QUESTION_BELOW - 0.05}
    near = {**strong.scores, "question_nearest": NO_NEAR_QUESTION_BELOW + 0.05}
    assert is_weak_match([replace(strong, matched_question="who can apply for an FMPO", scores=far)])
    assert not is_weak_match([replace(strong, matched_question="who can apply for an FMPO", scores=near)])
    # a passage without written questions (a new document) is judged by its score alone
    assert not is_weak_match([replace(strong, matched_question="", scores=far)])


def test_the_reranker_part_does_not_count_as_relevance(fixture_searcher) -> None:
    from dataclasses import replace

    from kb.retrieval.offtopic import WEAK_MATCH_WITHOUT_QUESTIONS, is_weak_match, relevance

    hit = fixture_searcher.search("best pizza in town with extra cheese", k=1)[0]
    assert hit.scores["rerank"] > 0  # the reranker read it ...
    assert relevance(hit) == hit.score - hit.scores["rerank"] - hit.scores["intent"]
    assert relevance(hit) < WEAK_MATCH_WITHOUT_QUESTIONS <= hit.score  # ... but it does not rescue it
    assert is_weak_match([hit])
    lifted = {**hit.scores, "rerank": hit.scores["rerank"] + 2.0}
    assert is_weak_match([replace(hit, score=hit.score + 2.0, scores=lifted)])
