"""Which lines of a plain-text source are headings, and at what Markdown level.

Numbered sections (`4. Protection and Action to be Taken`) are `##`, sub-sections (`2.3 …`)
`###`, and short title-like lines followed by body text one level below the last numbered
heading. Numbered list items look like sections, so shape and neighbours decide, and the
manifest's per-document `headings` / `not_headings` lists settle what shape cannot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.lines import SourceLine, bullet_text
from ingest.manifest import Overrides

_BOOKMARK = r"(?:\[bookmark: [^\]]*\])?"
SECTION = re.compile(rf"^{_BOOKMARK}(\d{{1,2}})\.\s+(\S.*)$")
SUBSECTION = re.compile(rf"^{_BOOKMARK}\d{{1,2}}\.\d{{1,2}}\.?\s+(\S.*)$")
SUBSUBSECTION = re.compile(rf"^{_BOOKMARK}\d{{1,2}}\.\d{{1,2}}\.\d{{1,2}}\.?\s+(\S.*)$")
_BARE_NUMBER = re.compile(r"^\d{1,2}\.?$")
_APPENDIX = re.compile(r"^Appendix\s+\w+\b", re.IGNORECASE)
_CONTACT = re.compile(
    r"@|www\.|https?:|\.pdf\b|\.gov\.uk|\b(?:Tel|Telephone|Phone|Fax|Email|Mobile)\b|\d{4,}|\(\d{3,}\)"
)
_TITLE_START = re.compile(r"^[A-Z0-9]")
MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 16


def title_shaped(text: str) -> bool:
    """Short, capitalised, and not ending like a sentence or a lead-in (`.`, `;`, `,`, `:`)."""
    return (
        0 < len(text) <= MAX_HEADING_CHARS
        and len(text.split()) <= MAX_HEADING_WORDS
        and bool(_TITLE_START.match(text))
        and text[-1] not in ".;,:-–"
    )


def _is_body(text: str) -> bool:
    """Text a heading can introduce: a sentence, a list item, or anything not title-shaped."""
    return bullet_text(text) is not None or bool(SECTION.match(text)) or not title_shaped(text)


def _numbered_section(text: str) -> int | None:
    match = SECTION.match(text)
    if not match or match.group(2).endswith("?") or not title_shaped(match.group(2)):
        return None
    return int(match.group(1))


def _subsection_depth(text: str) -> int | None:
    """1 for `2.3 Title`, 2 for `3.6.2 Title`, None when not a titled sub-section."""
    for depth, pattern in ((2, SUBSUBSECTION), (1, SUBSECTION)):
        match = pattern.match(text)
        if match:
            title = match.group(1)
            return depth if title_shaped(title) and not title.endswith("?") else None
    return None


def _unnumbered(text: str, previous: str | None, following: str | None) -> bool:
    if bullet_text(text) is not None or SECTION.match(text) or _CONTACT.search(text):
        return False
    if not title_shaped(text) or following is None or not _is_body(following):
        return False
    if previous is None:
        return True
    return _is_body(previous) and not previous.endswith(":") and not _BARE_NUMBER.match(previous)


@dataclass
class _Outline:
    """Where the walk through a document is: last section number, level of the last
    numbered heading, and whether an appendix has begun (its numbering is not the chapter's)."""

    first_level: int
    last_section: int = 0
    numbered_level: int | None = None
    in_appendix: bool = False

    def takes_section(self, number: int, previous: str | None, following: str | None) -> bool:
        """Sections count up (a skipped number happens in the source); list items do not."""
        in_list = previous is not None and (previous.endswith(":") or SECTION.match(previous))
        in_list = in_list or (following is not None and SECTION.match(following) is not None)
        counts_up = self.last_section < number <= self.last_section + 2
        return counts_up and not in_list and not self.in_appendix


def _forced(outline: _Outline, text: str) -> int:
    """The level of a line the manifest says is a heading, whatever its shape."""
    section = SECTION.match(text)
    if section:
        outline.last_section, outline.numbered_level = int(section.group(1)), outline.first_level
        return outline.first_level
    if SUBSECTION.match(text):
        outline.numbered_level = outline.first_level + 1
        return outline.numbered_level
    return (outline.numbered_level or outline.first_level - 1) + 1


def _classify(outline: _Outline, text: str, previous: str | None, following: str | None) -> int | None:
    """The heading level of one line, updating the outline; None for body text."""
    number = _numbered_section(text)
    if number is not None:
        if not outline.takes_section(number, previous, following):
            return None
        outline.last_section, outline.numbered_level = number, outline.first_level
        return outline.first_level
    depth = _subsection_depth(text)
    if depth is not None and not outline.in_appendix:
        outline.numbered_level = outline.first_level + depth
        return outline.numbered_level
    if _APPENDIX.match(text) and len(text) <= 2 * MAX_HEADING_CHARS and following is not None:
        outline.in_appendix, outline.numbered_level = True, outline.first_level
        return outline.first_level
    if _unnumbered(text, previous, following):
        return (outline.numbered_level or outline.first_level - 1) + 1
    return None


def heading_levels(lines: Sequence[SourceLine], overrides: Overrides, first_level: int = 2) -> dict[int, int]:
    """Map seed line number -> Markdown heading level for the body lines of one document."""
    body = [line for line in lines if not line.is_blank]
    outline = _Outline(first_level)
    levels: dict[int, int] = {}
    for index, line in enumerate(body):
        if line.number in overrides.not_headings or overrides.is_plain_text(line.number):
            continue
        previous = body[index - 1].text if index > 0 else None
        following = body[index + 1].text if index + 1 < len(body) else None
        if line.number in overrides.headings:
            level: int | None = _forced(outline, line.text)
        else:
            level = _classify(outline, line.text, previous, following)
        if level is not None:
            levels[line.number] = level
    return levels
