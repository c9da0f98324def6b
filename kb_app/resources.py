"""What the app loads once per process: the searcher (index + model) and the frameworks.

`kb.retrieval.search.get_searcher` already keeps one searcher per serving build; `st.cache_resource`
here is keyed by the build id read from `index/current`, so a rebuild switched in by
`kb ingest` is picked up on the next question without restarting the app.
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from kb.citation import seed_source, source_line
from kb.config import Settings
from kb.model import AREAS
from kb.retrieval import Searcher, get_searcher, read_pointer

DEFAULT_AREA = AREAS[0]


class IndexMissing(RuntimeError):
    """No built index at the configured location: the app says how to build one."""


def settings() -> Settings:
    return Settings.from_env()


def serving_build(config: Settings) -> str:
    build = read_pointer(config.index_dir)
    if build is None:
        raise IndexMissing(f"No search index at {config.index_dir}. Build it with `make app` or `kb ingest`.")
    return build.name


@st.cache_resource(max_entries=2, show_spinner="Loading the procedures and the language model…")
def _searcher_for(index_dir: str, build: str) -> Searcher:
    return get_searcher(Settings.from_env())


def searcher() -> Searcher:
    """The searcher for the build serving now (loaded once per build per process)."""
    config = settings()
    return _searcher_for(str(config.index_dir), serving_build(config))


def emergency_contacts(area: str) -> tuple[str, list[dict[str, Any]]]:
    """(framework title, contacts) for the area's emergency route, from kb.levels.

    Falls back to the national 999 alone when the frameworks are not available (e.g. a corpus
    without `frameworks/`), so the emergency line never disappears."""
    try:
        from kb.levels import framework_for_area

        framework = framework_for_area(area)
    except Exception:  # frameworks missing or malformed: keep the line, say less
        return "", [{"service": "Police (emergency)", "detail": "999", "citation": "", "note": ""}]
    contacts = [c.to_json() for c in framework.emergency]
    if not any(c["detail"].strip() == "999" for c in contacts):
        contacts.insert(0, {"service": "Police (emergency)", "detail": "999", "citation": ""})
    return framework.title, contacts


def level_description(framework_id: str, level: int | None) -> tuple[str, dict[str, str] | None]:
    """(framework title, the level's own description with its citation) from kb.levels."""
    try:
        from kb.levels import load_frameworks

        framework = load_frameworks()[framework_id]
    except Exception:
        return "", None
    if level is None:
        return framework.title, None
    lv = framework.level(level)
    return framework.title, {"text": lv.description, "citation": lv.description_citation.text}


def _passages_index():
    """The serving build's passages and documents without the model (for naming sources)."""
    return get_searcher(settings(), with_encoder=False).index


def document_titles() -> dict[str, str]:
    """Document id -> title (to name a superseding document by its title); {} without an index."""
    try:
        return {d.id: d.title for d in _passages_index().documents.values()}
    except Exception:  # no index yet: ids stay unnamed, the page still draws
        return {}


_FRAMEWORK_CITATION = re.compile(r"^(?:(?P<doc>.*), )?(?P<file>[\w.-]+\.txt) lines? (?P<line>\d+)")


def readable_citation(citation: str) -> str:
    """A framework citation ('<title>, 004_….txt line 4260') as the corpus passage holding that
    line ('Cambridgeshire & Peterborough procedures manual, Threshold policy, … (manual pages
    updated 2018–2020)'); the document title alone when no passage holds it."""
    match = _FRAMEWORK_CITATION.match(citation or "")
    if not match:
        return citation
    try:
        index = _passages_index()
        found = seed_source(
            match["file"], int(match["line"]), index.passages, index.documents, document_titles()
        )
    except Exception:  # no index: fall back to the document's title
        found = ""
    return found or match["doc"] or "the procedures"


def passage_source(passage_id: str) -> str:
    """A passage id as its readable source line (the id itself when the index does not hold it)."""
    try:
        index = _passages_index()
        position = index.position.get(passage_id)
        if position is None:
            return passage_id
        passage = index.passages[position]
        return source_line(index.documents[passage.doc_id], passage, document_titles())
    except Exception:  # no index: the id is all there is
        return passage_id
