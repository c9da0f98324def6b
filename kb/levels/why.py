"""The reasons a practitioner reads, in a designated safeguarding lead's words: the framework's
indicator and what the note says that matches it. Probabilities, model names and thresholds are
not here: they go to the answer's `details` (kb.levels.assess)."""

from __future__ import annotations

from typing import Any

MAX_QUOTED_WORDS = 30


def shorten(text: str, words: int = MAX_QUOTED_WORDS) -> str:
    """The text, cut to `words` words with an ellipsis."""
    parts = text.split()
    return text.strip() if len(parts) <= words else " ".join(parts[:words]) + "…"


def because(level: int, indicator: str, matched: str) -> str:
    """'Level 3: 'indicator…' — the note says: 'matched''."""
    return f"Level {level}: '{shorten(indicator)}' — the note says: '{matched}'"


def why_lines(level: int | None, evidence: list[dict[str, Any]], accident: bool) -> list[str]:
    """One line per piece of evidence at the level given (the indicator and the note's words)."""
    lines = [
        because(e["level"], e["text"], e["matched"])
        for e in evidence
        if e.get("matched") and e.get("level") == level and e.get("kind") != "level description"
    ]
    if not lines and level == 1 and accident:
        lines.append(
            "Level 1: a single injury the note explains as a confirmed accident, nothing else of concern"
        )
    return lines


def immediate_line(label: str, matched: str) -> str:
    return f"Immediate danger: {label} — the note says: '{matched}'"


def consider_level4(indicator: str, matched: str, level: int | None) -> str:
    """The learned model's level-4 reading where no level-4 indicator matched the note."""
    stays = f"the suggestion stays at level {level}" if level else "no level is suggested"
    return (
        f"Consider whether level 4 applies: '{shorten(indicator)}' — the note says: '{matched}'. "
        f"Nothing in the note matches a level-4 indicator directly, so {stays}; discuss with your DSL."
    )


def consider_lowered_level4(indicator: str, matched: str, level: int, immediate: bool) -> str:
    """A rules' level-4 indicator (or immediate-danger words) that the note as a whole, read by the
    learned model, places below level 4."""
    said = f"'{matched}'" + ("" if matched.rstrip("'\"’”").endswith((".", "!", "?")) else ".")
    if immediate:
        return (
            f"Check for immediate danger: '{shorten(indicator)}' — the note says: {said} "
            f"Read with the rest of the note, this does not look like danger to this child now, so "
            f"the suggestion is level {level}; if the child is in danger now, call 999."
        )
    return (
        f"Consider whether level 4 applies: '{shorten(indicator)}' — the note says: {said} "
        f"Read with the rest of the note, this looks like level {level} rather than level 4; if "
        f"the child is suffering or likely to suffer significant harm, it is level 4: discuss with "
        f"your DSL."
    )


def lowered_level4_lines(evidence: list[dict[str, Any]], level: int) -> list[str]:
    """One "consider" line per level-4 evidence item of a rules' 4 the learned model lowered."""
    return [
        consider_lowered_level4(e["text"], e["matched"], level, False)
        for e in evidence
        if e.get("level") == 4 and e.get("matched") and not e.get("immediate_danger")  # said apart
    ]
