"""Slide decks: which lines are slide titles and which describe a picture.

Decks come in three shapes (the manifest's `slide_titles`): `markdown` already marks titles
with `#`; `uppercase` titles are capitalised lines standing alone; `after_gap` titles are the
first line of a slide, i.e. after two or more blank lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.headings import title_shaped
from ingest.lines import SourceLine
from ingest.manifest import Overrides

_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
# An image description: a long line that opens like a caption ("A young child is sitting…",
# "A black and white photograph of…") and talks about what is pictured.
_IMAGE_OPENING = re.compile(r"^(?:An?|The) (?:[\w-]+[ ,]+){0,6}?(?:is|are|photograph|image|logo|chart)\b")
_IMAGE_WORDS = re.compile(
    r"\b(?:photograph|image|picture|background|wearing|logo|chart|tint|scene)\b", re.IGNORECASE
)
MIN_IMAGE_CHARS = 80


def is_image_description(text: str) -> bool:
    """True for a slide's picture description: caption-like opening, picture words, long."""
    return (
        len(text) >= MIN_IMAGE_CHARS and bool(_IMAGE_OPENING.match(text)) and bool(_IMAGE_WORDS.search(text))
    )


def markdown_heading(text: str) -> tuple[int, str] | None:
    """(level, title) for a line that already is a Markdown ATX heading."""
    match = _MARKDOWN_HEADING.match(text)
    return (len(match.group(1)), match.group(2)) if match else None


def slide_title_levels(lines: Sequence[SourceLine], style: str, overrides: Overrides) -> dict[int, int]:
    """Map seed line number -> heading level (slide titles `##`, sub-titles `###`)."""
    finders = {"markdown": _markdown_titles, "uppercase": _uppercase_titles, "after_gap": _gap_titles}
    levels = finders[style](lines)
    for number in overrides.headings:
        levels.setdefault(number, 2)
    return {n: level for n, level in levels.items() if n not in overrides.not_headings}


def _markdown_titles(lines: Sequence[SourceLine]) -> dict[int, int]:
    """The deck's own `#` titles move one level down: the document title owns `#`."""
    found = ((line.number, markdown_heading(line.text)) for line in lines)
    return {number: min(h[0] + 1, 6) for number, h in found if h}


def _standalone(lines: Sequence[SourceLine], index: int) -> bool:
    before = index == 0 or lines[index - 1].is_blank
    after = index + 1 >= len(lines) or lines[index + 1].is_blank
    return before and after


def _uppercase_titles(lines: Sequence[SourceLine]) -> dict[int, int]:
    return {
        line.number: 2
        for index, line in enumerate(lines)
        if not line.is_blank
        and line.text.upper() == line.text
        and any(ch.isalpha() for ch in line.text)
        and title_shaped(line.text)
        and _standalone(lines, index)
    }


def _slide_title_shaped(text: str) -> bool:
    """Like a section title, but a slide title may end in a colon (`Further Information:`)."""
    return title_shaped(text.removesuffix(":"))


def _gap_titles(lines: Sequence[SourceLine]) -> dict[int, int]:
    levels = {}
    for index, line in enumerate(lines):
        gap = index >= 2 and lines[index - 1].is_blank and lines[index - 2].is_blank
        if not line.is_blank and gap and _slide_title_shaped(line.text):
            levels[line.number] = 2
    return levels
