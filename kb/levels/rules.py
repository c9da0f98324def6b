"""Phrase rules kept as data (corpus/frameworks/concerns.yaml): each names a concern and its level,
fires on a sentence unless negated or excepted, and may depend on the child's age or on the
whole description; an injury explained as a confirmed accident silences the rules that need it
unexplained. `match_rules` says which fired where; kb.levels.assess weighs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from kb.levels.frameworks import FrameworkError, frameworks_dir, read_yaml
from kb.levels.note_context import historical, not_about_this_child
from kb.levels.text import child_age, drop_quote_marks, matched_phrase, negated


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
    # where the description matches one of these, an explained accident silences `any` too (a baby who
    # crawls is mobile: baby-injury); see concerns.yaml
    explainable_when: tuple[re.Pattern[str], ...] = ()
    immediate: bool = False  # an immediate-danger signal: never set by a past event either


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
    never_lowered: frozenset[str] = frozenset()  # level-4 concerns the learned model never lowers
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
    span: tuple[int, int] | None = None  # where in the (read) sentence the rule's pattern matched
    phrase: str = ""  # the words of the note that matched (kb.levels.assess fills it in)


def _compile(patterns: Any) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in (patterns or ()))


def _rule(item: dict, level: int | None = None, immediate: bool = False) -> Rule:
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
        explainable_when=_compile(item.get("explainable_when")),
        immediate=immediate,
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
            immediate=tuple(_rule(c, level=4, immediate=True) for c in data.get("immediate") or ()),
            multiple_needs_at=float(data.get("multiple_needs_at", 3)),
            not_counted_as_needs=frozenset(data.get("not_counted_as_needs") or ()),
            weak_needs=frozenset(data.get("weak_needs") or ()),
            never_lowered=frozenset(data.get("never_lowered") or ()),
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


# Level-4 concerns that a past date does not make history: a disclosure of past sexual abuse, an
# adult convicted of harming children, FGM already done, a child who harmed others.
HISTORY_STILL_COUNTS = frozenset({"sexual-abuse", "under13-sexual", "risk-adult", "fgm", "harm-to-others"})
_NEGATION_WORD = re.compile(r"\b(never|not|no longer|nobody|no one)\b|n['’]t\b", re.IGNORECASE)


def _negated_inside(pattern: re.Pattern[str], m: re.Match[str]) -> bool:
    """A match that carries its own negation ("dad has never hit him"), from a pattern that does not
    ask for one ("not allowed to eat" is what its pattern looks for)."""
    asks = any(w in pattern.pattern for w in ("never", "not", "n.t", "n't", "nobody", "no one", "no longer"))
    return not asks and bool(_NEGATION_WORD.search(m.group(0)))


def fires(rule: Rule, sentence: str, text: str, age: int | None, explained: bool = False) -> bool:
    return hit(rule, sentence, text, age, explained) is not None


def hit(
    rule: Rule, sentence: str, text: str, age: int | None, explained: bool = False
) -> re.Match[str] | None:
    """The pattern match that fires the rule on the sentence, or None."""
    if rule.max_age is not None and (age is None or age > rule.max_age):
        return None
    if rule.min_age is not None and (age is None or age < rule.min_age):
        return None
    if any(p.search(sentence) for p in rule.unless) or any(p.search(text) for p in rule.unless_text):
        return None
    patterns = rule.any if explained else rule.any + rule.any_unexplained
    if explained and any(p.search(text) for p in rule.explainable_when):
        patterns = ()
    found = next(
        (
            m
            for p in patterns
            for m in p.finditer(sentence)
            if not negated(sentence, m.start()) and not _negated_inside(p, m)
        ),
        None,
    )
    if found is None:
        return None
    # a level-3 or level-4 concern fires only when the note says it is happening, or may be, to
    # this child: not a topic taught or asked about, not something said of someone else; and
    # immediate danger is never a past event, and a level-4 concern in the past is history
    # (HISTORY_STILL_COUNTS aside: abuse disclosed now, an adult who poses a risk, FGM done)
    if rule.level >= 3 and not_about_this_child(sentence, text):
        return None
    if (rule.immediate or (rule.level == 4 and rule.id not in HISTORY_STILL_COUNTS)) and historical(sentence):
        return None
    scope = text if rule.scope_text else sentence
    return found if all(p.search(scope) for p in rule.all) else None


def level4_sentences(rules: RuleSet, sentences: list[str], text: str, explained: bool = False) -> list[int]:
    """The index of every sentence on which a level-4 rule (a concern or an immediate danger) fires:
    not only the first one of each rule, as `match_rules` keeps."""
    read = [rules.normalise(s) for s in sentences]
    whole, age = rules.normalise(text), child_age(rules.normalise(text))
    level4 = [r for r in rules.concerns + rules.immediate if r.level == 4]
    return [i for i, s in enumerate(read) if any(hit(r, s, whole, age, explained) for r in level4)]


def loosely_said(sentences: list[str], rules: tuple[Rule, ...], text: str) -> list[Match]:
    """The rules whose words the note uses at all: read without negation, the note's context (a
    topic, someone else, the past) or an accident's explanation (a rule's own exceptions stay).
    Beside `match_rules`, what the note itself explains away."""
    age = child_age(text)
    found: dict[str, Match] = {}
    for i, sentence in enumerate(sentences):
        for rule in rules:
            if rule.id in found or (rule.max_age is not None and (age is None or age > rule.max_age)):
                continue
            if rule.min_age is not None and (age is None or age < rule.min_age):
                continue
            if any(p.search(sentence) for p in rule.unless) or any(p.search(text) for p in rule.unless_text):
                continue
            m = next((m for p in rule.any + rule.any_unexplained for m in p.finditer(sentence)), None)
            if m is not None:
                found[rule.id] = Match(rule, sentence, i, m.span())
    return list(found.values())


def match_rules(
    sentences: list[str], rules: tuple[Rule, ...], text: str, accident: bool = False
) -> list[Match]:
    """Every rule that fires, once each, on its first sentence. With `accident` (the description
    explains the injury as an accident), a rule's `any_unexplained` patterns are not read."""
    age = child_age(text)
    found: dict[str, Match] = {}
    for i, sentence in enumerate(sentences):
        for rule in rules:
            if rule.id not in found and (m := hit(rule, sentence, text, age, accident)):
                found[rule.id] = Match(rule, sentence, i, m.span())
    return list(found.values())


def level4_explained_away(rules: RuleSet, note: str, matched: list[Match] | None = None) -> bool:
    """Whether the note uses level-4 words (a concern or an immediate danger) only where it negates,
    teaches, explains or dates them: then the learned model may not make it a 4 (kb.levels.stack)."""
    from kb.levels.text import split_sentences

    text = rules.normalise(note)
    read = [rules.normalise(s) for s in split_sentences(note) or [note]]
    every = rules.concerns + rules.immediate
    if matched is None:  # what the rules read strictly (the caller may have it already)
        matched = match_rules(read, every, text, explains_accident(rules, text))
    if any(m.rule.level == 4 for m in matched):
        return False
    return any(m.rule.level == 4 for m in loosely_said(read, every, text))


def as_written(matches: list[Match], sentences: list[str], read: list[str], text: str) -> list[Match]:
    """Matches quoting the sentence as the practitioner wrote it, not its normalised form, and the
    phrase of it that matched (at most 30 words, never the whole note)."""
    out = []
    for m in matches:
        written = sentences[m.sentence_index]
        phrase = matched_phrase(written, read[m.sentence_index], m.span)
        if phrase.strip() == text.strip():  # a one-sentence note: only the words that matched
            phrase = matched_phrase(written, read[m.sentence_index], m.span, context=0)
        out.append(replace(m, sentence=written, phrase=phrase))
    return out
