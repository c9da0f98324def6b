"""The index/ artefacts: plain files plus a manifest that says what built them.

Layout (builds are immutable; `current` names the one that serves, switched atomically):
    index/current            text file holding the name of the serving build
    index/previous           the build `kb rollback` returns to
    index/builds/<build_id>/ manifest.json, documents.json, passages.jsonl, vectors.npy,
                             heading_vectors.npy, question_vectors.npy, token_vectors.npy +
                             token_offsets.npy (the reranker's), dense.faiss, sparse/ (bm25s)
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from kb.errors import IndexMissingError, KBError
from kb.model import Document, Origin, Passage

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
CURRENT_POINTER = "current"
QUESTION_VECTORS = "question_vectors.npy"  # one row per written question, in passage order
PREVIOUS_POINTER = "previous"


@dataclass
class LoadedIndex:
    """Everything a query needs, loaded once per process (see kb.retrieval.search.get_searcher)."""

    build_dir: Path
    manifest: dict[str, Any]
    documents: dict[str, Document]
    passages: list[Passage]
    vectors: np.ndarray
    dense: Any  # faiss.Index
    sparse: Any  # bm25s.BM25
    heading_vectors: np.ndarray | None = None  # one row per passage: its heading path embedded
    question_vectors: np.ndarray | None = None  # one row per written question (the question index)
    question_texts: list[str] = field(default_factory=list)
    question_owner: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    token_vectors: np.ndarray | None = None  # every passage's token vectors (kb.retrieval.rerank)
    token_offsets: np.ndarray | None = None  # passage i's rows: token_offsets[i]:token_offsets[i + 1]
    position: dict[str, int] = field(default_factory=dict)
    warning: str = ""  # set when the serving build was corrupt and this is an older one

    def __post_init__(self) -> None:
        self.position = {p.id: i for i, p in enumerate(self.passages)}

    @property
    def build_id(self) -> str:
        return self.build_dir.name


class CorruptBuildError(KBError):
    """A build folder whose files cannot be read back (truncated, missing, damaged)."""


def builds_dir(index_dir: Path) -> Path:
    return index_dir / "builds"


def read_pointer(index_dir: Path, name: str = CURRENT_POINTER) -> Path | None:
    """The build a pointer file names, if it exists."""
    pointer = index_dir / name
    try:
        build_id = pointer.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    build = builds_dir(index_dir) / build_id
    return build if build_id and (build / "manifest.json").is_file() else None


def write_pointer(index_dir: Path, build_dir: Path, name: str = CURRENT_POINTER) -> None:
    """Point `name` at a build atomically (write a temp file, fsync, rename over)."""
    tmp = index_dir / f".{name}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(build_dir.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / name)


def current_build(index_dir: Path) -> Path:
    build = read_pointer(index_dir)
    if build is None:
        raise IndexMissingError(f"no index built at {index_dir}: run `kb ingest` first")
    return build


def document_to_json(doc: Document) -> dict[str, Any]:
    data = asdict(doc)
    data["path"] = str(doc.path)
    data["lines"] = list(doc.lines)
    data.pop("meta", None)
    return data


def document_from_json(data: dict[str, Any]) -> Document:
    data = dict(data)
    data["path"] = Path(data["path"])
    data["origin"] = Origin(**data["origin"])
    data["lines"] = tuple(data["lines"])
    return Document(**data)


_PASSAGE_FIELDS = {f.name for f in fields(Passage)}


def passage_to_json(passage: Passage) -> dict[str, Any]:
    data = asdict(passage)
    data["heading_path"] = list(passage.heading_path)
    data["levels"] = list(passage.levels)
    return data


def passage_from_json(data: dict[str, Any]) -> Passage:
    data = dict(data)
    data["heading_path"] = tuple(data["heading_path"])
    data["origin"] = Origin(**data["origin"])
    data["levels"] = tuple(data.get("levels", ()))
    return Passage(**{k: v for k, v in data.items() if k in _PASSAGE_FIELDS})


def read_manifest(build_dir: Path) -> dict[str, Any]:
    return json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))


def read_passage_records(build_dir: Path) -> list[dict[str, Any]]:
    with open(build_dir / "passages.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_index(index_dir: Path, build_dir: Path | None = None, fallback: bool = True) -> LoadedIndex:
    """Load the serving build (or a named one): FAISS, BM25, passages, documents, vectors.

    A build that cannot be read back (a truncated passages.jsonl, a damaged vector file) is
    never served half-read: with `fallback`, the newest other build that loads serves instead,
    with a logged warning (also in `LoadedIndex.warning`); `kb check` reports the corrupt one."""
    build = build_dir or current_build(index_dir)
    try:
        return _load_build(build)
    except CorruptBuildError as exc:
        if not fallback:
            raise
        for other in finished_builds(index_dir):
            if other.name == build.name:
                continue
            try:
                loaded = _load_build(other)
            except CorruptBuildError:
                continue
            loaded.warning = f"{exc}; answering from the previous valid build {other.name}"
            log.warning("warning: %s", loaded.warning)
            return loaded
        raise


def finished_builds(index_dir: Path) -> list[Path]:
    """Finished builds (not .partial) with a manifest, newest first (ids start with the time)."""
    folder = builds_dir(index_dir)
    if not folder.is_dir():
        return []
    builds = [
        p for p in folder.iterdir() if not p.name.endswith(".partial") and (p / "manifest.json").is_file()
    ]
    return sorted(builds, key=lambda p: p.name, reverse=True)


def _load_build(build: Path) -> LoadedIndex:
    """One build, checked as it is read: every file parses and the counts match the manifest."""
    import bm25s

    from kb.retrieval.dense import open_dense

    try:
        manifest = read_manifest(build)
        documents = {
            d["id"]: document_from_json(d)
            for d in json.loads((build / "documents.json").read_text(encoding="utf-8"))
        }
        records = read_passage_records(build)
        passages = [passage_from_json(r) for r in records]
        expected = manifest.get("counts", {}).get("passages")
        if expected is not None and expected != len(passages):
            raise ValueError(f"passages.jsonl holds {len(passages)} passages, the manifest says {expected}")
        vectors = np.load(build / "vectors.npy", mmap_mode="r")
        if vectors.shape[0] != len(passages):
            raise ValueError(f"vectors.npy holds {vectors.shape[0]} rows for {len(passages)} passages")
        sparse = bm25s.BM25.load(str(build / "sparse"), load_corpus=False, mmap=False)
        headings_file = build / "heading_vectors.npy"
        headings = np.load(headings_file, mmap_mode="r") if headings_file.is_file() else None
    except KBError:
        raise
    except Exception as exc:  # json, numpy and bm25s each raise their own kinds for damage
        raise CorruptBuildError(f"build {build.name} is damaged ({type(exc).__name__}: {exc})") from exc
    try:  # a configuration error (unknown KB_VECTOR_BACKEND) is not damage: it propagates
        dense = open_dense(build, vectors)  # FAISS file, or the configured backend (kb.retrieval.dense)
    except (RuntimeError, OSError) as exc:  # faiss reads a damaged file as RuntimeError
        raise CorruptBuildError(f"build {build.name} is damaged ({type(exc).__name__}: {exc})") from exc
    loaded = LoadedIndex(build, manifest, documents, passages, vectors, dense, sparse, headings)
    questions_file = build / QUESTION_VECTORS
    texts = [q for r in records for q in r.get("questions", [])]
    if texts and questions_file.is_file():
        question_vectors = np.load(questions_file, mmap_mode="r")
        if len(question_vectors) == len(texts):  # else a damaged build: served without the index
            loaded.question_vectors = question_vectors
            loaded.question_texts = texts
            loaded.question_owner = np.array(
                [i for i, r in enumerate(records) for _ in r.get("questions", [])], dtype=np.int64
            )
    _attach_tokens(loaded, build, len(passages))
    return loaded


def _attach_tokens(loaded: LoadedIndex, build: Path, passages: int) -> None:
    """The reranker's token vectors, when the build has them whole (else search runs without it)."""
    from kb.retrieval.rerank import TOKEN_OFFSETS, TOKEN_VECTORS

    try:
        offsets = np.load(build / TOKEN_OFFSETS)
        tokens = np.load(build / TOKEN_VECTORS, mmap_mode="r")
    except (OSError, ValueError):
        return  # a build from before the reranker, or a damaged file: first-stage ranking only
    if len(offsets) == passages + 1 and int(offsets[-1]) == len(tokens):
        loaded.token_vectors, loaded.token_offsets = tokens, offsets


def serving_build_problem(index_dir: Path) -> str | None:
    """Why the build `current` names cannot serve, or None when it loads (for `kb check`)."""
    build = read_pointer(index_dir)
    if build is None:
        return None
    try:
        _load_build(build)
    except KBError as exc:
        return str(exc)
    return None
