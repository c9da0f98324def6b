"""Dense index kinds: chosen by size, configurable, and close to exact search on structured data."""

from __future__ import annotations

import numpy as np
import pytest

from kb.retrieval.dense import (
    FLAT_UP_TO,
    IVF_UP_TO,
    ReRanked,
    build_dense_index,
    choose_index_kind,
    index_kind,
    ivf_lists_for,
    open_dense,
)


def embedding_like(count: int, dimension: int = 64, seed: int = 0) -> np.ndarray:
    """Unit vectors with a decaying spectrum and a common offset, like sentence embeddings
    (uniform noise would make every neighbour equally far and no ANN index meaningful)."""
    rotation = np.linalg.qr(np.random.default_rng(0).standard_normal((dimension, dimension)))[0]
    offset = np.random.default_rng(0).standard_normal(dimension) * 0.1
    z = np.random.default_rng(seed).standard_normal((count, dimension)) / np.arange(1, dimension + 1) ** 0.75
    rows = z @ rotation + offset
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def recall_at_10(index, vectors: np.ndarray, queries: np.ndarray) -> float:
    exact, _ = build_dense_index(vectors, "flat")
    _, truth = exact.search(queries, 10)
    _, found = index.search(queries, 10)
    return float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)]))


def test_kind_follows_corpus_size(monkeypatch):
    monkeypatch.delenv("KB_DENSE_INDEX", raising=False)
    assert choose_index_kind(800) == "flat"
    assert choose_index_kind(FLAT_UP_TO) == "flat"
    assert choose_index_kind(FLAT_UP_TO + 1) == "ivf"
    assert choose_index_kind(IVF_UP_TO + 1) == "ivfpq"


def test_kind_can_be_forced_and_a_wrong_name_is_refused(monkeypatch):
    monkeypatch.setenv("KB_DENSE_INDEX", "ivf")
    assert choose_index_kind(10) == "ivf"
    monkeypatch.setenv("KB_DENSE_INDEX", "auto")
    assert choose_index_kind(10) == "flat"
    monkeypatch.setenv("KB_DENSE_INDEX", "annoy")
    with pytest.raises(ValueError, match="KB_DENSE_INDEX"):
        choose_index_kind(10)


def test_ivf_list_count_grows_with_the_square_root_of_size():
    assert ivf_lists_for(1_000_000) == 4096
    assert ivf_lists_for(100_000) == 1024
    assert ivf_lists_for(100) == 32
    assert ivf_lists_for(10) == 16


def test_flat_search_finds_each_vector_as_its_own_nearest_neighbour():
    vectors = embedding_like(500)
    index, kind = build_dense_index(vectors, "flat")
    scores, ids = index.search(vectors[:20], 1)
    assert kind == "flat"
    assert list(ids[:, 0]) == list(range(20))
    assert np.allclose(scores[:, 0], 1.0, atol=1e-5)


# IVF-PQ keeps 8 one-byte codes for these 64 dims and is trained on few points here, so its
# floor is lower; at 384 dims on the synthetic corpus it reaches 0.99 (bench/scale.md).
@pytest.mark.parametrize(("kind", "floor"), [("hnsw", 0.95), ("ivf", 0.95), ("ivfpq", 0.8)])
def test_approximate_kinds_stay_close_to_exact_search(kind, floor, tmp_path):
    import faiss

    vectors = embedding_like(6000)
    queries = embedding_like(50, seed=1)
    index, built = build_dense_index(vectors, kind)
    faiss.write_index(index, str(tmp_path / "dense.faiss"))
    np.save(tmp_path / "vectors.npy", vectors)
    served = open_dense(tmp_path, np.load(tmp_path / "vectors.npy", mmap_mode="r"), backend="faiss")
    assert built == kind and index_kind(faiss.read_index(str(tmp_path / "dense.faiss"))) == kind
    if kind == "ivfpq":
        assert isinstance(served, ReRanked)  # PQ codes re-scored with the exact vectors
    assert recall_at_10(served, vectors, queries) >= floor


def test_reranked_pq_returns_exact_inner_products_best_first():
    vectors = embedding_like(3000)
    index, _ = build_dense_index(vectors, "ivfpq")
    scores, ids = ReRanked(index, vectors, factor=4).search(vectors[:5], 10)
    for row in range(5):
        valid = ids[row] >= 0
        assert np.allclose(scores[row][valid], vectors[ids[row][valid]] @ vectors[row], atol=1e-5)
        assert list(scores[row][valid]) == sorted(scores[row][valid], reverse=True)
