"""Encoder backends compute the same embedding; the query cache is a real LRU."""

from __future__ import annotations

import os

import numpy as np
import pytest

from kb.retrieval.encoder import BACKENDS, Encoder, QueryCache, backend_from_env, get_encoder

os.environ.setdefault("HF_HUB_OFFLINE", "1")

TEXTS = [
    "What should I do if a child discloses sexual abuse?",
    "Forced marriage: never attempt mediation with the family.",
    "gangs county lines exploitation referral to the MASH within one working day, and the strategy "
    "discussion that follows when there is reasonable cause to suspect significant harm " * 3,
    "x",
]


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return get_encoder(backend="torch").encode(TEXTS)


@pytest.mark.parametrize(("backend", "floor"), [("onnx", 0.99), ("onnx-int8", 0.97)])
def test_onnx_backends_give_near_identical_vectors_to_torch(backend, floor, reference):
    vectors = get_encoder(backend=backend).encode(TEXTS)
    assert vectors.shape == reference.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() >= floor, cosines


def test_batch_encoding_keeps_input_order_and_matches_single_encoding():
    encoder = get_encoder(backend="onnx")
    batch = encoder.encode(TEXTS, batch_size=2)
    singles = np.stack([encoder.encode([t])[0] for t in TEXTS])
    assert np.allclose(batch, singles, atol=1e-4)


def test_empty_input_gives_an_empty_matrix_of_the_right_width():
    encoder = get_encoder(backend="onnx-int8")
    assert encoder.encode([]).shape == (0, encoder.dimension) == (0, 384)


def test_repeated_query_is_served_from_the_cache():
    encoder = get_encoder(backend="onnx-int8")
    encoder.query_cache.clear()
    first = encoder.encode_query("neglect of a baby")
    assert "neglect of a baby" in encoder.query_cache
    assert encoder.encode_query("neglect of a baby") is first
    with pytest.raises(ValueError):
        first[0] = 1.0  # cached vectors are read-only, so a caller cannot corrupt later answers


def test_query_cache_evicts_the_least_recently_used_entry():
    cache = QueryCache(size=2)
    cache.put("a", np.zeros(1))
    cache.put("b", np.zeros(1))
    assert cache.get("a") is not None  # "a" is now the most recently used
    cache.put("c", np.zeros(1))
    assert "a" in cache and "c" in cache and "b" not in cache
    assert len(cache) == 2


def test_backend_comes_from_the_environment_and_unknown_names_are_refused(monkeypatch):
    monkeypatch.setenv("KB_ENCODER_BACKEND", "torch")
    assert backend_from_env() == "torch"
    monkeypatch.setenv("KB_ENCODER_BACKEND", "tensorflow")
    with pytest.raises(ValueError, match="KB_ENCODER_BACKEND"):
        backend_from_env()
    with pytest.raises(ValueError, match="unknown encoder backend"):
        Encoder(backend="tensorflow")
    assert set(BACKENDS) == {"torch", "onnx", "onnx-int8"}


def test_onnx_export_goes_to_the_configured_cache(tmp_path, monkeypatch):
    from pathlib import Path

    from kb.retrieval.encoder import onnx_model_file, resolve_model_path

    monkeypatch.setenv("KB_ENCODER_CACHE", str(tmp_path))
    path = onnx_model_file(Path(resolve_model_path("all-MiniLM-L6-v2")), quantised=True)
    assert path.is_file() and tmp_path in path.parents
    assert (path.parent / "model.onnx").is_file()
    assert path.stat().st_size < (path.parent / "model.onnx").stat().st_size  # int8 weights
