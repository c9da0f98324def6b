"""A whole answer to a question: cited passages, the threshold level they imply, the emergency route.

The CLI's `kb search --json` and the app both print/draw this one object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import kb.retrieval.search
from kb.citation import source_line
from kb.errors import UnknownAreaError
from kb.model import Hit
from kb.question_kind import areas_named, describes_a_situation
from kb.retrieval import Filters, Searcher
from kb.retrieval.offtopic import is_weak_match


@dataclass
class Answer:
    query: str
    hits: list[Hit]
    threshold: dict[str, Any] | None = None
    filters: Filters = field(default_factory=Filters)
    area: str | None = None  # the area the level and contacts are for
    other_area: str | None = None  # the one area the question names, when not the chosen one
    situation: bool = True  # the question describes a child or situation (else no level)
    thresholds_by_area: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # doc id -> title, to name successors

    def source_line(self, hit: Hit) -> str:
        """The hit's source as a practitioner reads it (kb.citation.source_line)."""
        return source_line(hit.document, hit.passage, self.titles)

    def areas(self) -> list[str]:
        """The areas of the hits, in rank order of each area's best hit."""
        return list(dict.fromkeys(h.document.area for h in self.hits))

    def threshold_for_area(self, area: str) -> dict[str, Any] | None:
        return self.threshold if area == self.area else self.thresholds_by_area.get(area)

    @property
    def weak_match(self) -> bool:
        """True when even the best passage hardly matches: the procedures may not cover this."""
        if not self.hits or kb.retrieval.search.FUSION == "rrf":  # RRF scores (~0.03) are no similarity
            return False
        return is_weak_match(self.hits)

    def to_json(self) -> dict[str, Any]:
        results = [{**h.to_json(), "source_line": self.source_line(h)} for h in self.hits]
        data: dict[str, Any] = {"query": self.query, "results": results}
        data["weak_match"] = self.weak_match
        data["threshold"] = self.threshold  # null when no level applies (e.g. an empty question)
        data["filters"] = {k: v for k, v in self.filters.__dict__.items() if v}
        data["area"] = self.area
        data["other_area"] = self.other_area
        data["describes_situation"] = self.situation
        others = {a: t for a, t in self.thresholds_by_area.items() if a != self.area}
        if others:
            data["thresholds_by_area"] = others
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
    result.titles = {d.id: d.title for d in searcher.index.documents.values()}
    named = areas_named(question)
    if filters.area is not None:
        result.area = filters.area
        result.other_area = next(iter(named)) if len(named) == 1 and filters.area not in named else None
    elif len(named) == 1:
        result.area = next(iter(named))  # "…in Bromley" answers for Bromley
    elif hits:
        result.area = hits[0].document.area
    result.situation = describes_a_situation(question)
    if with_threshold and question.strip():
        for area in dict.fromkeys([result.area, *result.areas()]):
            result.thresholds_by_area[area] = _threshold(question, area, result)
        result.threshold = result.thresholds_by_area[result.area]
    return result


def _threshold(question: str, area: str | None, result: Answer) -> dict[str, Any] | None:
    """The level for one area, read from that area's passages only. A weak match's passages
    say little about the question, and a question that describes no child or situation (who to
    call, what a term means) implies no level: both keep the emergency route read from the
    question's own words."""
    hits = [h for h in result.hits if area is None or h.document.area == area]
    threshold = threshold_for(question, area, [] if result.weak_match or not result.situation else hits)
    if threshold and not result.situation and threshold.get("level") is not None:
        threshold = {
            **threshold,
            "level": None,
            "label": "no level: the question describes no child or situation",
            "why": [],
            "response": [],
            "contacts": [c for c in threshold["contacts"] if threshold.get("immediate_danger")],
        }
    return threshold
