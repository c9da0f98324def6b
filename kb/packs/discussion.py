"""The words the exports share about a scenario: the question asked and the level discussion.

One place, so slides' speaker notes, the handout and the Markdown say the same thing, and the
caveat that a level is a prompt for professional judgement is never left out.
"""

from __future__ import annotations

from datetime import date

from kb.levels import borrowed_note
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
            borrowed = borrowed_note(e)
            flag = f" [{borrowed}]" if borrowed else ""
            lines.append(f'- {level}"{e.get("text", "")}" ({e.get("citation", "")}){flag}')
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


def generated_on() -> str:
    return date.today().isoformat()
