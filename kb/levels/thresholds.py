"""What `answer` needs of the levels: the level a question implies (`threshold_for_query`, the
`threshold` object of `kb search --json`) and the levels a corpus passage concerns
(`levels_for_passage`, stored in the index at ingest). `borrowed_note` flags evidence borrowed
from another framework wherever evidence is shown. The package's face (kb/levels/__init__.py)
re-exports these with the assessment itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from kb.levels.assess import CAVEAT, assess_scenario
from kb.levels.contacts import contacts_for
from kb.levels.frameworks import (
    DEFAULT_AREA,
    FrameworkError,
    framework_for_area,
    load_frameworks,
    load_topic_defaults,
)

# Explicit wording that ties a passage to a level: (pattern, levels, reason).
PASSAGE_RULES: tuple[tuple[re.Pattern[str], tuple[int, ...], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), levels, reason)
    for p, levels, reason in (
        (r"\bsignificant harm\b", (4,), "significant harm"),
        (r"\bsection 47\b|\bs\.? ?47\b", (4,), "section 47 enquiry"),
        (r"\bstrategy (discussion|meeting)s?\b", (4,), "strategy discussion"),
        (
            r"\b(refer\w*|contact\w*)\b[^.]{0,60}\b(MASH|children.s social care|social care)\b",
            (4,),
            "referral to MASH / Children's Social Care",
        ),
        (r"\bMASH\b|multi[- ]agency safeguarding hub", (4,), "MASH"),
        (r"\bchild protection (conference|plan|enquir\w*|investigation)", (4,), "child protection"),
        (r"\b(emergency protection order|police protection)\b", (4,), "emergency protection"),
        (r"\bearly help assessments?\b|\bEHA\b", (2, 3), "early help assessment"),
        (r"\bCAF\b|common assessment framework", (2, 3), "CAF"),
        (r"\bteam around the (child|family)\b|\bTA[CF]\b", (3,), "team around the child / family"),
        (r"\blead professional\b", (3,), "lead professional"),
        (r"\buniversal (services|provision)\b", (1,), "universal services"),
    )
)
THRESHOLD_HEADINGS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(p, re.IGNORECASE), level)
    for p, level in (
        (r"\blevel 1\b|\buniversal\b", 1),
        (r"\blevel 2\b|\bemerging needs?\b|\badditional needs?\b", 2),
        (r"\blevel 3\b|\bcomplex needs\b", 3),
        (r"\blevel 4\b|\bspecialist needs\b|\bsafeguarding needs\b|\bacute need", 4),
    )
)


def levels_for_passage(
    text: str, heading_path: tuple[str, ...], doc_type: str
) -> tuple[tuple[int, ...], list[str]]:
    """The canonical levels a passage concerns and why: explicit wording, threshold headings,
    and per-topic defaults (corpus/frameworks/topic-levels.yaml, each with its citation)."""
    levels: set[int] = set()
    reasons: list[str] = []
    for pattern, lv, reason in PASSAGE_RULES:
        if pattern.search(text or ""):
            levels.update(lv)
            reasons.append(f"explicit text: {reason} -> level {'/'.join(map(str, lv))}")
    if doc_type == "thresholds" or any("threshold" in h.lower() for h in heading_path):
        for heading in heading_path[1:]:
            for pattern, lv in THRESHOLD_HEADINGS:
                if pattern.search(heading):
                    levels.add(lv)
                    reasons.append(f"threshold heading {heading!r} -> level {lv}")
    headings = " / ".join(heading_path)
    for topic in load_topic_defaults():
        if any(p.search(headings) for p in topic.patterns):
            if not set(topic.levels) <= levels or topic.topic not in " ".join(reasons):
                levels.update(topic.levels)
                reasons.append(
                    f"topic default: {topic.topic} -> level {'/'.join(map(str, topic.levels))} "
                    f"({topic.quote.citation.text}: {topic.quote.text!r})"
                )
    return tuple(sorted(levels)), reasons


def threshold_for_query(
    question: str,
    area: str | None,
    top_passages: Sequence[tuple[str, tuple[int, ...]]],
) -> dict[str, Any]:
    """The `threshold` object of `kb search --json`: the level the question implies.

    The question is read like a case description (phrase rules only: a question is too short
    for similarity to mean much); when no rule fires, a procedure or topic the question names
    ("early help assessment", "strategy discussion", a topic default) gives the level; failing
    that the levels of the top passages decide, the highest among the top three (safety bias)."""
    framework = framework_for_area(area or DEFAULT_AREA)
    assessment = None
    if question and question.strip():
        assessment = assess_scenario(question, framework_id=framework.id, use_embeddings=False)
    why: list[dict[str, Any]] = []
    level = assessment.level if assessment else None
    if assessment and level is not None and assessment.concerns != ["wellbeing-positive"]:
        keep = ("text", "citation", "from_framework", "superseded")
        why = [{k: e[k] for k in keep if k in e} for e in assessment.evidence]
    else:
        level = None
        named, reasons = levels_for_passage(question or "", ("", question or ""), "question")
        if named:  # the question names a procedure or topic with a level ("strategy discussion")
            level = max(named)
            why = [{"text": r, "citation": "the question's own wording"} for r in reasons]
    if level is None:
        passage_levels = [max(lv) for _, lv in list(top_passages)[:3] if lv]
        if passage_levels:
            level = max(passage_levels)
            for passage_id, lv in list(top_passages)[:3]:
                if lv and max(lv) == level:
                    why.append({"text": f"top passage concerns level {level}", "citation": passage_id})
    immediate = bool(assessment and assessment.immediate_danger)
    if level is None:
        return {
            "framework": framework.id,
            "level": None,
            "label": "no level implied",
            "why": [],
            "response": [],
            "contacts": contacts_for(framework, None, immediate),
            "immediate_danger": immediate,
            "caveat": CAVEAT,
            "superseded": framework.superseded,
        }
    lv = framework.level(level)
    return {
        "framework": framework.id,
        "level": level,
        "label": lv.label,
        "why": why,
        "response": [r.to_json() for r in lv.response],
        "contacts": contacts_for(framework, level, immediate),
        "immediate_danger": immediate,
        "caveat": CAVEAT,
        "superseded": framework.superseded,
    }


def borrowed_note(evidence: dict[str, Any]) -> str:
    """'from bromley-2011, superseded' for an indicator borrowed from another framework, else ''.

    Every place that shows evidence (CLI, app, pack exports) flags a superseded source with it."""
    source = evidence.get("from_framework")
    if not source:
        return ""
    superseded = evidence.get("superseded")
    if superseded is None:  # evidence stored before the flag existed (e.g. in a saved pack)
        try:
            superseded = load_frameworks()[source].superseded
        except (FrameworkError, KeyError):
            superseded = False
    return f"from {source}, superseded" if superseded else f"from {source}"
