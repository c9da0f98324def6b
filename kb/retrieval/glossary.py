"""The safeguarding glossary as data: acronym expansion for search and the Glossary page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

GLOSSARY_FILE = Path(__file__).parents[1] / "data" / "glossary.yaml"
LAY_TERMS_FILE = Path(__file__).parents[1] / "data" / "lay_terms.yaml"


@dataclass(frozen=True)
class Term:
    term: str
    expansion: str
    related: tuple[str, ...] = ()
    case_sensitive: bool = False


@lru_cache(maxsize=2)
def load_glossary(path: Path = GLOSSARY_FILE) -> tuple[Term, ...]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return tuple(
        Term(
            str(e["term"]),
            str(e["expansion"]),
            tuple(str(r) for r in e.get("related", ())),
            bool(e.get("case_sensitive", False)),
        )
        for e in entries
    )


def _pattern(term: Term) -> re.Pattern[str]:
    """Whole-word match; any case (people type 'fgm') unless the term is also an ordinary word."""
    flags = 0 if term.case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(term.term)}(?![\w-])", flags)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[Term, re.Pattern[str]], ...]:
    return tuple((t, _pattern(t)) for t in load_glossary())


@lru_cache(maxsize=1)
def _expansion_patterns() -> tuple[tuple[Term, re.Pattern[str]], ...]:
    return tuple(
        (t, re.compile(rf"(?<![\w-]){re.escape(t.expansion)}(?![\w-])", re.IGNORECASE))
        for t in load_glossary()
        if len(t.expansion.split()) > 1
    )


def matching_terms(query: str) -> list[Term]:
    """Glossary entries whose term appears in the query as a whole word."""
    return [term for term, pattern in _patterns() if pattern.search(query)]


def spelled_out_terms(query: str) -> list[Term]:
    """Entries whose expansion the query spells out ("female genital mutilation"): the keyword
    side then also looks for the short form the procedures often use ("FGM")."""
    return [term for term, pattern in _expansion_patterns() if pattern.search(query)]


@lru_cache(maxsize=1)
def _lay_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    entries = yaml.safe_load(LAY_TERMS_FILE.read_text(encoding="utf-8")) or []
    compiled = []
    for entry in entries:
        words = sorted((str(w) for w in entry["lay"]), key=len, reverse=True)
        alternatives = "|".join(re.escape(w) for w in words)
        compiled.append(
            (re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE), str(entry["formal"]))
        )
    return tuple(compiled)


def formal_words(query: str) -> list[str]:
    """The procedures' words for the everyday words in a query (kb/data/lay_terms.yaml)."""
    return [formal for pattern, formal in _lay_patterns() if pattern.search(query)]


def expand_query(query: str) -> str:
    """Extra words for the keyword side: matched terms' expansions and related words, and the
    formal words for everyday ones."""
    extra: list[str] = []
    for term in matching_terms(query):
        extra.append(term.expansion)
        extra.extend(term.related)
    extra.extend(term.term for term in spelled_out_terms(query) if term not in matching_terms(query))
    extra.extend(formal_words(query))
    return " ".join(extra)


def spell_out(query: str) -> str:
    """The query with each matched acronym's expansion added in brackets, for the dense side:
    the embedding model knows 'Female Genital Mutilation' far better than 'FGM'."""
    expansions = [t.expansion for t in matching_terms(query) if t.expansion.lower() not in query.lower()]
    expansions += formal_words(query)
    return f"{query} ({'; '.join(expansions)})" if expansions else query
