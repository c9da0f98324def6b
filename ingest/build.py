"""Full and incremental builds of index/, validated and switched atomically.

A build is written to index/builds/<id>.partial, checked, renamed, and only then named in
index/current. A crash at any point leaves the serving build untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ingest.changes import record_build, write_build_changes
from kb import __version__
from kb.config import Settings, relative_to_root
from kb.corpus import corpus_files, load_corpus
from kb.errors import KBError, os_error_reason
from kb.model import Document, Passage
from kb.origin import origin_map
from kb.retrieval.encoder import get_encoder
from kb.retrieval.index import (
    FORMAT_VERSION,
    PREVIOUS_POINTER,
    QUESTION_VECTORS,
    builds_dir,
    document_from_json,
    document_to_json,
    passage_from_json,
    passage_to_json,
    read_passage_records,
    read_pointer,
    write_pointer,
)
from kb.retrieval.questions import load_questions_reporting
from kb.retrieval.rerank import TOKEN_OFFSETS, TOKEN_VECTORS, stack_tokens
from kb.retrieval.sparse import build_sparse
from kb.sections import embedding_text, passages_of, searchable_text

KEEP_BUILDS = 3


class BuildError(KBError):
    """The new build could not be completed or validated; the serving index is unchanged."""


@dataclass
class BuildReport:
    build_id: str = ""
    build_dir: Path | None = None
    documents: int = 0
    passages: int = 0
    embedded: int = 0
    reused: int = 0
    errors: list[str] = field(default_factory=list)
    carried_over: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "build_dir"}
        data["build_dir"] = str(self.build_dir) if self.build_dir else None
        return data


def embed_key(model: str, text: str) -> str:
    """Vectors are reused only for the same text, model and encoder backend (int8 differs)."""
    model = f"{model}|{_backend()}"
    return hashlib.sha256(f"{model}\n{text}".encode()).hexdigest()[:24]


def _backend() -> str:
    from kb.retrieval.encoder import backend_from_env

    return backend_from_env()


def _link_levels(passage: Passage, doc: Document) -> tuple[Passage, list[str]]:
    """Threshold levels a passage concerns (kb.levels), with the reasons."""
    try:
        from kb.levels import levels_for_passage
    except ImportError:
        return passage, []
    levels, reasons = levels_for_passage(passage.text, passage.heading_path, doc.type)
    return replace(passage, levels=tuple(levels)), list(reasons)


def _previous_state(
    index_dir: Path, model: str
) -> tuple[dict[str, np.ndarray], dict[str, dict], Path | None]:
    """Vectors of the serving build by embed key, its documents by source path, and its dir."""
    build = read_pointer(index_dir)
    if build is None:
        return {}, {}, None
    try:
        vectors = np.load(build / "vectors.npy")
        records = read_passage_records(build)
        docs = json.loads((build / "documents.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}, None
    by_key = {r["embed_key"]: vectors[i] for i, r in enumerate(records) if "embed_key" in r}
    try:
        headings = np.load(build / "heading_vectors.npy")
        by_key.update({r["heading_key"]: headings[i] for i, r in enumerate(records) if "heading_key" in r})
    except (OSError, ValueError):
        pass  # a build from before heading vectors: they are embedded afresh
    try:
        questions = np.load(build / QUESTION_VECTORS)
        keys = [question_key(model, q) for r in records for q in r.get("questions", [])]
        if len(keys) == len(questions):
            by_key.update(zip(keys, questions, strict=True))
    except (OSError, ValueError):
        pass  # a build from before the question index
    return by_key, {d["source"]: d for d in docs}, build


def _previous_tokens(build: Path | None) -> dict[str, np.ndarray]:
    """The serving build's passage token vectors (the reranker's) by embed key."""
    if build is None:
        return {}
    try:
        records = read_passage_records(build)
        offsets = np.load(build / TOKEN_OFFSETS)
        tokens = np.load(build / TOKEN_VECTORS, mmap_mode="r")
    except (OSError, ValueError):
        return {}  # a build from before the reranker: token vectors are made afresh
    if len(offsets) != len(records) + 1:
        return {}
    return {
        r["embed_key"]: np.array(tokens[offsets[i] : offsets[i + 1]])
        for i, r in enumerate(records)
        if "embed_key" in r
    }


def question_key(model: str, question: str) -> str:
    """A written question's vector is reused while its text, the model and the backend stay."""
    return embed_key(model, "question\n" + question)


def attach_questions(settings: Settings, records: list[dict], report: BuildReport) -> None:
    """Add each passage's written questions (corpus/<area>/<doc>.questions.yaml) to its record
    and to its keyword text (doc2query). A bad questions file is reported, naming file and line,
    and only its questions are left out; questions whose passage changed (stale) still serve."""
    ids = {r["id"] for r in records}
    found, errors = load_questions_reporting(settings.corpus_dir, ids)
    report.errors.extend(errors)
    for record in records:
        entry = found.get(record["id"])
        if entry is None or not entry.questions:
            continue
        record["questions"] = list(entry.questions)
        record["questions_hash"] = entry.hash
        record["sparse_text"] += "\n" + "\n".join(entry.questions)


def _carry_over(prev_build: Path | None, prev_doc: dict) -> tuple[Document, list[dict]]:
    records = [r for r in read_passage_records(prev_build) if r["doc_id"] == prev_doc["id"]]
    return document_from_json(prev_doc), records


def collect_passages(
    settings: Settings, report: BuildReport, previous_docs: dict[str, dict], prev_build: Path | None
) -> tuple[list[Document], list[dict]]:
    """Documents and passage records for the build. A file that fails to load keeps its
    previous version (if the serving build had one), so a bad edit never drops guidance."""
    loaded = load_corpus(settings.corpus_dir)
    report.errors.extend(loaded.errors)
    documents: list[Document] = []
    records: list[dict] = []
    search_dirs = [settings.seeds_dir, settings.corpus_dir / "_sources"]
    for doc in loaded.documents:
        mapping = origin_map(doc, search_dirs)
        for passage in passages_of(doc, mapping):
            passage, reasons = _link_levels(passage, doc)
            record = passage_to_json(passage)
            record["level_reasons"] = reasons
            record["embed_key"] = embed_key(settings.model, embedding_text(passage))
            record["heading_key"] = embed_key(settings.model, "heading\n" + heading_text_of(record))
            record["sparse_text"] = " ".join(passage.heading_path) + "\n" + searchable_text(passage.text)
            records.append(record)
        documents.append(doc)
    loaded_ids = {d.id for d in documents}
    for path in loaded.failed:
        prev_doc = previous_docs.get(relative_to_root(path))
        if prev_doc is not None and prev_doc["id"] not in loaded_ids and prev_build is not None:
            doc, prev_records = _carry_over(prev_build, prev_doc)
            for record in prev_records:  # builds from before heading vectors lack the key
                record.setdefault(
                    "heading_key", embed_key(settings.model, "heading\n" + " > ".join(record["heading_path"]))
                )
            documents.append(doc)
            records.extend(prev_records)
            report.carried_over.append(doc.id)
    return documents, records


def _embed(
    settings: Settings,
    records: list[dict],
    previous: dict[str, np.ndarray],
    previous_tokens: dict[str, np.ndarray],
    report: BuildReport,
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Passage vectors, heading-path vectors and the passages' token vectors (the reranker's),
    reusing the previous build's by key; a passage embedded afresh gives both in one pass."""
    missing = {
        r["embed_key"]: _embedding_input(r)
        for r in records
        if r["embed_key"] not in previous or r["embed_key"] not in previous_tokens
    }
    vectors, tokens = dict(previous), dict(previous_tokens)
    if missing:
        rows, token_rows = get_encoder(settings.model).encode_with_tokens(list(missing.values()))
        vectors.update(zip(missing, rows, strict=True))
        tokens.update(zip(missing, token_rows, strict=True))
    passages = np.stack([vectors[r["embed_key"]] for r in records]).astype(np.float32)
    embedded = sum(1 for r in records if r["embed_key"] in missing)
    report.embedded, report.reused = embedded, len(records) - embedded
    token_rows = [tokens[r["embed_key"]] for r in records]
    headings, _ = _vectors_for(settings, [(r["heading_key"], r) for r in records], heading_text_of, previous)
    return passages, headings, token_rows


def _embed_questions(settings: Settings, records: list[dict], previous: dict[str, np.ndarray]) -> np.ndarray:
    """One vector per written question, in passage order (the question index)."""
    keyed = [(question_key(settings.model, q), {"text": q}) for r in records for q in r.get("questions", [])]
    if not keyed:
        return np.zeros((0, 0), dtype=np.float32)
    matrix, _ = _vectors_for(settings, keyed, lambda record: record["text"], previous)
    return matrix


def _vectors_for(
    settings: Settings, keyed: list[tuple[str, dict]], text_of, previous: dict[str, np.ndarray]
) -> tuple[np.ndarray, int]:
    """One vector per (key, record); each missing key embedded once. Returns (matrix, embedded)."""
    missing: dict[str, str] = {}
    for key, record in keyed:
        if key not in previous and key not in missing:
            missing[key] = text_of(record)
    fresh: dict[str, np.ndarray] = {}
    if missing:
        rows = get_encoder(settings.model).encode(list(missing.values()))
        fresh = dict(zip(missing, rows, strict=True))
    dimension = next(iter({**previous, **fresh}.values())).shape[0]
    matrix = np.zeros((len(keyed), dimension), dtype=np.float32)
    for i, (key, _) in enumerate(keyed):
        matrix[i] = fresh[key] if key in fresh else previous[key]
    return matrix, sum(1 for key, _ in keyed if key in fresh)


def heading_text_of(record: dict) -> str:
    return " > ".join(record["heading_path"])


def _embedding_input(record: dict) -> str:
    return embedding_text(passage_from_json(record))


def _corpus_hash(records: list[dict]) -> str:
    digest = hashlib.sha256()
    for record in records:
        digest.update(record["id"].encode())
        digest.update(record["content_hash"].encode())
    return digest.hexdigest()[:16]


def _write_dense(build: Path, vectors: np.ndarray) -> str:
    import faiss

    from kb.retrieval.dense import build_dense_index

    index, kind = build_dense_index(vectors)
    try:
        faiss.write_index(index, str(build / "dense.faiss"))
    except RuntimeError as exc:  # faiss reports a failed write (disk full) as RuntimeError
        raise OSError(f"cannot write dense.faiss ({exc})") from exc
    return kind


def _validate(build: Path, documents: list[Document], records: list[dict]) -> None:
    """Load the new build and ask each document a question its own text answers."""
    from kb.retrieval import Searcher, load_index

    loaded = load_index(build.parent.parent, build, fallback=False)
    if len(loaded.passages) != len(records) or loaded.vectors.shape[0] != len(records):
        raise BuildError(f"{build}: passage and vector counts differ")
    searcher = Searcher(loaded, encoder=None)
    for doc in documents:
        probe = next((r for r in records if r["doc_id"] == doc.id), None)
        if probe is None:
            raise BuildError(f"{doc.source}: no passages were produced")
        hits = searcher.keyword_ids(probe["sparse_text"][:300], k=50)
        if not any(h.startswith(doc.id + "/") for h in hits):
            raise BuildError(f"{doc.source}: smoke query did not find its own text")


def _prune(index_dir: Path) -> None:
    keep = {p.name for p in (read_pointer(index_dir), read_pointer(index_dir, PREVIOUS_POINTER)) if p}
    builds = sorted((p for p in builds_dir(index_dir).iterdir() if p.is_dir()), key=lambda p: p.name)
    for stale in [p for p in builds if p.name.endswith(".partial")]:
        shutil.rmtree(stale, ignore_errors=True)
    finished = [p for p in builds if not p.name.endswith(".partial")]
    for old in finished[:-KEEP_BUILDS]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def build_index(settings: Settings | None = None) -> BuildReport:
    """Build index/ from corpus/, reusing vectors of unchanged passages; switch atomically."""
    settings = settings or Settings.from_env()
    started = time.perf_counter()
    report = BuildReport()
    index_dir = settings.index_dir
    try:
        builds_dir(index_dir).mkdir(parents=True, exist_ok=True)
        with _build_lock(index_dir):
            try:
                return _build_locked(settings, report, started)
            except BaseException:
                _remove_partials(index_dir)
                raise
    except OSError as exc:
        raise BuildError(f"{index_dir}: cannot write the index: {os_error_reason(exc)}; "
                         "the serving index is unchanged") from exc  # fmt: skip


def _remove_partials(index_dir: Path) -> None:
    """A failed build leaves nothing behind (under the lock, every .partial is this build's)."""
    folder = builds_dir(index_dir)
    for partial in folder.glob("*.partial") if folder.is_dir() else []:
        shutil.rmtree(partial, ignore_errors=True)


def _build_lock(index_dir: Path):
    """One build at a time per index/ (a second waits): a build prunes other builds' .partial
    folders, so two at once would break each other. The OS drops the lock if a build is killed."""
    import contextlib
    import fcntl

    @contextlib.contextmanager
    def held():
        with open(index_dir / ".build.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    return held()


def _replace_file(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _build_locked(settings: Settings, report: BuildReport, started: float) -> BuildReport:
    index_dir = settings.index_dir
    _prune(index_dir)  # under the lock any .partial is a killed build's leftover (same id possible)
    previous_vectors, previous_docs, prev_build = _previous_state(index_dir, settings.model)
    if prev_build is not None:
        record_build(index_dir, prev_build)  # in case the build that made it was killed before

    t = time.perf_counter()
    documents, records = collect_passages(settings, report, previous_docs, prev_build)
    attach_questions(settings, records, report)
    report.timings["parse"] = time.perf_counter() - t
    if not records:
        raise BuildError(
            f"{settings.corpus_dir}: no document could be ingested; the serving index is unchanged"
            + ("".join(f"\n  {e}" for e in report.errors))
        )
    t = time.perf_counter()
    previous_tokens = _previous_tokens(prev_build)
    vectors, heading_vectors, token_rows = _embed(
        settings, records, previous_vectors, previous_tokens, report
    )
    question_vectors = _embed_questions(settings, records, previous_vectors)
    report.timings["embed"] = time.perf_counter() - t

    build_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{_corpus_hash(records)[:8]}"
    final = builds_dir(index_dir) / build_id
    if final.exists():
        build_id += f"-{int(time.time() * 1000) % 100000}"
        final = builds_dir(index_dir) / build_id
    partial = builds_dir(index_dir) / f"{build_id}.partial"
    partial.mkdir(parents=True)
    t = time.perf_counter()
    np.save(partial / "vectors.npy", vectors)
    np.save(partial / "heading_vectors.npy", heading_vectors)
    token_vectors, token_offsets = stack_tokens(token_rows, int(vectors.shape[1]))
    np.save(partial / TOKEN_VECTORS, token_vectors)
    np.save(partial / TOKEN_OFFSETS, token_offsets)
    if len(question_vectors):
        np.save(partial / QUESTION_VECTORS, question_vectors)
    with open(partial / "passages.jsonl", "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    documents_json = [document_to_json(d) for d in documents]
    (partial / "documents.json").write_text(json.dumps(documents_json, ensure_ascii=False), encoding="utf-8")
    write_build_changes(partial, prev_build, documents_json, records, report.errors)
    dense_kind = _write_dense(partial, vectors)
    build_sparse([r["sparse_text"] for r in records], partial / "sparse")
    report.timings["write"] = time.perf_counter() - t
    manifest = {
        "version": __version__,
        "format": FORMAT_VERSION,
        "model": settings.model,
        "encoder_backend": _backend(),
        "dimension": int(vectors.shape[1]),
        "counts": {
            "documents": len(documents),
            "passages": len(records),
            "questions": int(len(question_vectors)),
        },
        "corpus_hash": _corpus_hash(records),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "dense_index": dense_kind,
        "sparse_index": "bm25s",
        "corpus_files": len(corpus_files(settings.corpus_dir)),
        "errors": report.errors,
        "carried_over": report.carried_over,
        "previous_build": prev_build.name if prev_build else None,
    }
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    t = time.perf_counter()
    try:
        _validate(partial, documents, records)
    except Exception as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise BuildError(f"new build failed validation ({exc}); the serving index is unchanged") from exc
    report.timings["validate"] = time.perf_counter() - t
    partial.rename(final)
    if prev_build is not None:
        write_pointer(index_dir, prev_build, PREVIOUS_POINTER)
    write_pointer(index_dir, final)
    _prune(index_dir)
    report.seconds = time.perf_counter() - started
    manifest["build_seconds"] = round(report.seconds, 2)
    _replace_file(final / "manifest.json", json.dumps(manifest, indent=2))  # the serving build: atomic
    record_build(index_dir, final)
    report.build_id, report.build_dir = build_id, final
    report.documents, report.passages = len(documents), len(records)
    return report
