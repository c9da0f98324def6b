"""The late-interaction reranker: MaxSim, ONNX = torch, the build's token vectors, and what it
does to a ranking."""

from __future__ import annotations

import numpy as np
import pytest

from kb.retrieval.rerank import late_interaction, maxsim, stack_tokens

QUESTION = "yr 10 girl scared her parents are taking her abroad to marry a cousin, what do i do"
PASSAGES = [
    "Forced Marriage > 5. Protection and Action\nIf a child is at risk of being taken abroad to be married, "
    "call the Forced Marriage Unit and make a referral to Children's Social Care without delay.",
    "Parents in prison > 2. Support\nSchools should support a pupil whose parent is in prison.",
    "Dangerous dogs > 1. Introduction\nDogs bred or trained for fighting can be a risk to children.",
]


def _unit(rows: list[list[float]]) -> np.ndarray:
    matrix = np.array(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_maxsim_is_the_mean_of_each_question_tokens_best_match() -> None:
    question = _unit([[1, 0, 0], [0, 1, 0]])
    passage = _unit([[1, 0, 0], [0, 0, 1], [0, 1, 1]])
    # token 1 finds itself (1.0); token 2's best is [0, 1, 1] (cosine 0.7071)
    assert maxsim(question, passage) == pytest.approx((1.0 + 0.70710678) / 2, abs=1e-6)
    assert maxsim(question, np.zeros((0, 3), dtype=np.float16)) == 0.0


def test_stacked_tokens_give_each_passage_its_own_rows() -> None:
    per_passage = [_unit([[1, 0, 0]]), _unit([[0, 1, 0], [0, 0, 1]]), np.zeros((0, 3), dtype=np.float16)]
    tokens, offsets = stack_tokens(per_passage, 3)
    assert tokens.dtype == np.float16 and list(offsets) == [0, 1, 3, 3]
    scores = late_interaction(_unit([[0, 0, 1]]), tokens, offsets, [2, 1, 0])
    assert scores == pytest.approx([0.0, 1.0, 0.0])


@pytest.mark.slow
def test_onnx_reranker_scores_equal_torch_within_1e_4() -> None:
    from kb.config import DEFAULT_MODEL
    from kb.retrieval.encoder import Encoder

    scores = {}
    for backend in ("torch", "onnx"):
        encoder = Encoder(DEFAULT_MODEL, backend)
        _, passage_tokens = encoder.encode_with_tokens(PASSAGES)
        tokens, offsets = stack_tokens(passage_tokens, encoder.dimension)
        scores[backend] = late_interaction(encoder.encode_query_tokens(QUESTION), tokens, offsets, [0, 1, 2])
    assert np.max(np.abs(scores["torch"] - scores["onnx"])) < 1e-4
    assert scores["onnx"][0] == scores["onnx"].max()  # the answering passage reads best


def test_the_reranker_reorders_the_fused_top_and_is_reported(fixture_searcher, monkeypatch) -> None:
    import kb.retrieval.search as search

    question = "forced marriage what do I do"
    plain = fixture_searcher.search(question, k=5)
    assert fixture_searcher.reranks and "rerank" in plain[0].scores
    target = plain[-1].passage.id
    # a stand-in MaxSim that reads only the last passage as answering
    position = fixture_searcher.index.position[target]
    monkeypatch.setattr(
        search,
        "late_interaction",
        lambda q, t, o, passages: np.array([10.0 * (i == position) for i in passages], dtype=np.float32),
    )
    reranked = fixture_searcher.search(question, k=5)
    assert reranked[0].passage.id == target
    assert reranked[0].scores["rerank"] == pytest.approx(10.0 * search.RERANK_WEIGHT)


def test_kb_rerank_0_turns_the_reranker_off(fixture_searcher, monkeypatch) -> None:
    monkeypatch.setenv("KB_RERANK", "0")
    assert not fixture_searcher.reranks
    hits = fixture_searcher.search("forced marriage what do I do", k=3)
    assert hits and "rerank" not in hits[0].scores


def test_a_build_without_token_vectors_still_searches(fixture_searcher) -> None:
    index = fixture_searcher.index
    saved = index.token_vectors, index.token_offsets
    try:
        index.token_vectors = index.token_offsets = None
        assert not fixture_searcher.reranks
        assert fixture_searcher.search("forced marriage protection order", k=2)
    finally:
        index.token_vectors, index.token_offsets = saved
