"""The emergency route for an area (the red box): 999, then the area's own numbers.

Taken from the area's newest current framework (kb.levels.framework_for_area). An entry without
a number to ring is left out (it is a step, not a contact), and a number borrowed from a
superseded document is kept only when no current document gives a number for that kind of
service, flagged so the practitioner checks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_NUMBER = re.compile(r"\(?0\d{2,4}\)?[\d ]{6,12}\d|\b999\b")
_KINDS = (
    ("out-of-hours", re.compile(r"out of hours|outside normal|emergency duty|\bEDT\b", re.IGNORECASE)),
    ("front-door", re.compile(r"MASH|referral|social care|front door", re.IGNORECASE)),
    ("police", re.compile(r"police|999", re.IGNORECASE)),
)
NATIONAL_999 = {"service": "Police (emergency)", "detail": "999", "citation": "", "note": ""}


@dataclass(frozen=True)
class EmergencyRoute:
    framework: str  # the framework's title ('' when none is loaded)
    contacts: tuple[dict[str, Any], ...]  # 999 first; each: service, detail, citation, note, borrowed


def has_number(detail: str) -> bool:
    return bool(_NUMBER.search(detail))


def _kind(contact: dict[str, Any]) -> str:
    text = f"{contact['service']} {contact['detail']}"
    for name, pattern in _KINDS:
        if pattern.search(text):
            return name + (f":{contact['service']}" if name == "front-door" else "")
    return contact["service"]


def route_contacts(contacts: list[dict[str, Any]], current_title: str) -> list[dict[str, Any]]:
    """The red box's entries from a framework's emergency contacts (see the module docstring).

    A contact is borrowed when its note says it comes from another document."""
    numbered = [dict(c) for c in contacts if has_number(c.get("detail", ""))]
    for c in numbered:
        c["borrowed"] = bool(c.get("note", "").startswith("from ")) and current_title not in c.get("note", "")
    current_kinds = {_kind(c).split(":")[0] for c in numbered if not c["borrowed"]}
    kept = [c for c in numbered if not c["borrowed"] or _kind(c).split(":")[0] not in current_kinds]
    if not any(c["detail"].strip() == "999" for c in kept):
        kept.insert(0, {**NATIONAL_999, "borrowed": False})
    kept.sort(key=lambda c: c["detail"].strip() != "999")
    return kept


def emergency_route(area: str) -> EmergencyRoute:
    """The area's red box. Falls back to 999 alone when no framework is available."""
    try:
        from kb.levels import framework_for_area

        framework = framework_for_area(area)
    except Exception:  # frameworks missing or malformed: keep the line, say less
        return EmergencyRoute("", ({**NATIONAL_999, "borrowed": False},))
    contacts = [
        {**c.to_json(), "file": c.citation.file, "line": c.citation.line_start} if c.citation else c.to_json()
        for c in framework.emergency
    ]
    return EmergencyRoute(framework.title, tuple(route_contacts(contacts, framework.title)))
