"""Retrieval: a question -> ranked, cited passages from the built index.

`Searcher` (search.py) is the facade; its parts are one concern each: `encoder` (text ->
vectors), `index` (the built artefacts on disk), `dense` (FAISS / Qdrant), `sparse` (BM25),
`fusion` (score fusion), `glossary` (acronym and lay-term expansion), `intents` (which kind of
section a question wants); `evaluate` scores a question set. The rest of the project needs
only the names below.
"""

from kb.retrieval.index import LoadedIndex, load_index, read_pointer
from kb.retrieval.search import Filters, Searcher, get_searcher

__all__ = ["Filters", "LoadedIndex", "Searcher", "get_searcher", "load_index", "read_pointer"]
