"""A whole answer to a question: cited passages, the threshold level they imply, the emergency route.

The CLI's `kb search --json` and the app both print/draw this one object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import kb.retrieval.search
from kb.errors import UnknownAreaError
from kb.model import Hit
from kb.retrieval import Filters, Searcher
from kb.retrieval.offtopic import is_weak_match


@dataclass
class Answer:
    query: str
    hits: list[Hit]
    threshold: dict[str, Any] | None = None
    filters: Filters = field(default_factory=Filters)

    @property
    def weak_match(self) -> bool:
        """True when even the best passage hardly matches: the procedures may not cover this."""
        if not self.hits or kb.retrieval.search.FUSION == "rrf":  # RRF scores (~0.03) are no similarity
            return False
        return is_weak_match(self.hits)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"query": self.query, "results": [h.to_json() for h in self.hits]}
        data["weak_match"] = self.weak_match
        data["threshold"] = self.threshold  # null when no level applies (e.g. an empty question)
        data["filters"] = {k: v for k, v in self.filters.__dict__.items() if v}
        return data


NATIONAL_999 = {
    "service": "Police (emergency)",
    "detail": "999",
    "citation": "",
    "note": "999 is the national emergency number; no levels-of-need framework is loaded for this area.",
}


CAVEAT_NO_FRAMEWORK = (
    "No levels-of-need framework is loaded for this area, so no level is suggested: use your "
    "professional judgement and consult your designated safeguarding lead or the local MASH. "
    "If a child is in immediate danger, call 999."
)


def threshold_for(question: str, area: str | None, hits: list[Hit]) -> dict[str, Any] | None:
    """The level the question implies (kb.levels), or None if levels are not available.

    An area with documents but no framework of its own gets no level (another area's levels
    and phone numbers would be wrong there), but immediate danger still brings 999."""
    try:
        from kb.levels import FrameworkError, threshold_for_query
    except ImportError:
        return None
    top = [(h.passage.id, h.levels) for h in hits]
    try:
        return threshold_for_query(question, area, top)
    except UnknownAreaError:
        danger = threshold_for_query(question, None, [])["immediate_danger"]
    except FrameworkError:
        return None  # a corpus without frameworks (e.g. a test fixture) implies no level
    return {
        "framework": None,
        "level": None,
        "label": "no levels-of-need framework for this area",
        "why": [],
        "response": [],
        "contacts": [NATIONAL_999],
        "immediate_danger": danger,
        "caveat": CAVEAT_NO_FRAMEWORK,
        "superseded": False,
    }


def answer(
    searcher: Searcher, question: str, k: int = 5, filters: Filters | None = None, with_threshold: bool = True
) -> Answer:
    filters = filters or Filters()
    hits = searcher.search(question, k=k, filters=filters)
    result = Answer(question, hits, None, filters)
    if with_threshold and question.strip():
        # A weak match's passages say little about this question: the level then comes from
        # the question's own words only (immediate danger is still read from them).
        result.threshold = threshold_for(question, filters.area, [] if result.weak_match else hits)
    return result
