"""Read corpus/ (Markdown with YAML front matter) into Documents, with errors that name the file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.config import relative_to_root
from kb.errors import CorpusError
from kb.model import DOC_TYPES, STATUSES, Document, Origin

REQUIRED_KEYS = ("id", "title", "area", "type", "status")
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class LoadReport:
    """Documents that loaded, and one error message per file that did not."""

    documents: tuple[Document, ...]
    errors: tuple[str, ...]
    failed: tuple[Path, ...] = ()


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every Markdown document under corpus_dir, in a stable order (history/ and _sources/ skipped)."""
    skip = {"history", "_sources", "frameworks"}
    return sorted(
        p
        for p in corpus_dir.rglob("*.md")
        if not any(part in skip or part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _read_text(path: Path) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CorpusError(f"{path}: file is larger than {MAX_FILE_BYTES // 2**20} MB")
    raw = path.read_bytes()
    if not raw.strip():
        raise CorpusError(f"{path}: file is empty")
    if b"\x00" in raw[:8192]:
        raise CorpusError(f"{path}: binary content (NUL bytes), not a Markdown text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not valid UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def split_front_matter(path: Path, text: str) -> tuple[dict, int]:
    """The front matter mapping and the 1-based line number where the body starts."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise CorpusError(f"{path}: no YAML front matter (the file must start with a '---' line)")
    closing = next((n for n, line in enumerate(lines[1:], start=2) if line.strip() == "---"), None)
    if closing is None:
        raise CorpusError(f"{path}: front matter is not closed by a '---' line")
    number = closing
    try:
        meta = yaml.safe_load("\n".join(lines[1 : number - 1])) or {}
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path}: broken front matter: {exc}".replace("\n", " ")) from exc
    if not isinstance(meta, dict):
        raise CorpusError(f"{path}: front matter must be a mapping of keys to values")
    return meta, number + 1


def _validated(path: Path, meta: dict) -> None:
    missing = [key for key in REQUIRED_KEYS if not _as_text(meta.get(key)).strip()]
    if missing:
        raise CorpusError(f"{path}: front matter missing {', '.join(repr(k) for k in missing)}")
    if meta["type"] not in DOC_TYPES:
        raise CorpusError(f"{path}: type {meta['type']!r} is not one of {', '.join(DOC_TYPES)}")
    if meta["status"] not in STATUSES:
        raise CorpusError(f"{path}: status {meta['status']!r} is not one of {', '.join(STATUSES)}")


def _origin(meta: dict, path: Path, line_count: int) -> Origin:
    origin = meta.get("origin") or {}
    if not isinstance(origin, dict):
        origin = {}
    return Origin(
        file=_as_text(origin.get("file")) or path.name,
        line_start=int(origin.get("line_start") or 1),
        line_end=int(origin.get("line_end") or line_count),
    )


def load_document(path: Path) -> Document:
    """One corpus file as a Document; raises CorpusError naming the file and the reason."""
    text = _read_text(path)
    meta, body_start = split_front_matter(path, text)
    _validated(path, meta)
    lines = tuple(text.split("\n"))
    if not any(line.strip() for line in lines[body_start - 1 :]):
        raise CorpusError(f"{path}: no body text after the front matter")
    return Document(
        id=_as_text(meta["id"]).strip(),
        title=_as_text(meta["title"]).strip(),
        area=_as_text(meta["area"]).strip(),
        type=meta["type"],
        status=meta["status"],
        path=path,
        source=relative_to_root(path),
        origin=_origin(meta, path, len(lines)),
        body_start=body_start,
        lines=lines,
        collection=_as_text(meta.get("collection")).strip(),
        published=_as_text(meta.get("published")).strip(),
        updated=_as_text(meta.get("updated")).strip(),
        review_by=_as_text(meta.get("review_by")).strip(),
        superseded_by=_as_text(meta.get("superseded_by")).strip(),
        date_note=_as_text(meta.get("date_note")).strip(),
        meta=meta,
    )


def load_corpus(corpus_dir: Path, paths: Iterable[Path] | None = None) -> LoadReport:
    """All documents that load; each bad file becomes one error and does not stop the others.

    A document whose id another file already uses is rejected (the first file, in path order, wins).
    """
    documents: list[Document] = []
    errors: list[str] = []
    failed: list[Path] = []
    seen: dict[str, Path] = {}
    for path in paths if paths is not None else corpus_files(corpus_dir):
        try:
            doc = load_document(path)
        except CorpusError as exc:
            errors.append(str(exc))
            failed.append(path)
            continue
        except OSError as exc:
            errors.append(f"{path}: cannot be read ({exc.strerror or exc})")
            failed.append(path)
            continue
        if doc.id in seen:
            errors.append(f"{path}: duplicate id {doc.id!r} (already used by {seen[doc.id]})")
            continue
        seen[doc.id] = path
        documents.append(doc)
    return LoadReport(tuple(documents), tuple(errors), tuple(failed))
