"""Question intent: what kind of section a question wants (actions, signs, definition, law…).

The intents are data (kb/data/intents.yaml). `intent_lift` is 1.0 for a passage whose section
headings answer a kind of question the query asks, else 0.0; kb/retrieval/search.py adds a small multiple
of it to the fused score, so it only reorders passages that are otherwise close.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

INTENTS_FILE = Path(__file__).parents[1] / "data" / "intents.yaml"


@dataclass(frozen=True)
class Intent:
    name: str
    question: tuple[re.Pattern[str], ...]
    heading: tuple[re.Pattern[str], ...]


class IntentFileError(ValueError):
    pass


def _compile(patterns: list, where: str) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(re.compile(str(p), re.IGNORECASE) for p in patterns)
    except re.error as err:
        raise IntentFileError(f"{where}: bad pattern: {err}") from err


@lru_cache(maxsize=2)
def load_intents(path: Path = INTENTS_FILE) -> tuple[Intent, ...]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    intents = []
    for entry in entries:
        name = str(entry.get("intent", ""))
        if not name or not entry.get("question") or not entry.get("heading"):
            raise IntentFileError(f"{path}: each intent needs 'intent', 'question' and 'heading'")
        intents.append(
            Intent(
                name,
                _compile(entry["question"], f"{path} {name}"),
                _compile(entry["heading"], f"{path} {name}"),
            )
        )
    return tuple(intents)


def question_intents(query: str) -> frozenset[str]:
    """The names of the intents the question shows."""
    return frozenset(i.name for i in load_intents() if any(p.search(query) for p in i.question))


@lru_cache(maxsize=65536)
def section_intents(section_headings: tuple[str, ...]) -> frozenset[str]:
    """The intents a passage's section headings (chapter title excluded) answer."""
    text = " > ".join(section_headings)
    if not text:
        return frozenset()
    return frozenset(i.name for i in load_intents() if any(p.search(text) for p in i.heading))


def intent_lift(asked: frozenset[str], heading_path: list[str] | tuple[str, ...]) -> float:
    """1.0 if the passage's sections answer one of the asked intents, else 0.0."""
    if not asked:
        return 0.0
    return 1.0 if asked & section_intents(tuple(heading_path[1:])) else 0.0
