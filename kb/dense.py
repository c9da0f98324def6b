"""Dense vector index: FAISS inner product on normalised vectors, type chosen by corpus size."""

from __future__ import annotations

import os

import numpy as np

FLAT_UP_TO = 50_000  # exact search is fastest and simplest below this many passages
HNSW_UP_TO = 2_000_000


def choose_index_kind(count: int) -> str:
    """'flat' for small corpora, 'hnsw' for large ones; KB_DENSE_INDEX overrides."""
    forced = os.environ.get("KB_DENSE_INDEX")
    if forced:
        return forced
    return "flat" if count <= FLAT_UP_TO else "hnsw"


def build_dense_index(vectors: np.ndarray, kind: str | None = None):
    """A FAISS index over the rows of `vectors` (already L2-normalised), and its kind."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    kind = kind or choose_index_kind(len(vectors))
    dimension = vectors.shape[1]
    if kind == "flat":
        index = faiss.IndexFlatIP(dimension)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 96
    else:
        raise ValueError(f"unknown dense index kind {kind!r} (flat | hnsw)")
    index.add(vectors)
    return index, kind
