"""Phrase rules kept as data (corpus/frameworks/concerns.yaml): each names a concern and its level,
fires on a sentence unless negated or excepted, and may depend on the child's age or on the
whole description; an injury explained as a confirmed accident silences the rules that need it
unexplained. `match_rules` says which fired where; kb.levels.assess weighs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kb.levels.frameworks import FrameworkError, frameworks_dir, read_yaml
from kb.levels.text import child_age, drop_quote_marks, negated


@dataclass(frozen=True)
class Rule:
    """A concern (or an immediate-danger signal) as compiled phrase rules."""

    id: str
    level: int
    label: str
    any: tuple[re.Pattern[str], ...]
    all: tuple[re.Pattern[str], ...] = ()
    unless: tuple[re.Pattern[str], ...] = ()
    unless_text: tuple[re.Pattern[str], ...] = ()  # `unless` tried on the whole description
    # ... and these fire only when the description does not explain the injury as an accident
    any_unexplained: tuple[re.Pattern[str], ...] = ()
    scope_text: bool = False
    max_age: int | None = None
    min_age: int | None = None
    requires_other_need: bool = False  # counts only beside another need (e.g. 'a TAF meets')


@dataclass(frozen=True)
class ExplainedAccident:
    """A single injury explained as an accident, the account confirmed (the child and a parent tell it
    the same way, a parent told the school first, or medical advice was sought) and nothing casting
    doubt on it (an inconsistent account, a pattern or a series of injuries). See concerns.yaml."""

    injury: tuple[re.Pattern[str], ...]
    account: tuple[re.Pattern[str], ...]
    confirmed: tuple[re.Pattern[str], ...]
    doubt: tuple[re.Pattern[str], ...]

    def explains(self, text: str) -> bool:
        return (
            any(p.search(text) for p in self.injury)
            and any(p.search(text) for p in self.account)
            and any(p.search(text) for p in self.confirmed)
            and not any(p.search(text) for p in self.doubt)
        )


@dataclass(frozen=True)
class RuleSet:
    """The concern rules and the weighing settings of concerns.yaml (see its header)."""

    concerns: tuple[Rule, ...]
    immediate: tuple[Rule, ...]
    multiple_needs_at: float
    not_counted_as_needs: frozenset[str] = frozenset()
    weak_needs: frozenset[str] = frozenset()
    domain_of: tuple[tuple[str, str], ...] = ()  # (concern id, domain)
    resolved: tuple[re.Pattern[str], ...] = ()
    explained_accident: ExplainedAccident | None = None
    spellings: tuple[tuple[re.Pattern[str], str], ...] = ()  # (misspelt word, spelling)

    def normalise(self, text: str) -> str:
        """The text with common misspellings and apostrophe-less contractions spelt out, so
        the rules see 'bruise' in 'brused' and "don't" in 'dont', and without quotation marks
        (a 24 year old 'boyfriend' is a 24 year old boyfriend); the rules are read on this."""
        text = drop_quote_marks(text)
        for pattern, word in self.spellings:
            text = pattern.sub(word, text)
        return text

    def domain(self, concern_id: str) -> str:
        return dict(self.domain_of).get(concern_id, concern_id)

    def weight(self, concern_id: str) -> float:
        return 0.5 if concern_id in self.weak_needs else 1.0


@dataclass(frozen=True)
class Match:
    """A rule that fired on one sentence of the description."""

    rule: Rule
    sentence: str
    sentence_index: int


def _compile(patterns: Any) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in (patterns or ()))


def _rule(item: dict, level: int | None = None) -> Rule:
    return Rule(
        id=str(item.get("id") or item.get("label")),
        level=int(level if level is not None else item["level"]),
        label=str(item.get("label") or item.get("id")),
        any=_compile(item.get("any")),
        all=_compile(item.get("all")),
        unless=_compile(item.get("unless")),
        unless_text=_compile(item.get("unless_text")),
        any_unexplained=_compile(item.get("any_unexplained")),
        scope_text=item.get("scope") == "text",
        max_age=item.get("max_age"),
        min_age=item.get("min_age"),
        requires_other_need=bool(item.get("requires_other_need")),
    )


@lru_cache(maxsize=4)
def _load_rules_cached(directory: Path) -> RuleSet:
    path = directory / "concerns.yaml"
    if not path.is_file():
        raise FrameworkError(f"{path}: concern rules not found")
    data = read_yaml(path)
    try:
        return RuleSet(
            concerns=tuple(_rule(c) for c in data.get("concerns") or ()),
            immediate=tuple(_rule(c, level=4) for c in data.get("immediate") or ()),
            multiple_needs_at=float(data.get("multiple_needs_at", 3)),
            not_counted_as_needs=frozenset(data.get("not_counted_as_needs") or ()),
            weak_needs=frozenset(data.get("weak_needs") or ()),
            domain_of=tuple(
                (cid, str(domain)) for domain, ids in (data.get("domains") or {}).items() for cid in ids
            ),
            resolved=_compile(data.get("resolved")),
            explained_accident=_explained_accident(data.get("explained_accident")),
            spellings=tuple(
                (re.compile(rf"\b{re.escape(str(wrong))}\b", re.IGNORECASE), str(right))
                for wrong, right in (data.get("spellings") or {}).items()
            ),
        )
    except (KeyError, re.error, TypeError, ValueError) as exc:
        raise FrameworkError(f"{path}: invalid rule ({exc})") from exc


def _explained_accident(data: dict | None) -> ExplainedAccident | None:
    if not data:
        return None
    return ExplainedAccident(
        injury=_compile(data.get("injury")),
        account=_compile(data.get("account")),
        confirmed=_compile(data.get("confirmed")),
        doubt=_compile(data.get("doubt")),
    )


def explained_accident(text: str, corpus_dir: Path | None = None) -> bool:
    """Whether the description explains its injury as a single, confirmed accident (concerns.yaml)."""
    rules = load_rules(corpus_dir)
    return explains_accident(rules, rules.normalise(text))


def explains_accident(rules: RuleSet, normalised_text: str) -> bool:
    return bool(rules.explained_accident and rules.explained_accident.explains(normalised_text))


def load_rules(corpus_dir: Path | None = None) -> RuleSet:
    return _load_rules_cached(frameworks_dir(corpus_dir).resolve())


def fires(rule: Rule, sentence: str, text: str, age: int | None, explained: bool = False) -> bool:
    if rule.max_age is not None and (age is None or age > rule.max_age):
        return False
    if rule.min_age is not None and (age is None or age < rule.min_age):
        return False
    if any(p.search(sentence) for p in rule.unless) or any(p.search(text) for p in rule.unless_text):
        return False
    patterns = rule.any if explained else rule.any + rule.any_unexplained
    hit = next(
        (m for p in patterns for m in p.finditer(sentence) if not negated(sentence, m.start())),
        None,
    )
    if hit is None:
        return False
    scope = text if rule.scope_text else sentence
    return all(p.search(scope) for p in rule.all)


def match_rules(
    sentences: list[str], rules: tuple[Rule, ...], text: str, accident: bool = False
) -> list[Match]:
    """Every rule that fires, once each, on its first sentence. With `accident` (the description
    explains the injury as an accident), a rule's `any_unexplained` patterns are not read."""
    age = child_age(text)
    found: dict[str, Match] = {}
    for i, sentence in enumerate(sentences):
        for rule in rules:
            if rule.id not in found and fires(rule, sentence, text, age, accident):
                found[rule.id] = Match(rule, sentence, i)
    return list(found.values())
