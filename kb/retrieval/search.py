"""Hybrid retrieval: dense (FAISS) + sparse (BM25) + fusion, with glossary query expansion.

`Searcher.search` is what `kb search`, the app and the evaluation's `kb` method all call.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

import numpy as np

from kb.citation import cite
from kb.config import Settings
from kb.model import Hit
from kb.retrieval.encoder import Encoder, get_encoder
from kb.retrieval.fusion import dense_plus_keyword, reciprocal_rank
from kb.retrieval.glossary import expand_query, spell_out
from kb.retrieval.index import LoadedIndex, load_index, read_pointer
from kb.retrieval.intents import intent_lift, question_intents
from kb.retrieval.rerank import RERANK_TOP, RERANK_WEIGHT, late_interaction, rerank_enabled
from kb.retrieval.sparse import sparse_scores

CANDIDATES = 100
RRF_K = 60
FUSION = os.environ.get("KB_FUSION", "convex")  # convex | rrf (see kb eval for both)
# Chosen on the dev + independent sets (99 questions): 0.1 / 0.15 / 0.2 gave 78 / 80 / 81
# hits@5 and MRR@10 0.62 / 0.61 / 0.59 (docs/retrieval.md).
KEYWORD_WEIGHT = 0.3
# How much the question's similarity to a passage's heading path (chapter > section) adds:
# the section titles say what a passage is for. 0.2-0.5 all lifted dev MRR@10 0.59 -> ~0.65.
HEADING_WEIGHT = 0.15
# How much a passage gains when its section answers the kind of question asked (kb/retrieval/intents.py:
# "what do I do" -> action sections, "how would I spot" -> indicators…). Small: a tie-breaker
# among passages on the same topic. First 0.05 (dev + independent sets); then a joint grid over
# dev, independent and blind2 (149 questions; kw 0-0.3 x hw 0-0.5 x intent 0/0.05/0.1) found a
# flat plateau, with 0.1 a little better on all three than 0.05 at the shipped kw/hw
# (docs/retrieval.md). blind3 was kept out of it.
INTENT_WEIGHT = 0.1
# How much the query's cosine to the best-matching written question of a passage adds (the
# question index, kb/retrieval/questions.py). Weights chosen on the questions' validation split
# only (docs/retrieval.md): questions 0.5, keyword 0.3 (BM25 now over text + questions).
QUESTION_WEIGHT = 0.5
# Passages the question index alone brings into the candidates (beside dense and BM25's).
QUESTION_CANDIDATES = 30
MAX_QUERY_CHARS = 2000


@dataclass(frozen=True)
class Filters:
    area: str | None = None
    type: str | None = None
    status: str | None = None  # 'current' hides superseded material

    def allows(self, area: str, doc_type: str, status: str) -> bool:
        return (
            (self.area is None or area == self.area)
            and (self.type is None or doc_type == self.type)
            and (self.status is None or status == self.status)
        )


def top_n(scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the n best scores, best first, ties by position: the same order as a stable
    argsort of -scores, without sorting every passage (75 ms -> 5 ms at 1 M passages)."""
    if n >= len(scores):
        return np.argsort(-scores, kind="stable")
    cutoff = np.partition(scores, len(scores) - n)[len(scores) - n]
    candidates = np.flatnonzero(scores >= cutoff)  # ties at the cutoff all compete, as in a full sort
    return candidates[np.lexsort((candidates, -scores[candidates]))][:n]


class Searcher:
    """Answers questions from one loaded build. Cheap to call; load it once per process."""

    def __init__(self, index: LoadedIndex, encoder: Encoder | None) -> None:
        self.index = index
        self.encoder = encoder
        docs = [index.documents[p.doc_id] for p in index.passages]
        self._area = np.array([d.area for d in docs])
        self._type = np.array([d.type for d in docs])
        self._status = np.array([d.status for d in docs])

    # -- the parts -------------------------------------------------------------------------
    def _mask(self, filters: Filters) -> np.ndarray:
        mask = np.ones(len(self.index.passages), dtype=bool)
        if filters.area:
            mask &= self._area == filters.area
        if filters.type:
            mask &= self._type == filters.type
        if filters.status:
            mask &= self._status == filters.status
        return mask

    def dense_ranking(
        self, query: str, mask: np.ndarray, n: int = CANDIDATES
    ) -> tuple[list[int], np.ndarray]:
        if self.encoder is None:
            raise RuntimeError("dense search needs an encoder")
        vector = self.encoder.encode_query(query).reshape(1, -1)
        total = len(self.index.passages)
        fetch = total if not mask.all() and total <= 50_000 else min(total, n)
        scores, ids = self.index.dense.search(vector, fetch)
        ranking = [int(i) for i in ids[0] if i >= 0 and mask[i]][:n]
        full = np.full(total, -1.0, dtype=np.float32)
        full[ids[0][ids[0] >= 0]] = scores[0][ids[0] >= 0]
        return ranking, full

    def sparse_ranking(
        self, query: str, mask: np.ndarray, n: int = CANDIDATES
    ) -> tuple[list[int], np.ndarray]:
        scores = sparse_scores(self.index.sparse, query)
        scores = np.where(mask, scores, 0.0)
        order = top_n(scores, n)
        return [int(i) for i in order if scores[i] > 0], scores

    def keyword_ids(self, query: str, k: int = 10) -> list[str]:
        ranking, _ = self.sparse_ranking(query, np.ones(len(self.index.passages), dtype=bool), k)
        return [self.index.passages[i].id for i in ranking]

    # -- the methods -----------------------------------------------------------------------
    def rank(
        self,
        query: str,
        method: str = "kb",
        filters: Filters | None = None,
        k: int = 10,
        timings: dict[str, float] | None = None,
    ) -> list[tuple[int, float, dict[str, float]]]:
        """(passage position, score, per-method scores) best first, for method kb|dense|keyword.

        `timings`, if given, receives seconds per stage of a kb query (encode, dense, sparse,
        fusion) for `kb bench`; the query vector is then encoded first so dense excludes it."""
        query = query.strip()[:MAX_QUERY_CHARS]
        if not query:
            return []
        mask = self._mask(filters or Filters())
        expansion = expand_query(query)
        if method == "keyword":
            ranking, scores = self.sparse_ranking(query, mask)
            return [(i, float(scores[i]), {"keyword": float(scores[i])}) for i in ranking[:k]]
        if method == "dense":
            ranking, scores = self.dense_ranking(query, mask)
            return [(i, float(scores[i]), {"dense": float(scores[i])}) for i in ranking[:k]]
        with one_blas_thread():
            return self._rank_kb(query, mask, expansion, k, timings)

    def _rank_kb(
        self, query: str, mask: np.ndarray, expansion: str, k: int, timings: dict[str, float] | None
    ) -> list[tuple[int, float, dict[str, float]]]:
        clock = time.perf_counter
        t0 = clock()
        if timings is not None and self.encoder is not None:
            self.encoder.encode_query(spell_out(query))  # cached: dense_ranking reuses it
        t1 = clock()
        dense_query = spell_out(query)
        dense_rank, dense_scores = self.dense_ranking(dense_query, mask)
        t2 = clock()
        sparse_rank, sparse_scores_ = self.sparse_ranking(f"{query} {expansion}".strip(), mask)
        t3 = clock()
        asked = question_intents(query) if FUSION != "rrf" else frozenset()
        best, parts = self._fuse(
            asked=asked,
            query=query,
            vector_query=dense_query,
            dense_rank=dense_rank,
            sparse_rank=sparse_rank,
            sparse_scores=sparse_scores_,
            mask=mask,
            k=k,
        )
        if timings is not None:
            stages = {"encode": t1 - t0, "dense": t2 - t1, "sparse": t3 - t2, "fusion": clock() - t3}
            timings.update(stages)
        return [
            (
                i,
                score,
                {"dense": float(dense_scores[i]), "keyword": float(sparse_scores_[i]), **parts.get(i, {})},
            )
            for i, score in best
        ]

    def question_match(self, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per passage: the query's best cosine to one of its written questions (0 without any)
        and that question's row (-1 without any)."""
        total = len(self.index.passages)
        best = np.zeros(total, dtype=np.float32)
        which = np.full(total, -1, dtype=np.int64)
        questions = self.index.question_vectors
        if questions is None or not len(questions):
            return best, which
        sims = np.asarray(questions, dtype=np.float32) @ vector
        owner = self.index.question_owner
        order = np.argsort(sims, kind="stable")  # ascending: the best row of an owner is written last
        best[owner[order]] = np.maximum(sims[order], 0.0)
        which[owner[order]] = order
        return best, which

    def _fuse(
        self,
        asked: frozenset[str],
        query: str,
        vector_query: str,
        dense_rank: list[int],
        sparse_rank: list[int],
        sparse_scores: np.ndarray,
        mask: np.ndarray,
        k: int,
    ) -> tuple[list[tuple[int, float]], dict[int, dict[str, float]]]:
        """Fuse the rankings by FUSION ('convex': cosine + scaled BM25 + heading similarity +
        best written question + question-intent lift, the default; 'rrf': reciprocal rank
        fusion). Returns the best k (position, score) and each one's score parts."""
        if FUSION == "rrf":
            fused = reciprocal_rank([dense_rank, sparse_rank], k=RRF_K)
            return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k], {}
        vector = self.encoder.encode_query(vector_query)
        question_best, question_row = self.question_match(vector)
        by_question = [int(i) for i in top_n(np.where(mask, question_best, 0.0), QUESTION_CANDIDATES)]
        by_question = [i for i in by_question if question_best[i] > 0]
        candidates = np.array(sorted(set(dense_rank) | set(sparse_rank) | set(by_question)), dtype=np.int64)
        if candidates.size == 0:
            return [], {}
        cosine = np.asarray(self.index.vectors[candidates], dtype=np.float32) @ vector
        fused = dense_plus_keyword(cosine, sparse_scores[candidates], KEYWORD_WEIGHT)
        if self.index.heading_vectors is not None:
            headings = np.asarray(self.index.heading_vectors[candidates], dtype=np.float32)
            fused = fused + HEADING_WEIGHT * (headings @ vector)
        question_part = QUESTION_WEIGHT * question_best[candidates]
        fused = fused + question_part
        intent_part = np.zeros(len(candidates), dtype=np.float32)
        if asked and INTENT_WEIGHT:
            passages = self.index.passages
            intent_part = INTENT_WEIGHT * np.array(
                [intent_lift(asked, passages[i].heading_path) for i in candidates], dtype=np.float32
            )
            fused = fused + intent_part
        rerank_part = self._rerank(query, vector_query, candidates, fused)
        fused = fused + rerank_part
        order = np.lexsort((candidates, -fused))[:k]
        nearest_question = float(question_best.max()) if len(question_best) else 0.0
        parts: dict[int, dict[str, float]] = {}
        for j in order:
            i = int(candidates[j])
            # the question-intent lift inside `score`: a tie-breaker, not relevance
            parts[i] = {"intent": float(intent_part[j]), "questions": float(question_part[j])}
            parts[i]["question_nearest"] = nearest_question  # the query's best written question anywhere
            if self.reranks:
                parts[i]["rerank"] = float(rerank_part[j])
            if question_row[i] >= 0:
                parts[i]["matched_question_row"] = float(question_row[i])
        return [(int(candidates[j]), float(fused[j])) for j in order], parts

    @property
    def reranks(self) -> bool:
        """Whether the late-interaction reranker runs: its token vectors are in the build, the
        encoder gives token vectors, and KB_RERANK is not 0."""
        return (
            self.index.token_vectors is not None
            and self.encoder is not None
            and hasattr(self.encoder, "encode_query_tokens")
            and rerank_enabled()
        )

    def _rerank(
        self, query: str, vector_query: str, candidates: np.ndarray, fused: np.ndarray
    ) -> np.ndarray:
        """RERANK_WEIGHT x MaxSim for the fused top RERANK_TOP (0 elsewhere; kb.retrieval.rerank).
        The question's word pieces come from the first stage's model run over `vector_query` (the
        question with its expansions spelled out after it); only the question's own are read."""
        part = np.zeros(len(candidates), dtype=np.float32)
        if not self.reranks or not len(candidates):
            return part
        top = np.lexsort((candidates, -fused))[:RERANK_TOP]
        query_tokens = self.encoder.encode_query_tokens(vector_query, prefix=query)
        passages = [int(candidates[j]) for j in top]
        scores = late_interaction(query_tokens, self.index.token_vectors, self.index.token_offsets, passages)
        part[top] = RERANK_WEIGHT * scores
        return part

    def search(self, query: str, k: int = 5, filters: Filters | None = None, method: str = "kb") -> list[Hit]:
        hits = []
        for rank, (i, score, parts) in enumerate(self.rank(query, method, filters, k), start=1):
            passage = self.index.passages[i]
            doc = self.index.documents[passage.doc_id]
            row = parts.pop("matched_question_row", None)
            matched = self.index.question_texts[int(row)] if row is not None else ""
            hit = Hit(rank, score, passage, doc, cite(doc, passage), passage.levels, parts, matched)
            hits.append(hit)
        return hits


_LOCK = threading.Lock()
_CACHE: dict[tuple[str, str], Searcher] = {}
_BLAS: list = []


def one_blas_thread():
    """numpy's BLAS on one thread for a query's small products: OpenBLAS's two spinning threads
    made the reranker's 30 x 3,500 product 16 ms instead of 1-2 ms on the shared 2 cores (and
    ONNX Runtime already uses both). Process-wide while it lasts; only speed depends on it."""
    if not _BLAS:
        from threadpoolctl import ThreadpoolController

        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


def get_searcher(settings: Settings | None = None, with_encoder: bool = True) -> Searcher:
    """The process-wide searcher for the serving build; reloads when a new build is switched in.

    `with_encoder=False` skips loading the model (for commands that only read passages); a later
    call that needs the model adds it to the same searcher."""
    settings = settings or Settings.from_env()
    build = read_pointer(settings.index_dir)
    key = (str(settings.index_dir), build.name if build else "")
    with _LOCK:
        searcher = _CACHE.get(key)
        if searcher is None:
            searcher = Searcher(load_index(settings.index_dir, build), None)
            _CACHE.clear()
            _CACHE[key] = searcher
        if with_encoder and searcher.encoder is None:
            manifest = searcher.index.manifest
            # Queries must be encoded as the passages were: same model, same backend.
            searcher.encoder = get_encoder(
                manifest.get("model", settings.model), manifest.get("encoder_backend")
            )
        return searcher
