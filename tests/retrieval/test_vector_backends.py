"""The same retrieval tests against each vector backend: FAISS and Qdrant (embedded local mode)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from kb.retrieval.dense import QdrantDense, open_dense
from kb.retrieval.index import current_build, load_index
from kb.retrieval.search import Filters, Searcher

os.environ.setdefault("HF_HUB_OFFLINE", "1")
BACKENDS = ("faiss", "qdrant")


@pytest.fixture(scope="module", params=BACKENDS)
def backend_searcher(request, fixture_settings) -> Searcher:
    from kb.retrieval.encoder import get_encoder

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KB_VECTOR_BACKEND", request.param)
        patch.delenv("KB_QDRANT_URL", raising=False)
        patch.delenv("KB_QDRANT_PATH", raising=False)
        index = load_index(fixture_settings.index_dir)
    return Searcher(index, get_encoder(index.manifest["model"]))


def test_the_configured_backend_serves_the_dense_side(backend_searcher, request):
    backend = request.node.callspec.params["backend_searcher"]
    assert isinstance(backend_searcher.index.dense, QdrantDense) == (backend == "qdrant")
    assert backend_searcher.index.dense.ntotal == len(backend_searcher.index.passages)


def test_every_passage_is_its_own_nearest_neighbour(backend_searcher):
    vectors = np.asarray(backend_searcher.index.vectors, dtype=np.float32)
    scores, ids = backend_searcher.index.dense.search(vectors, 1)
    assert list(ids[:, 0]) == list(range(len(vectors)))
    assert np.allclose(scores[:, 0], 1.0, atol=1e-4)


def test_dense_ranking_matches_exact_inner_product(backend_searcher):
    query = "a girl is being taken abroad to marry"
    vector = backend_searcher.encoder.encode_query(query)
    exact = np.argsort(-(np.asarray(backend_searcher.index.vectors) @ vector), kind="stable")[:5]
    hits = backend_searcher.search(query, k=5, method="dense")
    assert [h.passage.id for h in hits] == [backend_searcher.index.passages[i].id for i in exact]


def test_question_returns_its_procedure_first_with_citation(backend_searcher):
    (first, *_) = backend_searcher.search("girl about to be taken abroad to be married", k=3)
    assert first.passage.doc_id == "ts-forced-marriage"
    assert first.citation == "Testshire SCP procedures, Forced marriage, 2. Actions"


def test_filters_keep_only_matching_documents(backend_searcher):
    hits = backend_searcher.search("referral threshold", k=10, filters=Filters(status="current"))
    assert hits and all(h.document.status == "current" for h in hits)
    hits = backend_searcher.search("referral threshold", k=10, filters=Filters(status="superseded"))
    assert hits and all(h.document.status == "superseded" for h in hits)


def test_an_embedded_qdrant_store_on_disk_is_reused_not_refilled(fixture_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_QDRANT_PATH", str(tmp_path / "qdrant"))
    build = current_build(fixture_settings.index_dir)
    vectors = np.load(build / "vectors.npy")
    first = open_dense(build, vectors, backend="qdrant")
    first.client.close()
    assert (tmp_path / "qdrant").is_dir()
    from qdrant_client import QdrantClient

    def refuse(*args, **kwargs):
        raise AssertionError("the stored collection was uploaded again")

    monkeypatch.setattr(QdrantClient, "upsert", refuse)
    second = open_dense(build, vectors, backend="qdrant")
    assert second.collection == f"kb-{build.name}" and second.ntotal == len(vectors)
    assert second.client.count(second.collection, exact=True).count == len(vectors)
    second.client.close()


def test_an_unknown_vector_backend_is_refused(monkeypatch, fixture_settings):
    monkeypatch.setenv("KB_VECTOR_BACKEND", "elasticsearch")
    with pytest.raises(ValueError, match="KB_VECTOR_BACKEND"):
        load_index(fixture_settings.index_dir)
