"""Which lines of a plain-text source are headings, and at what Markdown level.

Numbered sections (`4. Protection and Action to be Taken`) are `##`, sub-sections (`2.3 …`)
`###`, and short title-like lines followed by body text one level below the last numbered
heading. Numbered list items look like sections, so shape and neighbours decide, and the
manifest's per-document `headings` / `not_headings` / `heading_levels` settle what shape cannot.
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
# An appendix or a numbered part restarts the outline: its numbering is not the chapter's.
_APPENDIX = re.compile(r"^(?:Appendix\s+\w+\b|Part\s+\d+\s*[–:-])", re.IGNORECASE)
_CONTACT = re.compile(
    r"@|www\.|https?:|\.pdf\b|\.gov\.uk|\b(?:Tel|Telephone|Phone|Fax|Email|Mobile)\b|\d{4,}|\(\d{3,}\)"
)
# What makes a short line an address, number or link rather than a title (years are not).
_CONTACT_DETAIL = re.compile(
    r"@|www\.|https?:|\.pdf\b|\b(?:Tel|Telephone|Phone|Fax|Email|Mobile)\b|\d{5,}|\b0\d{2,4}\s\d{3}|\(\d{4,}\)"
)
_CROSS_REFERENCE = re.compile(r"^(?:See|Please see|Please also see)\b")
_SENTENCE_BREAK = re.compile(r"[.;:!?]\s+[A-Z]")
_TITLE_START = re.compile(r"^[A-Z0-9]")
_PROSE_ENDINGS = (".", ":", ";", "?", "!", '"', "”", "’", "'")
MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 16
# A numbered title that ends in a full stop may run longer ("2. Triggering a multi-agency
# response in the serious suicide attempt or death of a young person from suicide.").
MAX_STOPPED_TITLE_CHARS = 130
MAX_STOPPED_TITLE_WORDS = 24
MAX_LABEL_WORDS = 8
MAX_CONTACT_WORDS = 8


def title_shaped(text: str) -> bool:
    """Short, capitalised, and not ending like a sentence or a lead-in (`.`, `;`, `,`, `:`)."""
    return (
        0 < len(text) <= MAX_HEADING_CHARS
        and len(text.split()) <= MAX_HEADING_WORDS
        and bool(_TITLE_START.match(text))
        and text[-1] not in ".;,:-–"
    )


def _stopped_title(title: str) -> bool:
    """A title with its own full stop: one clause, capitalised, not too long."""
    core = title[:-1]
    return (
        title.endswith(".")
        and not core.endswith(".")
        and len(title) <= MAX_STOPPED_TITLE_CHARS
        and len(title.split()) <= MAX_STOPPED_TITLE_WORDS
        and bool(_TITLE_START.match(core))
        and not _SENTENCE_BREAK.search(core)
        and core[-1:] not in ";,:-–"
    )


def _title_case(text: str) -> bool:
    """Every word of four letters or more starts with a capital: a label, not a lead-in
    sentence ("Target Audience" yes; "Working Together 2018 states" no)."""
    return all(word[0].isupper() for word in text.split() if len(word) >= 4 and word[0].isalpha())


def _label(text: str) -> bool:
    """A colon-ended label that titles what follows ("Referral to Children’s Social Care:")."""
    core = text[:-1].rstrip()
    return (
        text.endswith(":")
        and title_shaped(core)
        and len(core.split()) <= MAX_LABEL_WORDS
        and _title_case(core)
        and core.upper() != core  # an ALL CAPS label is a table's row label
        and not _CONTACT.search(core)
    )


def _is_body(text: str) -> bool:
    """Text a heading can introduce: a sentence, a list item, or anything not title-shaped."""
    return bullet_text(text) is not None or bool(SECTION.match(text)) or not title_shaped(text)


def _contact_line(text: str) -> bool:
    """A short line that is mostly an address, number or link ("Tel: 01733 863744")."""
    return (
        bullet_text(text) is None
        and bool(_CONTACT_DETAIL.search(text))
        and len(text.split()) <= MAX_CONTACT_WORDS
    )


def _ends_body(text: str) -> bool:
    """A line a heading may follow: body, or a cross-reference or contact line (never titles)."""
    return _is_body(text) or bool(_CROSS_REFERENCE.match(text)) or _contact_line(text)


def _is_prose(text: str) -> bool:
    """A sentence of five words or more, not a list item, title, label or contact line."""
    return (
        bullet_text(text) is None
        and not SECTION.match(text)
        and not title_shaped(text)
        and not _label(text)
        and not _contact_line(text)
        and len(text.split()) >= 5
        and text.rstrip("-").endswith(_PROSE_ENDINGS)  # ':-' ends a lead-in too
    )


def _subsection_depth(text: str) -> int | None:
    """1 for `2.3 Title`, 2 for `3.6.2 Title`, None when not a titled sub-section."""
    for depth, pattern in ((2, SUBSUBSECTION), (1, SUBSECTION)):
        match = pattern.match(text)
        if match:
            title = match.group(1)
            return depth if title_shaped(title) and not title.endswith("?") else None
    return None


@dataclass(frozen=True)
class _Around:
    """A line's neighbours among the non-blank lines; `after_appendix` when the line before
    is an appendix or part heading (a title right under it titles its content)."""

    previous: str | None
    following: str | None
    after_following: str | None
    after_appendix: bool


def _plain_title(text: str) -> bool:
    """Could be an unnumbered heading by its own shape: a title, not a list item or contact."""
    return (
        bullet_text(text) is None
        and not SECTION.match(text)
        and not _CONTACT.search(text)
        and not _CROSS_REFERENCE.match(text)
        and title_shaped(text)
    )


def _opens_after(around: _Around) -> bool:
    """The line before allows a heading here: body that is not a lead-in, or an appendix title."""
    previous = around.previous
    if previous is None or around.after_appendix:
        return True
    return _ends_body(previous) and not previous.endswith(":") and not _BARE_NUMBER.match(previous)


def _unnumbered(text: str, around: _Around) -> bool:
    """A short title followed by body text, or a label followed by a sentence."""
    following = around.following
    if following is None or not _opens_after(around):
        return False
    if _label(text):
        return _is_prose(following)
    # A name above a number or link is a contact list entry, unless prose came before it.
    in_contacts = _contact_line(following) and (around.previous is None or _contact_line(around.previous))
    return _plain_title(text) and _is_body(following) and not in_contacts


def _group(text: str, around: _Around) -> bool:
    """A title (or label) directly above another title that heads body text: the first heads
    a group ("PARENTING CAPACITY" over "Basic Care"; "Part 2 …" over "Definitions")."""
    following, after = around.following, around.after_following
    if following is None or after is None or not _opens_after(around):
        return False
    heads_prose = _plain_title(following) and not following.endswith("?") and _is_prose(after)
    return (_plain_title(text) or _label(text)) and heads_prose


@dataclass
class _Outline:
    """Where the walk through a document is: last section number, level of the last
    numbered heading, whether an appendix has begun (its numbering is not the chapter's),
    and the level unnumbered headings take while inside a group."""

    first_level: int
    last_section: int = 0
    numbered_level: int | None = None
    in_appendix: bool = False
    group_child: int | None = None  # level of titles under the current group
    child_next: bool = False  # the line after a group heading is its first title
    group_persists: bool = False  # the group holds every title until the next structural heading

    def base(self) -> int:
        """The level an unnumbered title takes outside any group."""
        return (self.numbered_level or self.first_level - 1) + 1

    def structural(self, level: int) -> int:
        """A numbered, appendix or forced heading ends any group."""
        self.group_child, self.group_persists, self.child_next = None, False, False
        return level

    def takes_section(self, number: int, stopped: bool, around: _Around) -> bool:
        """Sections count up (a skipped number happens in the source); list items do not.
        A title ending in a full stop must be exactly the next number."""
        previous, following = around.previous, around.following
        in_list = previous is not None and (previous.endswith(":") or SECTION.match(previous))
        in_list = in_list or (following is not None and SECTION.match(following) is not None)
        if stopped:
            counts_up = number == self.last_section + 1 and following is not None and _is_body(following)
        else:
            counts_up = self.last_section < number <= self.last_section + 2
        return counts_up and not in_list and not self.in_appendix


def _numbered_section(text: str) -> tuple[int, bool] | None:
    """(number, ends with a full stop) for `N. Title` / `N. A longer title.`; None otherwise."""
    match = SECTION.match(text)
    if not match or match.group(2).endswith("?"):
        return None
    title = match.group(2)
    if title_shaped(title):
        return int(match.group(1)), False
    if _stopped_title(title):
        return int(match.group(1)), True
    return None


def _forced(outline: _Outline, text: str) -> int:
    """The level of a line the manifest says is a heading, whatever its shape."""
    section = SECTION.match(text)
    if section:
        outline.last_section, outline.numbered_level = int(section.group(1)), outline.first_level
        return outline.structural(outline.first_level)
    if SUBSECTION.match(text):
        outline.numbered_level = outline.first_level + 1
        return outline.structural(outline.numbered_level)
    return outline.group_child or outline.base()


def _classify(outline: _Outline, text: str, around: _Around) -> int | None:
    """The heading level of one line, updating the outline; None for body text."""
    numbered = _numbered_section(text)
    if numbered is not None:
        number, stopped = numbered
        if not outline.takes_section(number, stopped, around):
            return None
        outline.last_section, outline.numbered_level = number, outline.first_level
        return outline.structural(outline.first_level)
    depth = _subsection_depth(text)
    if depth is not None and not outline.in_appendix:
        outline.numbered_level = outline.first_level + depth
        return outline.structural(outline.numbered_level)
    if _APPENDIX.match(text) and len(text) <= 2 * MAX_HEADING_CHARS and around.following is not None:
        outline.in_appendix, outline.numbered_level = True, outline.first_level
        return outline.structural(outline.first_level)
    if outline.child_next:
        outline.child_next = False
        level = outline.group_child or outline.base()
        if not outline.group_persists:
            outline.group_child = None
        return level
    if _group(text, around):
        level = outline.base()
        # An ALL CAPS or colon-ended group title announces a run of sub-titles, not just one.
        outline.group_child, outline.group_persists = level + 1, text.upper() == text or text.endswith(":")
        outline.child_next = True
        return level
    if _unnumbered(text, around):
        level = outline.group_child or outline.base()
        if not outline.group_persists:
            outline.group_child = None
        return level
    return None


def heading_levels(lines: Sequence[SourceLine], overrides: Overrides, first_level: int = 2) -> dict[int, int]:
    """Map seed line number -> Markdown heading level for the body lines of one document."""
    body = [line for line in lines if not line.is_blank]
    outline = _Outline(first_level)
    forced_levels = overrides.heading_levels
    levels: dict[int, int] = {}
    for index, line in enumerate(body):
        if line.number in overrides.not_headings or overrides.is_plain_text(line.number):
            continue
        around = _Around(
            previous=body[index - 1].text if index > 0 else None,
            following=body[index + 1].text if index + 1 < len(body) else None,
            after_following=body[index + 2].text if index + 2 < len(body) else None,
            after_appendix=index > 0
            and body[index - 1].number in levels
            and bool(_APPENDIX.match(body[index - 1].text)),
        )
        if line.number in forced_levels:
            level: int | None = outline.structural(forced_levels[line.number])
        elif line.number in overrides.headings:
            level = _forced(outline, line.text)
        else:
            level = _classify(outline, line.text, around)
        if level is not None:
            levels[line.number] = level
    return levels
