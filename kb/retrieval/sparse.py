"""Keyword index: BM25 (bm25s) with English stemming and stop words, saved as plain arrays."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np


@lru_cache(maxsize=1)
def stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]):
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=stemmer(), show_progress=False)


def build_sparse(texts: list[str], folder: Path) -> None:
    import bm25s

    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index(tokenize(texts), show_progress=False)
    retriever.save(str(folder))


def sparse_scores(retriever, query: str) -> np.ndarray:
    """BM25 score of every passage for the query (zeros when no query word is indexed)."""
    import bm25s

    tokens = bm25s.tokenize(
        [query], stopwords="en", stemmer=stemmer(), show_progress=False, return_ids=False
    )[0]
    vocab = retriever.vocab_dict
    known = [t for t in tokens if t in vocab]
    if not known:
        return np.zeros(retriever.scores["num_docs"], dtype=np.float32)
    return retriever.get_scores(known).astype(np.float32)
