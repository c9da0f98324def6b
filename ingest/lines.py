"""Source lines and the small facts about them the converter needs: blank, bullet, escaping."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt

BULLET_GLYPHS = "·•◉❖▶"
_BULLET = re.compile(rf"^(?:- |[{BULLET_GLYPHS}](?:\s|$))\s*(?:[{BULLET_GLYPHS}](?:\s|$))?\s*")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?:\s+(.*))?$")
_ORDERED_DELIMITER = re.compile(r"^(\d{1,9})([.)])")
_MARKUP_ONLY = re.compile(r"^-{3,}$")


@dataclass(frozen=True)
class SourceLine:
    """One seed line: its 1-based number, the raw text and the text with whitespace collapsed."""

    number: int
    raw: str

    @property
    def text(self) -> str:
        return " ".join(self.raw.split())

    @property
    def indent(self) -> int:
        """Leading whitespace width (tabs count 4): tells nested slide bullets apart."""
        expanded = self.raw.expandtabs(4)
        return len(expanded) - len(expanded.lstrip())

    @property
    def is_blank(self) -> bool:
        return not self.text


def read_seed(text: str) -> list[SourceLine]:
    """The seed split on newlines only (not on form feeds etc.), numbered from 1 as editors do."""
    raws = text.split("\n")
    if raws and raws[-1] == "":
        raws.pop()  # the final newline ends the last line; it does not start another
    return [SourceLine(n, raw) for n, raw in enumerate(raws, start=1)]


def bullet_text(text: str) -> str | None:
    """The words after a bullet marker (`· `, `- `, `◉`, `- ◉ `…), '' for a bare bullet, else None."""
    if text in BULLET_GLYPHS:
        return ""
    match = _BULLET.match(text)
    return text[match.end() :] if match else None


def ordered_item(text: str) -> tuple[str, str] | None:
    """(`N.`, rest) for a line Markdown reads as an ordered-list item with a `.` delimiter."""
    match = _ORDERED.match(text)
    if not match or match.group(2) != "." or not match.group(3):
        return None
    return f"{match.group(1)}.", match.group(3)


def is_markup_only(text: str) -> bool:
    """A slide separator (`---`): pure markup, carries no words."""
    return bool(_MARKUP_ONLY.match(text))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def escape_block_start(text: str) -> str:
    """`text` unchanged unless Markdown would read it as something other than a paragraph
    (heading, quote, list, rule, HTML, code); then one backslash keeps it plain text.
    The index side strips these escapes (kb.text.strip_markup)."""
    if not text:
        return text
    tokens = _parser().parse(text)
    if text.startswith("|") or (tokens and tokens[0].type != "paragraph_open"):
        ordered = _ORDERED_DELIMITER.match(text)
        if ordered:
            return f"{ordered.group(1)}\\{text[len(ordered.group(1)) :]}"
        return "\\" + text
    return text
