"""The one place a passage's citation is written; CLI, app and exports all call it.

Two forms: `cite` (the `citation` of `kb search --json`, stable for saved packs and scripts) and
`source_line`, the sentence a practitioner or trainer reads: "Cambridgeshire & Peterborough
procedures manual, Breast Ironing, 5. Indicators (manual pages updated 2018–2020)". File names,
line numbers and ids are for maintainers only: `maintainer_line` puts them on one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from kb.model import AREA_NAMES, Document, Passage

_MONTHS = ("January February March April May June July August September October November December").split()


def document_label(doc: Document) -> str:
    """How a person names the document: the manual and chapter, or the title and date."""
    if doc.collection:
        return f"{doc.collection}, {doc.title}"
    date = doc.published or doc.updated
    return f"{doc.title} ({AREA_NAMES.get(doc.area, doc.area)}, {date})" if date else doc.title


def cite(doc: Document, passage: Passage | None = None) -> str:
    """e.g. 'Cambridgeshire & Peterborough SCP procedures, Forced marriage, 4. Legal Position'.

    A superseded document says so in its citation, so a quote never hides it."""
    parts = [document_label(doc)]
    if passage is not None and len(passage.heading_path) > 1:
        parts.append(passage.heading_path[-1])
    citation = ", ".join(parts)
    if doc.superseded:
        replaced = f" by {doc.superseded_by}" if doc.superseded_by else ""
        citation += f" [SUPERSEDED{replaced}]"
    return citation


def collection_name(collection: str) -> str:
    """'Cambridgeshire & Peterborough SCP procedures' -> 'Cambridgeshire & Peterborough procedures manual'."""
    name = re.sub(r"\s+(SCP|LSCB|SCB|BSCB)\b", "", collection.strip())
    return f"{name} manual" if name.lower().endswith("procedures") else name


def readable_date(date: str) -> str:
    """'2011-07' -> 'July 2011'; '2019' stays; a note ('undated chapter; manual pages updated
    2018–2020') keeps only what it says the date is."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", date.strip())
    if match and 1 <= int(match.group(2)) <= 12:
        year, month, day = match.groups()
        return f"{int(day)} {_MONTHS[int(month) - 1]} {year}" if day else f"{_MONTHS[int(month) - 1]} {year}"
    return date.split(";")[-1].strip() if ";" in date else date.strip()


_KIND = {"training": "training slides", "thresholds": "threshold guidance"}


def _document_name(doc: Document) -> str:
    if doc.collection:
        return f"{collection_name(doc.collection)}, {doc.title}"
    area = AREA_NAMES.get(doc.area, doc.area)
    places = [p.strip().lower() for p in area.split("&")]
    return doc.title if any(p and p in doc.title.lower() for p in places) else f"{area}: {doc.title}"


def source_line(
    doc: Document,
    passage: Passage | None = None,
    titles: Mapping[str, str] | None = None,
    heading: str | None = None,
) -> str:
    """The source as a practitioner reads it: document (manual and chapter, or title), section,
    date in words, and for a superseded document the title of the one that replaces it.

    `titles` maps document ids to titles (to name the superseding document); `heading` names
    the section when there is no passage (e.g. a framework quote)."""
    parts = [_document_name(doc)]
    section = (
        heading
        if heading is not None
        else (passage.heading_path[-1] if passage is not None and len(passage.heading_path) > 1 else "")
    )
    if section and section != doc.title:
        parts.append(section)
    line = ", ".join(parts)
    kind = "" if doc.collection else _KIND.get(doc.type, "")
    when = readable_date(doc.date) if doc.date else ""
    if kind or when:
        line += f" ({', '.join(x for x in (kind, when) if x)})"
    if doc.superseded:
        successor = (titles or {}).get(doc.superseded_by, "") if doc.superseded_by else ""
        line += f" — superseded by “{successor}”" if successor else " — superseded"
    return line


def maintainer_line(doc: Document, passage: Passage | None = None) -> str:
    """Ids, corpus path, seed file and lines on one line: what a maintainer needs to find the text."""
    if passage is None:
        return f"{doc.id} · {doc.source} · seed {doc.origin.file}"
    return (
        f"id {passage.id} · {doc.source} lines {passage.line_start}–{passage.line_end} · "
        f"seed {passage.origin.file} lines {passage.origin.line_start}–{passage.origin.line_end}"
    )


def seed_source(
    file: str,
    line: int,
    passages: Iterable[Passage],
    documents: Mapping[str, Document],
    titles: Mapping[str, str] | None = None,
) -> str:
    """A framework quote's seed file and line, named as the corpus passage's source line that holds
    it, e.g. 'Cambridgeshire & Peterborough procedures manual, Threshold policy, Specialist Needs
    and Safeguarding (manual pages updated 2018–2020)'. '' when no passage holds that line."""
    for passage in passages:
        origin = passage.origin
        if origin.file == file and origin.line_start <= line <= origin.line_end:
            doc = documents.get(passage.doc_id)
            if doc is not None:
                return source_line(doc, passage, titles)
    return ""
