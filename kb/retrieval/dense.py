"""Dense vector index: inner product on L2-normalised vectors, behind one small interface.

Every backend answers `search(queries, k) -> (scores, ids)` exactly like a FAISS index (float32
scores and int64 positions, shape (len(queries), k), -1 where nothing was found), so
kb.retrieval.search never knows which one serves it:
  faiss   (default) the index file in the build: flat, HNSW, IVF or IVF-PQ, chosen by size
  qdrant  a Qdrant collection: embedded in-process (tests, one machine) or a server/cluster
          (national deployment) - KB_VECTOR_BACKEND=qdrant, see docs/scale.md
The size thresholds come from the scale study (bench/scale.json, docs/scale.md).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

KINDS = ("flat", "hnsw", "ivf", "ivfpq")
VECTOR_BACKENDS = ("faiss", "qdrant")
FLAT_UP_TO = 50_000  # exact search is fast enough (a few ms) and needs no tuning below this
IVF_UP_TO = 5_000_000  # above this the full-precision vectors (1.5 GB a million) outgrow RAM


class DenseIndex(Protocol):
    """What kb.retrieval.search needs from a vector index (a FAISS index satisfies it as is)."""

    ntotal: int

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass(frozen=True)
class DenseParams:
    """Build and search parameters per kind; at 1 M synthetic passages (bench/scale.md) IVF with
    nprobe=32 reached recall@10 0.998, HNSW with efSearch=256 0.976, IVF-PQ re-ranked x10 0.973."""

    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef_search: int = 256
    ivf_lists: int = 0  # 0: about 4 * sqrt(n), a power of two
    ivf_probe: int = 32
    pq_dims_per_code: int = 8  # one 8-bit code per 8 dimensions: 48 bytes for a 384-d vector
    pq_refine: int = 10  # re-rank k * pq_refine PQ candidates with the exact vectors (ReRanked)


def choose_index_kind(count: int) -> str:
    """'flat' up to FLAT_UP_TO passages, 'ivf' up to IVF_UP_TO, then 'ivfpq'.

    IVF beat HNSW at 1 M in the scale study: higher recall at lower latency, 40 % faster to
    build, 250 MB less memory. HNSW stays available (no training step, robust to drift).

    KB_DENSE_INDEX=flat|hnsw|ivf|ivfpq (or 'auto') overrides the choice.
    """
    forced = os.environ.get("KB_DENSE_INDEX", "").strip().lower()
    if forced and forced != "auto":
        if forced not in KINDS:
            raise ValueError(f"KB_DENSE_INDEX={forced!r}: choose auto or one of {', '.join(KINDS)}")
        return forced
    if count <= FLAT_UP_TO:
        return "flat"
    return "ivf" if count <= IVF_UP_TO else "ivfpq"


def ivf_lists_for(count: int, params: DenseParams = DenseParams()) -> int:
    if params.ivf_lists:
        return params.ivf_lists
    target = 4 * math.sqrt(max(count, 1))
    return int(max(16, min(65536, 2 ** round(math.log2(target)))))


def build_dense_index(vectors: np.ndarray, kind: str | None = None, params: DenseParams = DenseParams()):
    """A FAISS index over the rows of `vectors` (already L2-normalised), and its kind."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    kind = kind or choose_index_kind(len(vectors))
    dimension = vectors.shape[1]
    metric = faiss.METRIC_INNER_PRODUCT
    if kind == "flat":
        index = faiss.IndexFlatIP(dimension)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, params.hnsw_m, metric)
        index.hnsw.efConstruction = params.hnsw_ef_construction
    elif kind in ("ivf", "ivfpq"):
        lists = ivf_lists_for(len(vectors), params)
        codes = dimension // params.pq_dims_per_code  # "np": skip polysemous training (slow, unused)
        spec = f"IVF{lists},Flat" if kind == "ivf" else f"IVF{lists},PQ{codes}np"
        index = faiss.index_factory(dimension, spec, metric)
        faiss.extract_index_ivf(index).cp.niter = 10  # k-means converges well enough; 2.5x faster
        train = vectors
        if len(vectors) > 40 * lists:  # faiss wants >= 39 training points a list
            pick = np.random.default_rng(0).choice(len(vectors), 40 * lists, replace=False)
            train = vectors[np.sort(pick)]
        index.train(train)
    else:
        raise ValueError(f"unknown dense index kind {kind!r} ({' | '.join(KINDS)})")
    index.add(vectors)
    tune(index, kind, params)
    return index, kind


def index_kind(index: Any) -> str:
    """The kind of a FAISS index read back from disk."""
    import faiss

    if isinstance(index, faiss.IndexHNSW):
        return "hnsw"
    if isinstance(index, faiss.IndexIVFPQ):
        return "ivfpq"
    if isinstance(index, faiss.IndexIVF):
        return "ivf"
    return "flat"


def tune(index: Any, kind: str, params: DenseParams = DenseParams()) -> None:
    """Set search-time parameters (not all are kept in the index file); env overrides them."""
    import faiss

    if kind == "hnsw":
        index.hnsw.efSearch = int(os.environ.get("KB_HNSW_EF_SEARCH", params.hnsw_ef_search))
    elif kind in ("ivf", "ivfpq"):
        faiss.extract_index_ivf(index).nprobe = int(os.environ.get("KB_IVF_PROBE", params.ivf_probe))


def single_threaded_search() -> None:
    """One OpenMP thread for FAISS in a serving process (KB_FAISS_THREADS overrides).

    A query is one vector: threads buy nothing, and on a busy 2-core machine OpenMP's spinning
    threads made a 20 k flat search take 47 ms instead of 1 ms (docs/scale.md).
    """
    import faiss

    faiss.omp_set_num_threads(int(os.environ.get("KB_FAISS_THREADS", "1")))


def vector_backend() -> str:
    backend = os.environ.get("KB_VECTOR_BACKEND", "").strip().lower() or "faiss"
    if backend not in VECTOR_BACKENDS:
        raise ValueError(f"KB_VECTOR_BACKEND={backend!r}: choose one of {', '.join(VECTOR_BACKENDS)}")
    return backend


def open_dense(build_dir: Path, vectors: np.ndarray, backend: str | None = None) -> DenseIndex:
    """The dense index of a build, from the configured backend (KB_VECTOR_BACKEND)."""
    backend = backend or vector_backend()
    if backend == "qdrant":
        return QdrantDense.for_build(build_dir, vectors)
    import faiss

    single_threaded_search()
    index = faiss.read_index(str(build_dir / "dense.faiss"))
    kind = index_kind(index)
    tune(index, kind)
    return ReRanked(index, vectors) if kind == "ivfpq" else index


class ReRanked:
    """IVF-PQ candidates re-scored exactly from the full vectors (vectors.npy, memory-mapped).

    PQ codes alone are 48 bytes a passage but rank only approximately; re-scoring k * factor
    candidates restores the order while the full vectors stay on disk (in the page cache).
    """

    def __init__(self, index: Any, vectors: np.ndarray, factor: int = DenseParams().pq_refine) -> None:
        self.index = index
        self.vectors = vectors
        self.factor = factor
        self.ntotal = int(index.ntotal)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        _, candidates = self.index.search(queries, k * self.factor)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        for row, query in enumerate(queries):
            found = np.sort(candidates[row][candidates[row] >= 0])
            exact = np.asarray(self.vectors[found], dtype=np.float32) @ query
            best = np.argsort(-exact, kind="stable")[:k]
            scores[row, : len(best)] = exact[best]
            ids[row, : len(best)] = found[best]
        return scores, ids


def _cluster_layout() -> dict[str, int]:
    """Shards and replicas for a Qdrant cluster (KB_QDRANT_SHARDS, KB_QDRANT_REPLICAS); none locally."""
    layout = {}
    for env, key in (("KB_QDRANT_SHARDS", "shard_number"), ("KB_QDRANT_REPLICAS", "replication_factor")):
        if os.environ.get(env):
            layout[key] = int(os.environ[env])
    return layout


class QdrantDense:
    """A Qdrant collection with the FAISS search signature; point id = passage position.

    Where it lives (docs/scale.md): KB_QDRANT_URL (+ KB_QDRANT_API_KEY) for a server or cluster,
    KB_QDRANT_PATH for an embedded on-disk store, else an embedded in-memory store filled from
    the build's vectors.npy. The collection is named after the build, so a new build is a new
    collection and `kb rollback` still finds the old one.
    """

    UPLOAD_BATCH = 1024

    def __init__(self, client: Any, collection: str, count: int) -> None:
        self.client = client
        self.collection = collection
        self.ntotal = count

    @classmethod
    def for_build(cls, build_dir: Path, vectors: np.ndarray) -> QdrantDense:
        from qdrant_client import QdrantClient

        url = os.environ.get("KB_QDRANT_URL")
        path = os.environ.get("KB_QDRANT_PATH")
        if url:
            client = QdrantClient(url=url, api_key=os.environ.get("KB_QDRANT_API_KEY"), prefer_grpc=True)
        elif path:
            client = QdrantClient(path=path)
        else:
            client = QdrantClient(location=":memory:")
        return cls.from_vectors(client, f"kb-{build_dir.name}", vectors)

    @classmethod
    def from_vectors(cls, client: Any, collection: str, vectors: np.ndarray) -> QdrantDense:
        """Open the collection, creating and filling it first unless it already holds these rows."""
        from qdrant_client import models

        vectors = np.asarray(vectors, dtype=np.float32)
        exists = client.collection_exists(collection)
        if exists and client.count(collection, exact=True).count == len(vectors):
            return cls(client, collection, len(vectors))
        if exists:
            client.delete_collection(collection)
        client.create_collection(
            collection,
            vectors_config=models.VectorParams(size=int(vectors.shape[1]), distance=models.Distance.DOT),
            **_cluster_layout(),
        )
        for start in range(0, len(vectors), cls.UPLOAD_BATCH):
            chunk = vectors[start : start + cls.UPLOAD_BATCH]
            client.upsert(
                collection,
                points=models.Batch(ids=list(range(start, start + len(chunk))), vectors=chunk.tolist()),
                wait=True,
            )
        return cls(client, collection, len(vectors))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        for row, query in enumerate(queries):
            points = self.client.query_points(
                self.collection, query=query.tolist(), limit=k, with_payload=False
            ).points
            for col, point in enumerate(points[:k]):
                scores[row, col] = point.score
                ids[row, col] = int(point.id)
        return scores, ids
