"""Reference pages' data: glossary definitions quoted from the procedures, and each area's
contacts, every item cited. Pure functions over what the caller passes (index passages and
documents, frameworks, glossary terms); the app caches the results per build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kb.citation import cite
from kb.model import Document, Passage

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u2018\u201c\"'(])")
_DEFINING = r"(?:is|are|means|refers to|describes|is defined as|is the term used|is a term)\b"
_PHONE = re.compile(r"(?:\(0\d{2,4}\)\s?\d{3,4}\s?\d{3,4}|\b0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b|\b999\b)")


@dataclass(frozen=True)
class Definition:
    """A sentence from the procedures that defines a term, with where it comes from."""

    term: str
    text: str
    citation: str
    passage_id: str
    superseded: bool


def _sentences(text: str) -> Iterable[str]:
    for line in text.split("\n"):
        line = line.strip().lstrip("#-*> ").strip()
        if line:
            yield from (s.strip() for s in _SENTENCE.split(line) if s.strip())


def _defines(term: str, expansion: str) -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n in (expansion, term) if n)
    return re.compile(
        rf"^(?:the term\s+|an?\s+|the\s+)?[\u2018\u201c\"']?(?:{names})[\u2019\u201d\"']?"
        rf"(?:\s*\([^)]{{1,40}}\))?(?:,[^,]{{1,60}},|\s+also known as\s+.{{1,40}}?)?\s+{_DEFINING}",
        re.IGNORECASE,
    )


_STRONG = re.compile(
    r"\b(?:means|refers to|is defined as|is the (?:process|term)|describes|is a form of)\b", re.I
)
_NOUN = re.compile(r"\b(?:is|are) (?:a|an|any|the|when|where)\b", re.I)


def _strength(verb_and_after: str) -> int:
    """0 for 'means', 'refers to', 'is the process'…; 1 for 'is a/an/the…'; 2 for 'is painful'."""
    return 0 if _STRONG.search(verb_and_after) else 1 if _NOUN.search(verb_and_after) else 2


def find_definitions(
    terms: Iterable, passages: Iterable[Passage], documents: dict[str, Document]
) -> dict[str, Definition]:
    """{term: the procedures' own defining sentence} for each glossary term the corpus defines:
    a sentence of 6-90 words that opens with the term or its expansion and 'is', 'means',
    'refers to'…; a current document's sentence beats a superseded one, a 'Definition' section
    beats others, then the shorter sentence wins."""
    sentences = []
    for p in passages:
        doc = documents.get(p.doc_id)
        if doc is None:
            continue
        in_definition = any("defin" in h.lower() for h in p.heading_path[1:])
        for s in _sentences(p.text):
            if 6 <= len(s.split()) <= 90:
                sentences.append((s, p, doc, in_definition))
    found: dict[str, Definition] = {}
    for term in terms:
        pattern = _defines(term.term, term.expansion)
        candidates = [
            (doc.superseded, _strength(s[m.end() - 12 :]), not in_def, len(s), s, p, doc)
            for s, p, doc, in_def in sentences
            if (m := pattern.search(s))
        ]
        if candidates:
            superseded, _, _, _, text, p, doc = min(candidates, key=lambda c: c[:4])
            found[term.term] = Definition(term.term, text, cite(doc, p), p.id, superseded)
    return found


@dataclass(frozen=True)
class ContactLine:
    """A line of a procedure that gives a phone number, as the procedure words it."""

    text: str
    citation: str
    passage_id: str
    doc_id: str
    superseded: bool
    date: str


def contact_lines(
    area: str, passages: Iterable[Passage], documents: dict[str, Document]
) -> list[ContactLine]:
    """Every distinct line in the area's documents that holds a phone number, current
    documents first, each cited to its document and section."""
    seen: set[str] = set()
    out = []
    for p in passages:
        doc = documents.get(p.doc_id)
        if doc is None or doc.area != area:
            continue
        previous = ""
        for line in p.text.split("\n"):
            shown = line.strip().lstrip("#-*> ").strip()
            if not _PHONE.search(shown):
                previous = shown or previous
                continue
            if len(shown.split()) < 5 and previous and not _PHONE.search(previous):
                shown = f"{previous} {shown}"  # 'Tel: 01733 863744' says whose number under its heading line
            key = " ".join(shown.lower().split())
            if key in seen or len(shown) > 400:
                continue
            seen.add(key)
            out.append(ContactLine(shown, cite(doc, p), p.id, doc.id, doc.superseded, doc.date))
    return sorted(out, key=lambda c: c.superseded)
