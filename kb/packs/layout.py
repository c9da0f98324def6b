"""Split verbatim text into slide-sized pieces without losing or changing a character.

Pieces break at line ends where possible, else at a space; `rejoin` puts them back exactly,
which is what lets tests prove a long passage is split across slides and never cut.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    text: str
    joiner: str  # what stood between this piece and the next in the original: "\n", " " or ""


def rendered_lines(line: str, chars_per_line: int) -> int:
    """How many lines `line` takes once wrapped (an estimate that errs on the generous side)."""
    return max(1, math.ceil(len(line) / chars_per_line))


def _split_line(line: str, room: int, chars_per_line: int) -> tuple[str, str, str] | None:
    """Cut `line` so the head fits `room` wrapped lines: after a sentence if one ends in the
    second half of the room, else at the last space."""
    limit = room * chars_per_line
    if limit <= 0:
        return None
    sentence = max(line.rfind(end, 0, limit) for end in (". ", "; ", "? ", "! "))
    cut = sentence + 1 if sentence + 1 > limit // 2 else line.rfind(" ", 0, limit + 1)
    if cut <= 0:
        return None
    return line[:cut], " ", line[cut + 1 :]


def split_text(text: str, max_lines: int, chars_per_line: int) -> list[Piece]:
    """Pieces of `text`, each fitting max_lines lines of chars_per_line characters (estimated)."""
    pieces: list[Piece] = []
    current: list[str] = []
    used = 0
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        need = rendered_lines(line, chars_per_line)
        if used + need <= max_lines:
            current.append(line)
            used += need
            i += 1
            continue
        room = max_lines - used
        split = _split_line(line, room, chars_per_line) if room > 0 else None
        if split is not None:
            head, joiner, tail = split
            current.append(head)
            pieces.append(Piece("\n".join(current), joiner))
            lines[i] = tail
        elif current:
            pieces.append(Piece("\n".join(current), "\n"))
        else:  # one unbroken run longer than a slide: cut it (still lossless via joiner "")
            cut = max_lines * chars_per_line
            pieces.append(Piece(line[:cut], ""))
            lines[i] = line[cut:]
        current, used = [], 0
    pieces.append(Piece("\n".join(current), ""))
    return _tidy(pieces)


def _tidy(pieces: list[Piece]) -> list[Piece]:
    """Move blank lines at a piece's edges into the joiners, so no slide starts or ends blank."""
    out: list[Piece] = []
    for piece in pieces:
        text, lead = piece.text, ""
        while out and text.startswith("\n"):
            text, lead = text[1:], lead + "\n"
        if len(out) == 1 and not out[0].text.strip():  # text began with blank lines: keep them on piece 1
            first = out.pop()
            text, lead = first.text + first.joiner + lead + text, ""
        if out and not text.strip():
            prev = out.pop()
            out.append(Piece(prev.text, prev.joiner + lead + text + piece.joiner))
            continue
        if out:
            prev = out.pop()
            out.append(Piece(prev.text, prev.joiner + lead))
        stripped = text.rstrip("\n")
        out.append(Piece(stripped, text[len(stripped) :] + piece.joiner))
    return out


def split_evenly(text: str, max_lines: int, chars_per_line: int) -> list[Piece]:
    """As split_text, in the same number of pieces but filled evenly (no near-empty last slide)."""
    pieces = split_text(text, max_lines, chars_per_line)
    for lines in range(max(1, max_lines // len(pieces)), max_lines):
        even = split_text(text, lines, chars_per_line)
        if len(even) <= len(pieces):
            return even
    return pieces


def rejoin(pieces: list[Piece]) -> str:
    return "".join(p.text + p.joiner for p in pieces)


_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")


@dataclass(frozen=True)
class DisplayLine:
    """A corpus line as shown on a slide or handout: Markdown markers off, every word kept."""

    text: str
    heading: bool = False
    bullet: bool = False
    indent: int = 0


def display_line(line: str) -> DisplayLine:
    """'## 4. Legal Position' -> bold '4. Legal Position'; '- Taking someone…' -> a bullet.

    Only the line's leading marker is dropped, so the words are exactly the source's."""
    if match := _HEADING.match(line):
        return DisplayLine(match.group(2), heading=True)
    if match := _BULLET.match(line):
        return DisplayLine(match.group(2), bullet=True, indent=len(match.group(1)) // 2)
    return DisplayLine(line)
