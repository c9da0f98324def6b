"""Score fusion for hybrid retrieval: each method short, pure and tested on its own."""

from __future__ import annotations

import numpy as np


def reciprocal_rank(
    rankings: list[list[int]], k: int = 60, weights: list[float] | None = None
) -> dict[int, float]:
    """RRF: sum over rankings of weight / (k + rank), rank starting at 1."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


def min_max(scores: np.ndarray) -> np.ndarray:
    lo, hi = float(scores.min()), float(scores.max())
    if hi - lo < 1e-9:
        return np.zeros_like(scores)
    return (scores - lo) / (hi - lo)


def convex(dense: np.ndarray, sparse: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """alpha * normalised dense + (1 - alpha) * normalised sparse, over the same candidates."""
    return alpha * min_max(dense) + (1.0 - alpha) * min_max(sparse)


def dense_plus_keyword(dense: np.ndarray, sparse: np.ndarray, weight: float = 0.1) -> np.ndarray:
    """Cosine similarity plus `weight` x BM25 scaled by the query's best BM25 score.

    Keeps the dense score's meaning (a cosine) and lets an exact keyword match lift a passage
    by at most `weight`; unlike RRF it does not bury a passage only one method finds."""
    top = float(sparse.max()) if sparse.size else 0.0
    return dense + (weight * sparse / top if top > 0 else 0.0)
