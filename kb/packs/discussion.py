"""The words the exports share about a scenario: the question asked and the level discussion.

One place, so slides' speaker notes, the handout and the Markdown say the same thing, and the
caveat that a level is a prompt for professional judgement is never left out.
"""

from __future__ import annotations

import re
from datetime import date

from kb.errors import KBError
from kb.levels import borrowed_note, load_frameworks
from kb.packs.model import ScenarioItem

QUESTION = "What level of need does this suggest, and what would you do next?"
SAFETY_LINE = "A level is a prompt for professional judgement. If a child is in immediate danger, call 999."
DEFAULT_CAVEAT = (
    "This level is a prompt for professional judgement, not a decision. If a child is in "
    "immediate danger, call 999."
)


def level_line(item: ScenarioItem) -> str:
    a = item.assessment
    if a.get("error"):
        return f"Suggested level: not assessed ({a['error']})"
    if item.level is None:
        return "Suggested level: none (no indicator of the framework matched the description)"
    framework = a.get("framework_title") or a.get("framework") or ""
    confidence = f", {a['confidence']} confidence" if a.get("confidence") else ""
    where = f" [{framework}]" if framework else ""
    return f"Suggested level: {item.level} ({item.label}){where}{confidence}"


def discussion_lines(item: ScenarioItem) -> list[str]:
    """Speaker notes for a scenario: level, evidence quotes with citations, contacts, caveat."""
    a = item.assessment
    lines = []
    if a.get("immediate_danger"):
        lines.append("IMMEDIATE DANGER described: call 999 now.")
    lines.append(level_line(item))
    for reason in a.get("reasons") or []:
        lines.append(f"Why: {reason}")
    evidence = item.evidence
    if evidence:
        lines.append("Evidence:")
        for e in evidence:
            level = f"level {e['level']}: " if e.get("level") is not None else ""
            borrowed = _borrowed(e)
            flag = f" [{borrowed}]" if borrowed else ""
            lines.append(f'- {level}"{e.get("text", "")}" ({readable_citation(e.get("citation", ""))}){flag}')
            if e.get("matched"):
                lines.append(f'  matched: "{e["matched"]}"')
    contacts = a.get("contacts") or []
    if contacts:
        lines.append("Contacts:")
        for c in contacts:
            label = c.get("service") or c.get("label") or ""
            detail = c.get("detail") or ""
            note = f" [{c['note']}]" if "superseded" in (c.get("note") or "") else ""
            lines.append(f"- {label}: {detail}".rstrip(": ") + note)
    lines.append(a.get("caveat") or DEFAULT_CAVEAT)
    if item.note:
        lines.append(f"Trainer notes: {item.note}")
    return lines


def _borrowed(evidence: dict) -> str:
    """borrowed_note with the framework named by its title, not its id."""
    note, source = borrowed_note(evidence), evidence.get("from_framework") or ""
    if not note:
        return ""
    try:
        return note.replace(source, load_frameworks()[source].title)
    except (KBError, KeyError):
        return note


def counted(n: int, noun: str) -> str:
    """'1 case scenario', '2 case scenarios', '0 passages'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


_SEED_REF = re.compile(r",\s*[\w.-]+\.(?:txt|md|pdf|docx|pptx|html?)\s+lines?\s+\d+(?:\s*[-\u2013]\s*\d+)?$")


def readable_citation(citation: str) -> str:
    """A framework citation without its seed file and line: 'Testshire framework, x.txt line 12'
    -> 'Testshire framework' (speaker notes carry no file names or ids)."""
    return _SEED_REF.sub("", citation).strip()


def generated_on() -> str:
    return date.today().isoformat()
