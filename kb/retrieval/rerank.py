"""Late-interaction reranking of the fused top candidates (ColBERT-style MaxSim).

The first stage compares one vector for the whole question with one for the whole passage. The
reranker reads them word by word: each word piece of the question is matched to its most
similar word piece of the passage, and the mean of those best matches is the passage's score
(MaxSim, Khattab & Zaharia 2020). A passage that answers *this* question about *this* thing
("plugging drugs", "interpret for his mum") matches more of the question's pieces than one that
shares only the topic. The token vectors come from the same domain-tuned MiniLM and the same
ONNX run as the first stage: the passages' are stored at ingest (`token_vectors.npy`, float16),
the question's come from the run that makes its vector (only the question's own word pieces,
not the expansions `spell_out` appends). It rescores the fused top RERANK_TOP and adds
RERANK_WEIGHT x MaxSim to their fused score. `KB_RERANK=0` turns it off.

Chosen with measured numbers in session 8 (docs/retrieval.md): a cross-encoder trained here from
the packaged MiniLM did not learn within the machine's budget; this needs no training, costs
about 2 ms a query, and lifted the validation split's MRR@10 0.754 -> 0.799.
"""

from __future__ import annotations

import os

import numpy as np

# Chosen on the written questions' validation split (591 questions, each with its own row masked
# out of the question index; docs/retrieval.md), never on an eval set: MRR@10 0.754 (off) -> 0.798 /
# 0.802 / 0.803 / 0.805 at weight 1 / 1.5 / 2 / 3 over the top 20 with the question encoded on its
# own; 1.5 is the smallest weight within 0.005 of the best, with the best hit@5. Shipped, the
# question's word pieces come from the first stage's run (no second encoding): 0.798 / 0.799 / 0.799
# at 1 / 1.5 / 2.
RERANK_TOP = 20
RERANK_WEIGHT = 1.5
TOKEN_VECTORS = "token_vectors.npy"  # every passage's token vectors, float16, one after another
TOKEN_OFFSETS = "token_offsets.npy"  # passage i's rows: offsets[i]:offsets[i + 1]


def rerank_enabled() -> bool:
    return os.environ.get("KB_RERANK", "1").strip().lower() not in ("0", "off", "false", "no")


def maxsim(query_tokens: np.ndarray, passage_tokens: np.ndarray) -> float:
    """Mean over the question's token vectors of the best cosine to one of the passage's."""
    if not len(query_tokens) or not len(passage_tokens):
        return 0.0
    similarities = np.asarray(query_tokens, dtype=np.float32) @ np.asarray(passage_tokens, dtype=np.float32).T
    return float(similarities.max(axis=1).mean())


def late_interaction(
    query_tokens: np.ndarray, token_vectors: np.ndarray, offsets: np.ndarray, passages: list[int]
) -> np.ndarray:
    """MaxSim of the question against each listed passage (positions into the index), as one
    matrix product over all their word pieces (one BLAS call, not one a passage)."""
    scores = np.zeros(len(passages), dtype=np.float32)
    spans = [(int(offsets[i]), int(offsets[i + 1])) for i in passages]
    present = [j for j, (start, end) in enumerate(spans) if end > start]
    if not len(query_tokens) or not present:
        return scores
    rows = np.concatenate([token_vectors[spans[j][0] : spans[j][1]] for j in present]).astype(np.float32)
    similarities = np.asarray(query_tokens, dtype=np.float32) @ rows.T
    starts = np.cumsum([0] + [spans[j][1] - spans[j][0] for j in present[:-1]])
    best = np.maximum.reduceat(similarities, starts, axis=1)  # per question piece, per passage
    scores[present] = best.mean(axis=0)
    return scores


def stack_tokens(per_passage: list[np.ndarray], dimension: int) -> tuple[np.ndarray, np.ndarray]:
    """The token vectors of every passage in one float16 matrix, with the offsets of each."""
    offsets = np.zeros(len(per_passage) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(t) for t in per_passage])
    if not per_passage or offsets[-1] == 0:
        return np.zeros((0, dimension), dtype=np.float16), offsets
    return np.concatenate([np.asarray(t, dtype=np.float16) for t in per_passage]), offsets
