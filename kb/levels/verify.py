"""A framework's quotes checked against the seed files they cite: each quoted text, level
description, response and contact must really be at its cited lines (normalised as the eval
README says). The tests run it over every framework; nothing at query time does.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from kb.levels.frameworks import Citation, Framework, FrameworkError

_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)
_BULLETS = re.compile("[\u00b7\u2022\u25c9\uf0b7\u2756]")


def normalise(text: str) -> str:
    """The eval README's normalisation: lowercase, straight quotes, dashes, no bullets, one space."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = _BULLETS.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=16)
def seed_lines(seeds_dir: Path, file: str) -> tuple[str, ...]:
    path = seeds_dir / file
    if not path.is_file():
        raise FrameworkError(f"{path}: seed file not found")
    return tuple(path.read_text(encoding="utf-8").splitlines())


def text_at(seeds_dir: Path, citation: Citation) -> str:
    lines = seed_lines(seeds_dir, citation.file)
    return "\n".join(lines[citation.line_start - 1 : citation.line_end])


def quote_is_at(seeds_dir: Path, quote: str, citation: Citation) -> bool:
    """True when `quote` occurs, after normalisation, within the cited lines."""
    return normalise(quote) in normalise(text_at(seeds_dir, citation))


def parts_in_order(seeds_dir: Path, parts: tuple[str, ...], citation: Citation) -> bool:
    """True when each part occurs, normalised, in the cited lines after the one before it: a table
    cell that a PDF extraction interleaved with its neighbour column is rejoined word for word."""
    cited, at = normalise(text_at(seeds_dir, citation)), 0
    for part in parts:
        found = cited.find(normalise(part), at)
        if found < 0:
            return False
        at = found + len(normalise(part))
    return True


def verify_framework(framework: Framework, seeds_dir: Path) -> list[str]:
    """Every quote whose text is not at its cited seed lines, as readable problems ([] if none)."""
    problems = []

    def check(kind: str, quote: str, citation: Citation | None) -> None:
        if citation is None:
            return
        try:
            ok = quote_is_at(seeds_dir, quote, citation)
        except FrameworkError as exc:
            problems.append(f"{framework.id} {kind}: {exc}")
            return
        if not ok:
            problems.append(f"{framework.id} {kind}: {quote[:60]!r} not at {citation.text}")

    for level in framework.levels:
        check(f"level {level.level} description", level.description, level.description_citation)
        for ind in level.indicators:
            if not ind.parts:
                check(f"level {level.level} indicator", ind.text, ind.citation)
            elif not parts_in_order(seeds_dir, ind.parts, ind.citation):
                problems.append(f"{framework.id} indicator: {ind.text[:60]!r} not at {ind.citation.text}")
        for resp in level.response:
            check(f"level {level.level} response", resp.text, resp.citation)
        for contact in level.contacts:
            check(f"level {level.level} contact", contact.quote, contact.citation)
            if contact.citation and normalise(contact.detail) not in normalise(
                text_at(seeds_dir, contact.citation)
            ):
                # details may be re-punctuated addresses; every digit run must still be there
                digits = re.findall(r"\d[\d ]*\d|\d", contact.detail)
                cited = text_at(seeds_dir, contact.citation)
                if not all(d in cited for d in digits):
                    problems.append(f"{framework.id} contact {contact.detail!r} not in source")
    for contact in framework.emergency:
        check("emergency contact", contact.quote, contact.citation)
    return problems
