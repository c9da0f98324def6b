"""`kb check`: what in corpus/ needs a maintainer's attention before it misleads a practitioner.

Each finding names the file and says what to do. Checks read corpus/ directly (no index needed),
so they run before a build as well as after one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from kb.citation import cite
from kb.config import relative_to_root
from kb.corpus import corpus_files, load_corpus
from kb.model import Document
from kb.origin import source_path
from kb.sections import passages_of

KINDS = (
    "review_overdue",
    "superseded_linked",
    "duplicate_id",
    "uncited_passage",
    "phone_mismatch",
    "stale_questions",
    "questions_file",
    "bad_date",
    "serving_build",
)

_PHONE = re.compile(r"(?<![\d])(?:\+44\s?\(?0?\)?\s?|0)\d{2,4}(?:[ \-]?\d){6,8}(?![\d])")
_SERVICE_WORD = (
    r"team|service|services|hub|helpline|line|centre|center|unit|desk|mash|lado|nspcc|childline|"
    r"police|care|camhs|access"
)
_SERVICE = re.compile(rf"((?:[\w&'’-]+\s+){{0,5}}(?:{_SERVICE_WORD}))\b(?!.*\b(?:{_SERVICE_WORD})\b)", re.I)
_STOP = {
    "the", "a", "an", "to", "of", "on", "or", "and", "be", "made", "contact", "call", "please", "via",
    "tel", "telephone", "phone", "is", "are", "for", "with", "your", "their", "local", "should", "can",
    "also", "go", "through", "available", "number", "ring", "by", "in", "at", "from", "email",
}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """One thing to look at: which check, which file, and what to do about it."""

    kind: str
    path: str
    doc_id: str
    message: str

    def to_json(self) -> dict:
        return asdict(self)


def front_matter_ids(corpus_dir: Path) -> dict[str, list[Path]]:
    """Every corpus file by the id its front matter claims, read leniently (a file whose front
    matter does not parse is skipped; `kb ingest` reports it)."""
    found: dict[str, list[Path]] = defaultdict(list)
    for path in corpus_files(corpus_dir):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        match = re.match(r"---\n(.*?)\n---\s*\n", text.replace("\r\n", "\n"), re.S)
        try:
            meta = yaml.safe_load(match.group(1)) if match else None
        except yaml.YAMLError:
            continue
        if isinstance(meta, dict) and str(meta.get("id") or "").strip():
            found[str(meta["id"]).strip()].append(path)
    return dict(found)


def duplicate_ids(corpus_dir: Path) -> list[Finding]:
    return [
        Finding(
            "duplicate_id",
            relative_to_root(paths[1]),
            doc_id,
            f"id {doc_id!r} is used by {len(paths)} files: "
            + ", ".join(relative_to_root(p) for p in paths)
            + "; only the first is indexed, give the others their own id",
        )
        for doc_id, paths in sorted(front_matter_ids(corpus_dir).items())
        if len(paths) > 1
    ]


def review_overdue(documents: Iterable[Document], today: dt.date) -> list[Finding]:
    findings = []
    for doc in documents:
        if not doc.review_by or doc.superseded:
            continue
        try:
            due = dt.date.fromisoformat(doc.review_by[:10]) if len(doc.review_by) >= 10 else None
        except ValueError:
            due = None
        if due is None:
            due_text = doc.review_by
            message = f"review_by {due_text!r} is not a date (YYYY-MM-DD)"
        elif due < today:
            message = f"review date {doc.review_by} has passed: review it, then update review_by"
        else:
            continue
        findings.append(Finding("review_overdue", doc.source, doc.id, message))
    return findings


def superseded_linked(documents: list[Document]) -> list[Finding]:
    """Current documents that point at a superseded one: by id, by a link to its file, or by its
    exact title when the title is distinctive (four words or more)."""
    findings = []
    superseded = [d for d in documents if d.superseded]
    for doc in (d for d in documents if not d.superseded):
        body = "\n".join(doc.lines[doc.body_start - 1 :])
        for old in (o for o in superseded if o.superseded_by != doc.id):
            patterns = [rf"(?<![\w-]){re.escape(old.id)}(?![\w-])"]
            if len(old.title.split()) >= 4:
                patterns.append(re.escape(old.title))
            if any(re.search(p, body, re.I) for p in patterns):
                replaced = f"; it was replaced by {old.superseded_by}" if old.superseded_by else ""
                findings.append(
                    Finding(
                        "superseded_linked",
                        doc.source,
                        doc.id,
                        f"refers to superseded document {old.id} ({old.title}){replaced}",
                    )
                )
    return findings


def uncited_passages(documents: Iterable[Document], source_dirs: list[Path]) -> list[Finding]:
    """Passages a practitioner could not cite and trace: a document without a title, a passage
    with no text lines, or an origin file that is in neither the seeds nor corpus/_sources (so the
    quoted lines cannot be checked against the source). One finding per document."""
    findings = []
    for doc in documents:
        problems = []
        if source_dirs and source_path(doc, source_dirs) is None:
            problems.append(
                f"origin file {doc.origin.file!r} not found in " + ", ".join(map(str, source_dirs))
            )
        bare = [p for p in passages_of(doc) if not p.text.strip() or not cite(doc, p).strip()]
        if bare or not doc.title:
            problems.append(f"{len(bare)} passage(s) without a document title or text to cite")
        if problems:
            findings.append(Finding("uncited_passage", doc.source, doc.id, "; ".join(problems)))
    return findings


def _service_key(window: str) -> str | None:
    window = re.sub(r"\([^)]*\)|out of hours|out-of-hours", " ", window, flags=re.I)
    match = _SERVICE.search(window)
    if not match:
        return None
    words = match.group(1).split()
    kept: list[str] = []
    for word in reversed(words):
        clean = word.strip(":,;–-").lower()
        if clean in _STOP or not clean:
            break
        kept.insert(0, clean)
    return " ".join(kept) or None


def phone_numbers(doc: Document) -> dict[str, set[str]]:
    """{service name: numbers} for each phone number in the body with a service named before it
    on its line (a number after another on the same line belongs to the same service)."""
    found: dict[str, set[str]] = defaultdict(set)
    for line in doc.lines[doc.body_start - 1 :]:
        service, cursor = None, 0
        for match in _PHONE.finditer(line):
            service = _service_key(line[cursor : match.start()]) or service
            cursor = match.end()
            if service:
                digits = re.sub(r"\D", "", match.group(0))
                found[service].add("0" + digits[2:] if digits.startswith("44") else digits)
    return dict(found)


def phone_mismatches(documents: Iterable[Document]) -> list[Finding]:
    """Services in one area whose documents give different numbers (a practitioner may ring the
    wrong one). Reported once per service, naming each document and its numbers."""
    by_service: dict[tuple[str, str], dict[str, tuple[Document, set[str]]]] = defaultdict(dict)
    for doc in documents:
        if doc.superseded:
            continue
        for service, numbers in phone_numbers(doc).items():
            by_service[(doc.area, service)][doc.id] = (doc, numbers)
    findings = []
    for (area, service), docs in sorted(by_service.items()):
        distinct = {frozenset(numbers) for _, numbers in docs.values()}
        if len(docs) < 2 or len(distinct) < 2:
            continue
        listing = "; ".join(
            f"{doc_id}: {', '.join(sorted(numbers))}" for doc_id, (_, numbers) in sorted(docs.items())
        )
        first = next(iter(docs.values()))[0]
        findings.append(
            Finding(
                "phone_mismatch",
                first.source,
                first.id,
                f"{area}: '{service}' has different numbers in different documents ({listing}); "
                "confirm the right one",
            )
        )
    return findings


def question_findings(corpus_dir: Path) -> list[Finding]:
    """Written questions whose passage text changed (they still serve until reviewed), and
    questions files that cannot be used (ingest leaves such a file's questions out)."""
    from kb.retrieval.questions import QuestionsError, question_rows

    try:
        rows = question_rows(corpus_dir)
    except QuestionsError as exc:
        return [Finding("questions_file", "", "", f"{exc}: fix the file; ingest leaves its questions out")]
    return [
        Finding(
            "stale_questions",
            row.questions_file,
            row.doc_id,
            f"{row.passage_id}: its text changed since its {len(row.questions)} questions were written; "
            f"review them and set hash: {row.hash} (kb questions --stale)",
        )
        for row in rows
        if row.state == "stale"
    ]


_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def is_date(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real date (what `published` and `updated` hold)."""
    text = text.strip()
    if not _DATE.match(text):
        return False
    year, month, day = ([int(part) for part in text.split("-")] + [1, 1])[:3]
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def bad_dates(documents: Iterable[Document]) -> list[Finding]:
    """A `published` or `updated` that is not a date sorts and filters wrongly: say which."""
    return [
        Finding(
            "bad_date",
            doc.source,
            doc.id,
            f"{key} {value!r} is not a date (YYYY[-MM[-DD]]); fix the front matter",
        )
        for doc in documents
        for key, value in (("published", doc.published), ("updated", doc.updated))
        if value and not is_date(value)
    ]


def serving_build(index_dir: Path) -> list[Finding]:
    """The build `index/current` names cannot be read back: the app and CLI answer from an older
    one meanwhile; `kb ingest` (or `kb rollback`) fixes it."""
    from kb.retrieval.index import read_pointer, serving_build_problem

    problem = serving_build_problem(index_dir)
    if problem is None:
        return []
    build = read_pointer(index_dir)
    message = f"{problem}; searches answer from an older build; run `kb ingest` or `kb rollback`"
    return [Finding("serving_build", str(build), "", message)]


def run_checks(
    corpus_dir: Path, today: dt.date | None = None, seeds_dir: Path | None = None
) -> list[Finding]:
    """All checks, in KINDS order. Files that fail to load are reported by `kb ingest`."""
    today = today or dt.date.today()
    source_dirs = [d for d in (seeds_dir, corpus_dir / "_sources") if d is not None]
    documents = list(load_corpus(corpus_dir).documents)
    return [
        *review_overdue(documents, today),
        *superseded_linked(documents),
        *duplicate_ids(corpus_dir),
        *uncited_passages(documents, source_dirs),
        *phone_mismatches(documents),
        *question_findings(corpus_dir),
        *bad_dates(documents),
    ]
