"""`kb import`: a source file -> reviewed-format Markdown in corpus/<area>/<id>.md.

Two steps so the app can preview before anything is written: `plan_import` (load, split into
chapters, render Markdown, list what needs a human look) and `apply_plan` (copy the original to
corpus/_sources, write each document atomically, keep replaced text in corpus/history/<id>/).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingest.blocks import build_blocks
from ingest.headings import SECTION, SUBSECTION, heading_levels, title_shaped
from ingest.lines import SourceLine
from ingest.loaders import LoadError, load_source, safe_name
from ingest.manifest import Overrides
from ingest.render import Heading, _Quoted, body_markdown
from kb.checks import front_matter_ids, is_date
from kb.corpus import load_document, split_front_matter
from kb.errors import CorpusError, KBError, os_error_reason
from kb.model import AREAS, DOC_TYPES
from kb.text import slugify

ID_PREFIX = {"cambridgeshire-peterborough": "cp"}
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
MAX_NOTES = 12


class ImportError_(KBError):
    """A file cannot be imported as asked (missing area, unknown --supersedes id, ...)."""


@dataclass(frozen=True)
class ImportOptions:
    """What the maintainer said on the command line (or in the app); empty means 'not given'."""

    area: str = ""
    title: str = ""
    type: str = ""
    published: str = ""
    supersedes: str = ""
    doc_id: str = ""
    new_area: bool = False  # an area with no corpus/<area>/ folder yet must be asked for
    follow_symlinks: bool = False


@dataclass(frozen=True)
class PlannedDoc:
    """One corpus file an import will write, with the source lines it came from."""

    id: str
    title: str
    area: str
    path: Path
    markdown: str
    line_start: int
    line_end: int
    sections: tuple[str, ...]
    words: int
    replaces: bool


@dataclass(frozen=True)
class ImportPlan:
    """Everything an import would do, computed without writing anything."""

    source: Path
    source_name: str  # the sanitised name under corpus/_sources
    origin_text: str | None  # extracted text kept beside a non-text original; None for .md/.txt
    documents: tuple[PlannedDoc, ...]
    notes: tuple[str, ...]
    supersedes: str = ""


@dataclass
class ImportReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return dict(self.__dict__)


# -- splitting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chapter:
    title: str
    start: int  # index into source lines of the first line (the title line when found)
    end: int  # exclusive
    title_line: int | None  # index of the line that is the `#` title, None when synthesised


def _markdown_chapters(lines: Sequence[str], fallback_title: str) -> list[_Chapter]:
    """Split at each `#` heading; text before the first one is its own part under the fallback."""
    starts = [i for i, line in enumerate(lines) if line.startswith("# ") and _MD_HEADING.match(line)]
    if not starts:
        return [_Chapter(fallback_title, 0, len(lines), None)]
    chapters = []
    if any(line.strip() for line in lines[: starts[0]]):
        chapters.append(_Chapter(fallback_title, 0, starts[0], None))
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        chapters.append(_Chapter(_MD_HEADING.match(lines[start]).group(2), start, end, start))
    return chapters


def _plain_chapters(lines: Sequence[str], fallback_title: str) -> list[_Chapter]:
    """A manual's chapters start where numbering restarts: a title-shaped line directly above
    `1. …`/`1.1 …` after a higher section number. Fewer than two such starts: one document."""
    body = [(i, " ".join(line.split())) for i, line in enumerate(lines) if line.strip()]
    starts: list[int] = []
    last_number = 0
    for n, (i, text) in enumerate(body):
        section = SECTION.match(text) or SUBSECTION.match(text)
        if section:
            last_number = int(re.match(r"\D*(\d+)", text).group(1))
            continue
        following = body[n + 1][1] if n + 1 < len(body) else ""
        restarts = re.match(r"^1(?:\.|\.1\.?)\s+\S", following) is not None
        if title_shaped(text) and restarts and (last_number > 1 or not starts):
            starts.append(i)
            last_number = 0
    first_text = body[0][0] if body else 0
    if len(starts) < 2:
        title_index = first_text if body and title_shaped(body[0][1]) and len(body) > 1 else None
        title = body[0][1] if title_index is not None else fallback_title
        return [_Chapter(title, 0, len(lines), title_index)]
    chapters = []
    if any(line.strip() for line in lines[: starts[0]]):
        chapters.append(_Chapter(fallback_title, 0, starts[0], None))
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        chapters.append(_Chapter(" ".join(lines[start].split()), start, end, start))
    return chapters


# -- rendering ---------------------------------------------------------------------------


def _markdown_body(lines: Sequence[str], chapter: _Chapter) -> tuple[str, list[str]]:
    """The chapter's own Markdown lines under one `#` title; deeper headings shifted so the
    shallowest is `##`."""
    body = [line.rstrip() for line in lines[chapter.start : chapter.end]]
    if chapter.title_line is not None:
        body = body[chapter.title_line - chapter.start + 1 :]
    levels = [len(m.group(1)) for line in body if (m := _MD_HEADING.match(line))]
    shift = min(levels) - 2 if levels and min(levels) > 2 else 0
    out = []
    for line in body:
        match = _MD_HEADING.match(line)
        out.append(f"{'#' * (len(match.group(1)) - shift)} {match.group(2)}" if match and shift else line)
    while out and not out[0].strip():
        out.pop(0)
    headings = [m.group(2) for line in out if (m := _MD_HEADING.match(line))]
    return f"# {chapter.title}\n\n" + "\n".join(out).rstrip() + "\n", headings


def _plain_body(lines: Sequence[str], chapter: _Chapter) -> tuple[str, list[str]]:
    """Plain text through the seed converter's heading rules and block builder."""
    source = [
        SourceLine(n + 1, lines[n]) for n in range(chapter.start, chapter.end) if n != chapter.title_line
    ]
    levels = heading_levels(source, Overrides())
    blocks = [Heading(1, chapter.title), *build_blocks(source, levels, set(), joins_lines=False)]
    headings = [b.text for b in blocks[1:] if isinstance(b, Heading)]
    return body_markdown(blocks), headings


def _front_matter(meta: dict) -> str:
    ordered = {k: meta[k] for k in _FRONT_MATTER_ORDER if k in meta}
    for key in ("published", "updated", "review_by"):
        if ordered.get(key):
            ordered[key] = _Quoted(str(ordered[key]))
    text = yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{text}---\n"


_FRONT_MATTER_ORDER = (
    "id", "title", "collection", "area", "type", "published", "updated", "review_by", "status",
    "superseded_by", "origin",
)  # fmt: skip


# -- planning ----------------------------------------------------------------------------


def _existing_meta(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8-sig")
        return split_front_matter(path, text)[0]
    except (OSError, UnicodeDecodeError, CorpusError):
        return {}


def _doc_id(options: ImportOptions, meta: dict, area: str, title: str, single: bool) -> str:
    if single and (options.doc_id or meta.get("id")):
        return slugify(str(options.doc_id or meta["id"]), max_length=80)
    prefix = ID_PREFIX.get(area, area)
    return f"{prefix}-{slugify(title, max_length=60)}"


def plan_import(
    path: Path,
    options: ImportOptions,
    corpus_dir: Path,
    display_name: str | None = None,
    claimed: Iterable[str] = (),
) -> ImportPlan:
    """What importing `path` would write; raises LoadError / ImportError_ naming the file.
    `claimed`: ids other files of the same batch already take (a second claim is an error)."""
    name = display_name or path.name
    if ".." in Path(name).parts or "/" in name or "\\" in name:
        raise LoadError(f"{name}: refused: the file name contains a folder or '..' (path traversal)")
    _check_regular_file(path, name, options.follow_symlinks)
    source = load_source(path)
    meta = source.front_matter
    notes = list(source.notes)
    area_given = (options.area or str(meta.get("area") or "")).strip()
    area = slugify(area_given)
    if not area_given:
        raise ImportError_(f"{name}: no area given (use --area, e.g. cambridgeshire-peterborough)")
    _check_area(name, area_given, area, corpus_dir, options.new_area)
    doc_type = options.type or str(meta.get("type") or "procedure")
    if doc_type not in DOC_TYPES:
        raise ImportError_(f"{name}: type {doc_type!r} is not one of {', '.join(DOC_TYPES)}")
    stem_title = " ".join(re.sub(r"[_-]+", " ", Path(safe_name(name)).stem).split()).capitalize()
    fallback = options.title or str(meta.get("title") or "") or stem_title
    split = _markdown_chapters if source.markdown else _plain_chapters
    chapters = split(source.lines, fallback)
    cover = ""
    if len(chapters) > 2 and chapters[0].title_line is None:
        preamble = [ln.strip().lstrip("#").strip() for ln in source.lines[: chapters[1].start] if ln.strip()]
        if len(preamble) == 1 and title_shaped(preamble[0]):  # a cover line: the manual's name
            cover, chapters = preamble[0], chapters[1:]
    single = len(chapters) == 1
    if single and options.title and chapters[0].title_line is None:
        chapters = [_Chapter(options.title, chapters[0].start, chapters[0].end, None)]
    collection = "" if single else (options.title or str(meta.get("collection") or "") or cover or stem_title)
    if not single:
        notes.append(f"{name}: split into {len(chapters)} chapters; check where each begins")
    existing = front_matter_ids(corpus_dir)
    titles = _titles_by_area(corpus_dir, area)
    claimed = set(claimed)
    offset = int(source.locations[0].split()[-1]) - 1 if source.kind == "md" else 0
    source_name = safe_name(name)
    origin_name = source_name if source.kind in ("md", "txt") else f"{source_name}.txt"
    planned: list[PlannedDoc] = []
    for chapter in chapters:
        render = _markdown_body if source.markdown else _plain_body
        body, headings = render(source.lines, chapter)
        title = options.title if single and options.title else chapter.title
        doc_id = titles.get(title.lower()) or _doc_id(options, meta, area, title, single)
        if doc_id in claimed or any(p.id == doc_id for p in planned):
            raise ImportError_(f"{name}: duplicate id {doc_id!r} (another file in this import has it)")
        paths = existing.get(doc_id, [])
        if len(paths) > 1:
            raise ImportError_(f"{name}: duplicate id {doc_id!r} in corpus ({', '.join(map(str, paths))})")
        old = _existing_meta(paths[0]) if paths else {}
        if not headings:
            notes.append(f"{name}: {doc_id} has no headings; imported as one section (check the export)")
        unnumbered = [h for h in headings if not re.match(r"^(?:\d|Appendix\b)", h)]
        if unnumbered and any(re.match(r"^\d", h) for h in headings):
            shown = ", ".join(repr(h) for h in unnumbered[:3])
            notes.append(f"{name}: {doc_id}: {len(unnumbered)} heading(s) without a number, e.g. {shown}")
        published = options.published or str(meta.get("published") or old.get("published") or "")
        if published and not is_date(published):
            raise ImportError_(f"{name}: published date {published!r} is not a date (YYYY[-MM[-DD]])")
        if not published and not meta.get("updated") and not old.get("updated"):
            notes.append(f"{name}: {doc_id} has no date; give --published YYYY[-MM[-DD]]")
        front = {
            **{k: v for k, v in old.items() if k in _FRONT_MATTER_ORDER},
            **{k: v for k, v in meta.items() if k in _FRONT_MATTER_ORDER},
            "id": doc_id,
            "title": title,
            "collection": collection
            if not single
            else str(meta.get("collection") or old.get("collection") or ""),
            "area": area,
            "type": doc_type,
            "status": str(meta.get("status") or old.get("status") or "current"),
            "superseded_by": str(meta.get("superseded_by") or old.get("superseded_by") or ""),
            "origin": {
                "file": origin_name,
                "line_start": chapter.start + 1 + offset,
                "line_end": max(chapter.end + offset, chapter.start + 1 + offset),
                **({"original": source_name} if origin_name != source_name else {}),
                "location": source.locations[chapter.start] if source.locations else "",
            },
        }
        if published:
            front["published"] = published
        target = paths[0] if paths else corpus_dir / area / f"{doc_id}.md"
        markdown = _front_matter(front) + body
        words = len(re.findall(r"\w+", body))
        planned.append(PlannedDoc(doc_id, title, area, target, markdown,
                                  front["origin"]["line_start"], front["origin"]["line_end"],
                                  tuple(headings), words, bool(paths)))  # fmt: skip
    if options.supersedes:
        if options.supersedes not in existing:
            raise ImportError_(f"{name}: --supersedes {options.supersedes!r}: no document has that id")
        if any(p.id == options.supersedes for p in planned):
            raise ImportError_(
                f"{name}: --supersedes {options.supersedes!r} names the document being imported"
            )
    if len(notes) > MAX_NOTES:
        notes = notes[:MAX_NOTES] + [f"{name}: and {len(notes) - MAX_NOTES} more notes"]
    origin_text = None if source.kind in ("md", "txt") else source.text
    return ImportPlan(path, source_name, origin_text, tuple(planned), tuple(notes), options.supersedes)


def _check_regular_file(path: Path, name: str, follow_symlinks: bool) -> None:
    """Refuse a symlink (it could pull /etc/passwd into the corpus) unless asked to follow it,
    and anything that is not a regular file (a folder, a FIFO, a device)."""
    if path.is_symlink() and not follow_symlinks:
        raise ImportError_(f"{name}: refused: a symbolic link (give --follow-symlinks to import its target)")
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise ImportError_(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    import stat

    if not stat.S_ISREG(mode):
        raise ImportError_(f"{name}: refused: not a regular file")


def _check_area(name: str, given: str, area: str, corpus_dir: Path, new_area: bool) -> None:
    """An area is a folder name: no path in it, and a new one only with --new-area."""
    if "/" in given or "\\" in given or ".." in given:
        raise ImportError_(f"{name}: --area {given!r} is not an area name (no folders or '..')")
    if not new_area and area not in AREAS and not (corpus_dir / area).is_dir():
        known = sorted(
            p.name for p in corpus_dir.iterdir()
            if p.is_dir() and not p.name.startswith((".", "_")) and p.name not in ("history", "frameworks")
        ) if corpus_dir.is_dir() else []  # fmt: skip
        raise ImportError_(
            f"{name}: area {area!r} does not exist yet (areas: {', '.join(known) or 'none'}); "
            "give --new-area to create it"
        )


def _titles_by_area(corpus_dir: Path, area: str) -> dict[str, str]:
    """{lower-case title: id} of the area's documents, so a re-import keeps the id it had."""
    titles = {}
    for doc_id, paths in front_matter_ids(corpus_dir).items():
        meta = _existing_meta(paths[0])
        if str(meta.get("area") or "") == area and meta.get("title"):
            titles[str(meta["title"]).strip().lower()] = doc_id
    return titles


# -- writing -----------------------------------------------------------------------------


def _write_atomic(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def keep_history(corpus_dir: Path, doc_id: str, text: str) -> Path:
    """Save a document's text before it is replaced: corpus/history/<id>/<UTC timestamp>.md."""
    folder = corpus_dir / "history" / doc_id
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    target = folder / f"{stamp}.md"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stamp}-{n}.md"
    _write_atomic(target, text)
    return target


def mark_superseded(corpus_dir: Path, old_id: str, new_id: str, report: ImportReport) -> None:
    """Set status: superseded and superseded_by in the old document's front matter; its body,
    byte for byte, stays (the old text is also kept in history)."""
    path = front_matter_ids(corpus_dir)[old_id][0]
    text = path.read_text(encoding="utf-8")
    meta, body_start = split_front_matter(path, text)
    meta.update(status="superseded", superseded_by=new_id)
    body = "\n".join(text.split("\n")[body_start - 1 :])
    report.history.append(str(keep_history(corpus_dir, old_id, text)))
    _write_atomic(path, _front_matter(meta) + body)
    report.superseded.append(old_id)


def apply_plan(plan: ImportPlan, corpus_dir: Path, report: ImportReport | None = None) -> ImportReport:
    """Write the plan: original under _sources, each document (old text to history first)."""
    report = report or ImportReport()
    sources = corpus_dir / "_sources"
    original = sources / plan.source_name
    data = plan.source.read_bytes()
    if original.exists() and original.read_bytes() != data:
        keep = (
            corpus_dir
            / "history"
            / "_sources"
            / f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{plan.source_name}"
        )
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(original, keep)
    _write_atomic(original, data)
    if plan.origin_text is not None:
        _write_atomic(sources / f"{plan.source_name}.txt", plan.origin_text)
    for doc in plan.documents:
        old = doc.path.read_text(encoding="utf-8") if doc.path.exists() else None
        if old == doc.markdown:
            report.unchanged.append(str(doc.path))
            continue
        if old is not None:
            report.history.append(str(keep_history(corpus_dir, doc.id, old)))
        _write_atomic(doc.path, doc.markdown)
        try:
            load_document(doc.path)
        except CorpusError as exc:  # never leave a file the index cannot read
            if old is not None:
                _write_atomic(doc.path, old)
            else:
                doc.path.unlink()
            raise ImportError_(f"{plan.source}: converted text does not load ({exc})") from exc
        report.written.append(str(doc.path))
    if plan.supersedes:
        new_id = plan.documents[0].id if len(plan.documents) == 1 else plan.documents[0].title
        mark_superseded(corpus_dir, plan.supersedes, new_id, report)
    report.notes.extend(plan.notes)
    return report


def import_paths(paths: Sequence[Path], options: ImportOptions, corpus_dir: Path) -> ImportReport:
    """Import each file on its own: a bad file becomes one error naming it; the others import."""
    report = ImportReport()
    claimed: set[str] = set()
    for path in paths:
        try:
            plan = plan_import(path, options, corpus_dir, claimed=claimed)
            apply_plan(plan, corpus_dir, report)
        except OSError as exc:
            report.errors.append(f"{path}: not imported: {os_error_reason(exc)}")
            continue
        except (LoadError, KBError) as exc:
            report.errors.append(
                str(exc) if str(path) in str(exc) or path.name in str(exc) else f"{path}: {exc}"
            )
            continue
        claimed.update(doc.id for doc in plan.documents)
    return report
