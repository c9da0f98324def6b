"""Whom to call for a level: the framework's contacts as data, each with its citation."""

from __future__ import annotations

from typing import Any

from kb.levels.frameworks import Contact, Framework


def contacts_for(framework: Framework, level: int | None, immediate: bool) -> list[dict[str, Any]]:
    """Whom to call, in order, without repeats: the emergency route first when a child is in
    immediate danger, then the level's own contacts (and, at level 4, the cited emergency ones)."""
    ordered: list[Contact] = []
    if immediate:
        ordered.extend(framework.emergency)
    if level is not None:
        ordered.extend(framework.level(level).contacts)
        if level == 4 and not immediate:
            ordered.extend(c for c in framework.emergency if c.citation is not None)
    seen, out = set(), []
    for contact in ordered:
        if contact.detail not in seen:
            seen.add(contact.detail)
            out.append(contact.to_json())
    return out
