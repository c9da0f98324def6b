"""Split verbatim text into slide-sized pieces without losing or changing a character.

Pieces break at line (paragraph) ends or after a sentence, never inside one unless a single
sentence is longer than a slide; `rejoin` puts them back exactly, which is what lets tests
prove a long passage is split across slides and never cut.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    text: str
    joiner: str  # what stood between this piece and the next in the original: "\n", " " or ""
    mid_sentence: bool = False  # ends inside a sentence (only when one sentence outgrows a slide)


def rendered_lines(line: str, chars_per_line: int) -> int:
    """How many lines `line` takes once wrapped (an estimate that errs on the generous side)."""
    return max(1, math.ceil(len(line) / chars_per_line))


_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)[.?!][\"')\u201d\u2019]*(?= )")


def _split_line(line: str, room: int, chars_per_line: int, *, forced: bool) -> tuple[str, str, bool] | None:
    """Cut `line` after the last sentence that fits `room` wrapped lines. None when no sentence
    fits, unless `forced` (one sentence longer than a whole slide): then at the last space."""
    limit = room * chars_per_line
    if limit <= 0:
        return None
    ends = [m.end() for m in _SENTENCE_END.finditer(line, 0, limit + 1)]
    cut = ends[-1] if ends else (line.rfind(" ", 0, limit + 1) if forced else -1)
    if cut <= 0:
        return None
    return line[:cut], line[cut + 1 :], not ends  # head, tail (a space between), cut mid-sentence


def split_text(text: str, max_lines: int, chars_per_line: int) -> list[Piece]:
    """Pieces of `text`, each fitting max_lines lines of chars_per_line characters (estimated).

    A piece ends at a paragraph (line) end or after a sentence; only a single sentence longer
    than a whole slide is cut at a space (and such a piece is marked `mid_sentence`)."""
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
        split = _split_line(line, room, chars_per_line, forced=not current) if room > 0 else None
        if split is not None:
            head, tail, mid_sentence = split
            current.append(head)
            pieces.append(Piece("\n".join(current), " ", mid_sentence))
            lines[i] = tail
        elif current:
            pieces.append(Piece("\n".join(current), "\n"))
        else:  # one unbroken run longer than a slide: cut it (still lossless via joiner "")
            cut = max_lines * chars_per_line
            pieces.append(Piece(line[:cut], "", True))
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
            out.append(Piece(prev.text, prev.joiner + lead + text + piece.joiner, prev.mid_sentence))
            continue
        if out:
            prev = out.pop()
            out.append(Piece(prev.text, prev.joiner + lead, prev.mid_sentence))
        stripped = text.rstrip("\n")
        out.append(Piece(stripped, text[len(stripped) :] + piece.joiner, piece.mid_sentence))
    return out


def split_evenly(text: str, max_lines: int, chars_per_line: int) -> list[Piece]:
    """As split_text, in the same number of pieces but filled evenly (no near-empty last slide)."""
    pieces = split_text(text, max_lines, chars_per_line)
    cuts = sum(p.mid_sentence for p in pieces)
    for lines in range(max(1, max_lines // len(pieces)), max_lines):
        even = split_text(text, lines, chars_per_line)
        if len(even) <= len(pieces) and sum(p.mid_sentence for p in even) <= cuts:
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
