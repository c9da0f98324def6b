"""Case description -> level of need, with the framework's own indicator text as evidence.

Three signals: phrase rules kept as data (corpus/frameworks/concerns.yaml), which name a concern
and its level; sentence embeddings against the framework's indicators, used to pick the
indicator shown as evidence and, when no rule fires, as a weak fallback; and a learned model
(kb.level_model, trained on labelled cases + indicators) that may only raise the rules' level.
Safety bias: one plausible level-4 concern makes the answer level 4. See docs/levels.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from kb.errors import UnknownAreaError
from kb.levels_data import (
    CANONICAL_NAMES,
    Citation,
    Contact,
    Framework,
    FrameworkError,
    Indicator,
    _read_yaml,
    frameworks_dir,
    load_frameworks,
    load_topic_defaults,
)

MAX_SCENARIO_CHARS = 20_000  # longer descriptions are truncated (and say so), never rejected
DEFAULT_AREA = "cambridgeshire-peterborough"
FALLBACK_SIMILARITY = 0.55  # embedding-only answers need at least this cosine similarity
CAVEAT = (
    "This level is a prompt for professional judgement, not a decision. Discuss the case with "
    "your designated safeguarding lead, and when unsure consult the MASH / Children's Social "
    "Care. If a child is in immediate danger, call 999."
)
_NEGATION = re.compile(
    r"\b(no|not|never|nor|without|no sign of|no evidence of|nothing to suggest|no mention of|"
    r"nothing (about|of|around|regarding|re|to indicate)|"
    r"(do|does|did|is|are|was|were|has|have|had|wo|would|could|should|ca|must)n['’]?t)\W+(\w+\W+){0,2}$"
    # "nobody has been hit", "no one was hurt" (but "no one knows dad hits her" is not negated)
    r"|\b(nobody|no-one|no one)\s+((has|had|is|was|were|ever|got|gets)\s+){0,2}(been\s+)?$"
    # a list after "no": "no pressure, age gap or exploitation" (but "no one knows dad hits her or…" is
    # not a negation of what follows)
    r"|\bno\s+(?!one\b)\w+(\s+\w+)?(,\s*\w+(\s+\w+)?)*,?\s+(or|nor)\s+(\w+\s+)?$"
)
# "no concerns about her care, hygiene or weight", "no suggestion of any violence": a
# negating phrase covers the rest of its clause (clauses end at . ; : and at but/whereas).
_NEGATING_PHRASE = re.compile(
    r"\b(no|nor any|nothing to suggest|not any|there (is|are|was|were) no)\s+(\w+\s+)?"
    r"(signs?|evidence|suggestions?|indications?|history|reports?|mention|concerns?|worries|"
    r"issues|disclosures?|indicators?|marks|injuries|problems|thoughts|plans|intent(?:ions?)?)\s+(of|about|around|regarding|with|"
    r"that|to suggest|(?=(he|she|they|the child|anyone|any)\b))\b[^.;:!?]*$"
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+|\s+(?:but|whereas)\s+")
_NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen".split()
    )
}
_AGE_NUMBER = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_AGE = re.compile(
    rf"\b{_AGE_NUMBER}(?: and a half)?[- ]?(?:years?|yrs?)[- ]?old\b"
    rf"|\baged? {_AGE_NUMBER}\b"
    rf"|\b{_AGE_NUMBER}\s?(?:yo|y/o|yrs?)\b(?![- ]?old)"
    r"|\b(?:boy|girl|child|son|daughter|pupil|student|teen(?:ager)?|lad|yp|young person|brother|"
    r"sister)\s*\((\d{1,2})\)"
    # a first name or a school year before the age in brackets: "Chloe (12)", "in Y7 (12)"
    r"|(?-i:\b(?!(?:Level|Appendix|Section|Page|Part|Step|Tier|Stage|Band|Table|Figure|Chapter|Item|Question)\b)[A-Z][a-z]+)\s*\((\d{1,2})\s*[),;]|\b(?:y|yr|year)\s?\d{1,2}\s*\((\d{1,2})\)",
    re.IGNORECASE,
)
# "Jade, 17", "Ava 4 and Mia 7", "he's 14": a first name or a pronoun then a bare number
_NOT_A_NAME = (
    "Year|Yr|Level|Room|Class|Flat|Number|No|Week|Page|Bus|Route|Tier|Stage|Part|Section|Appendix|Table|"
    "Figure|Chapter|Item|Question|Band|Ward|Bay|Bed|Box|Step|Platform|Gate|Floor|Unit|Term|Half|Period|"
    "Lesson|Set|Group|Team|Under|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Tues|"
    "Wed|Thu|Thur|Thurs|Fri|Sat|Sun|January|February|March|April|May|June|July|August|September|"
    "October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|In|On|At|By|For|From|"
    "Since|About|Over|Under|After|Before|Until|Till|Around|Approx|Only|Just|Nearly|Almost"
)
# a capitalised word that is not a heading, a day or a month: read as a child's first name
_FIRST_NAME = rf"(?-i:\b(?!(?:{_NOT_A_NAME})\b)[A-Z][a-z]+)"
_NAMED_AGE = re.compile(
    rf"(?:{_FIRST_NAME}(?:,| is)?|\baged?"
    r"|\b(?:boy|girl|child|son|daughter|pupil|student|lad|brother|sister),"
    r"|(\b(?:he|she|they)(?:'s| is| are|'re)|\b(?:who|which)(?:'s| is)))"
    r" (\d{1,2})\b(?![:.,]\d)(?! ?(?:%|am\b|pm\b|months?|weeks?|wks?|days?|hours?|hrs?|mins?|minutes?|miles?|"
    r"times?|pounds?|quid|p\b|kg|cm|percent|per cent|stone|st\b|mph|of\b|th\b|nd\b|rd\b|-\d|/\d|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*))",
    re.IGNORECASE,
)
# "Mason, 4 months", "Ana, 14 months", "baby (6 weeks)": months and weeks of a named baby
_NAMED_MONTHS = re.compile(
    rf"(?:{_FIRST_NAME},?(?: is)?|\b(?:he|she)(?:'s| is)|\bbaby|\(|\baged?)"
    r" ?(\d{1,2}) ?(months?|mths?|mo|m/o|weeks?|wks?)\b(?! ago| later| pregnant)",
    re.IGNORECASE,
)
_MONTHS_OLD = re.compile(r"\b(\d{1,2}|[a-z]+)[- ]?(?:month|week|day)s?[- ]?old\b", re.IGNORECASE)
# A child named by school year ("a Year 8 girl", "yr 10 boy") is about year + 5 years old.
_SCHOOL_YEAR = re.compile(
    r"\b(?:year|yr)\s?([1-9]|1[0-3])\b(?![- ]?olds?\b|\s*(?:years?|yrs?|months?))", re.IGNORECASE
)
_BABY_WORDS = re.compile(r"\b(baby|newborn|infant)\b")
# A quotation mark (not an apostrophe inside a word: "don't", "mum's" stay as written).
_QUOTE_MARK = re.compile(r"[\"\u201c\u201d]|(?<!\w)['\u2018\u2019]|['\u2018\u2019](?!\w)")


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
        text = _QUOTE_MARK.sub("", text)
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


@dataclass
class LevelAssessment:
    """The answer to `kb level`: a canonical level with the indicators that fix it."""

    area: str
    framework: Framework
    level: int | None
    label: str
    confidence: str  # high | medium | low
    evidence: list[dict[str, Any]]
    response: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    immediate_danger: bool
    caveat: str
    reasons: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        fw = self.framework
        return {
            "area": self.area,
            "framework": fw.id,
            "framework_title": fw.title,
            "framework_status": fw.status,
            "superseded": fw.superseded,
            "superseded_by": fw.superseded_by,
            "level": self.level,
            "label": self.label,
            "confidence": self.confidence,
            "evidence": self.evidence,
            "response": self.response,
            "contacts": self.contacts,
            "immediate_danger": self.immediate_danger,
            "caveat": self.caveat,
            "reasons": self.reasons,
            "concerns": self.concerns,
            "truncated": self.truncated,
        }


# ---------------------------------------------------------------- rules


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
    data = _read_yaml(path)
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
    return _explains_accident(rules, rules.normalise(text))


def _explains_accident(rules: RuleSet, normalised_text: str) -> bool:
    return bool(rules.explained_accident and rules.explained_accident.explains(normalised_text))


def load_rules(corpus_dir: Path | None = None) -> RuleSet:
    return _load_rules_cached(frameworks_dir(corpus_dir).resolve())


def split_sentences(text: str) -> list[str]:
    """Sentences and clauses, each a unit the rules and the encoder look at."""
    parts = (p.strip(" ,") for p in _SENTENCE_SPLIT.split(text))
    return [p for p in parts if len(p) > 2]


def child_age(text: str) -> int | None:
    """The first child age (under 19) the description states; babies count as 0.

    Reads digits and number words ("nine year old", "a 10 yo", "girl (12)", "Chloe (12)", "Jade, 17",
    "he's 14"), months and weeks ("Mason, 4 months" is 0, "Ana, 14 months" is 1) and school
    years ("Year 8" is about 13)."""
    found: list[tuple[int, int]] = []
    for m in _AGE.finditer(text):
        raw = next(g for g in m.groups() if g)
        age = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw.lower()]
        if age < 19:
            found.append((m.start(), age))
    for m in _MONTHS_OLD.finditer(text):
        if m.group(1).isdigit() or m.group(1).lower() in _NUMBER_WORDS:
            found.append((m.start(), 0))
    for m in _NAMED_MONTHS.finditer(text):
        found.append((m.start(), int(m.group(1)) // 12 if m.group(2).lower().startswith("m") else 0))
    by_pronoun = []  # "he's 14" may be anyone's age: read last
    for m in _NAMED_AGE.finditer(text):
        if int(m.group(2)) < 19:
            (by_pronoun if m.group(1) else found).append((m.start(), int(m.group(2))))
    if not found:  # a stated age wins over one read from the school year
        found = [(m.start(), int(m.group(1)) + 5) for m in _SCHOOL_YEAR.finditer(text)]
    found = found or by_pronoun
    if found:
        return min(found)[1]
    return 0 if _BABY_WORDS.search(text) else None


def _negated(sentence: str, start: int) -> bool:
    before = sentence[:start].lower()
    return bool(_NEGATION.search(before[-40:]) or _NEGATING_PHRASE.search(before[-120:]))


def _fires(rule: Rule, sentence: str, text: str, age: int | None, explained: bool = False) -> bool:
    if rule.max_age is not None and (age is None or age > rule.max_age):
        return False
    if rule.min_age is not None and (age is None or age < rule.min_age):
        return False
    if any(p.search(sentence) for p in rule.unless) or any(p.search(text) for p in rule.unless_text):
        return False
    patterns = rule.any if explained else rule.any + rule.any_unexplained
    hit = next(
        (m for p in patterns for m in p.finditer(sentence) if not _negated(sentence, m.start())),
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
            if rule.id not in found and _fires(rule, sentence, text, age, accident):
                found[rule.id] = Match(rule, sentence, i)
    return list(found.values())


# ---------------------------------------------------------------- embeddings


def _encoder():
    from kb.config import Settings
    from kb.retrieval.encoder import get_encoder

    return get_encoder(Settings.from_env().model)


@lru_cache(maxsize=8)
def _indicator_matrix(framework_id: str, corpus_dir: Path | None) -> np.ndarray:
    framework = load_frameworks(corpus_dir)[framework_id]
    return _encoder().encode([ind.text for _, ind in framework.indicators])


def _similarities(sentences: list[str], framework: Framework, corpus_dir: Path | None) -> np.ndarray:
    """Cosine similarity, sentences x indicators (normalised vectors)."""
    if not sentences or not framework.indicators:
        return np.zeros((len(sentences), len(framework.indicators)), dtype=np.float32)
    return _encoder().encode(sentences) @ _indicator_matrix(framework.id, corpus_dir).T


# ---------------------------------------------------------------- answer assembly


def _choose_framework(area: str | None, framework_id: str | None, corpus_dir: Path | None) -> Framework:
    frameworks = load_frameworks(corpus_dir)
    if framework_id:
        if framework_id not in frameworks:
            known = ", ".join(sorted(frameworks))
            raise ValueError(f"unknown framework {framework_id!r}; known: {known}")
        return frameworks[framework_id]
    return framework_for_area(area or DEFAULT_AREA, frameworks)


def framework_for_area(area: str, frameworks: dict[str, Framework] | None = None) -> Framework:
    """The current framework for an area (slug or display name, case-insensitive)."""
    frameworks = frameworks if frameworks is not None else load_frameworks()
    key = re.sub(r"[^a-z]+", "-", area.lower().replace("&", "and")).strip("-")
    key = {
        "cambridgeshire-and-peterborough": "cambridgeshire-peterborough",
        "peterborough": "cambridgeshire-peterborough",
        "cambridgeshire": "cambridgeshire-peterborough",
        "cambs": "cambridgeshire-peterborough",
    }.get(key, key)
    for_area = [fw for fw in frameworks.values() if fw.area == key]
    current = [fw for fw in for_area if not fw.superseded]
    if current:
        return sorted(current, key=lambda fw: fw.published)[-1]
    if for_area:
        return for_area[0]
    known = ", ".join(sorted({fw.area for fw in frameworks.values()}))
    raise UnknownAreaError(f"no levels-of-need framework for area {area!r}; known areas: {known}")


def _evidence_for(
    match: Match,
    framework: Framework,
    sims: np.ndarray | None,
    topics_by_concern: dict[str, dict[str, Any]],
) -> dict[str, Any] | None:
    """The framework indicator tagged with the concern, closest to the sentence that fired."""
    tagged = [
        (j, lv, ind) for j, (lv, ind) in enumerate(framework.indicators) if match.rule.id in ind.concerns
    ]
    if tagged:
        if sims is not None and sims.size:
            j, lv, ind = max(tagged, key=lambda t: float(sims[match.sentence_index, t[0]]))
        else:
            j, lv, ind = tagged[0]
        return {
            **ind.to_json(),
            "level": lv,
            "concern": match.rule.label,
            "matched": match.sentence,
            "kind": "indicator",
        }
    topic = topics_by_concern.get(match.rule.id)
    if topic:
        return {**topic, "concern": match.rule.label, "matched": match.sentence}
    level = framework.level(match.rule.level)
    return {
        "text": level.description,
        "citation": level.description_citation.text,
        "level": level.level,
        "concern": match.rule.label,
        "matched": match.sentence,
        "kind": "level description",
    }


def _topic_evidence(corpus_dir: Path | None) -> dict[str, dict[str, Any]]:
    """Procedure quotes (topic-levels.yaml) standing in where a framework has no tagged indicator."""
    by_concern = {
        "breast-ironing": "breast ironing",
        "fgm": "female genital mutilation",
        "forced-marriage": "forced marriage",
        "honour-violence": "honour based violence",
        "gangs": "gangs",
        "exploitation": "child exploitation",
        "faith-abuse": "abuse linked to faith or belief",
        "risk-adult": "individuals who pose a risk to children",
        "trafficking": "trafficking and modern slavery",
        "radicalisation": "violent extremism",
    }
    topics = {t.topic: t for t in load_topic_defaults(corpus_dir)}
    out = {}
    for concern, name in by_concern.items():
        if name in topics:
            t = topics[name]
            out[concern] = {
                "text": t.quote.text,
                "citation": t.quote.citation.text,
                "level": max(t.levels),
                "kind": "procedure",
            }
    return out


def _contacts(framework: Framework, level: int | None, immediate: bool) -> list[dict[str, Any]]:
    ordered: list[Contact] = []
    if immediate:
        ordered.extend(framework.emergency)
    if level is not None:
        ordered.extend(framework.level(level).contacts)
        if level == 4 and not immediate:
            ordered.extend(c for c in framework.emergency if c.citation is not None)
    seen, out = set(), []
    for contact in ordered:
        if contact.detail not in seen:
            seen.add(contact.detail)
            out.append(contact.to_json())
    return out


def _decide(
    matches: list[Match],
    rules: RuleSet,
    text: str,
    sentences: list[str],
    age: int | None,
    accident: bool = False,
) -> tuple[int | None, list[Match], str, list[str]]:
    """(level, the matches that fix it, confidence, reasons): the evidence weighed per level.

    Any level-4 concern -> 4 (safety bias). A level-3 concern -> 3; so does co-ordinated
    multi-agency support beside another need, or level-2 needs adding up to
    `multiple_needs_at` across two or more domains. A real level-2 need -> 2. Passing
    worries (`weak_needs`) alone -> 1 unless several stand together, unresolved and not
    outweighed by protective signals. Only universal signals, or a single explained accident and
    nothing else (`accident`) -> 1."""
    by_level: dict[int, list[Match]] = {}
    for m in matches:
        by_level.setdefault(m.rule.level, []).append(m)
    if by_level.get(4):
        ms = by_level[4]
        return 4, ms, "high", [f"level-4 concern: {m.rule.label}" for m in ms]
    needs2 = [m for m in by_level.get(2, []) if m.rule.id not in rules.not_counted_as_needs]
    level3 = [m for m in by_level.get(3, []) if not m.rule.requires_other_need]
    coordination = [m for m in by_level.get(3, []) if m.rule.requires_other_need]
    if level3:
        ms = level3 + coordination
        confidence = "high" if len(ms) > 1 else "medium"
        return 3, ms, confidence, [f"level-3 concern: {m.rule.label}" for m in ms]
    if coordination and needs2:
        return (
            3,
            coordination + needs2,
            "medium",
            [f"level-3: {coordination[0].rule.label}, beside " + ", ".join(m.rule.label for m in needs2)],
        )
    weight = sum(rules.weight(m.rule.id) for m in needs2)
    domains = {rules.domain(m.rule.id) for m in needs2}
    if weight >= rules.multiple_needs_at and len(domains) >= 2:
        multiple = [r for r in rules.concerns if r.id == "multiple-needs"]
        lead = [Match(multiple[0], needs2[0].sentence, needs2[0].sentence_index)] if multiple else []
        return (
            3,
            lead + needs2,
            "medium",
            [
                f"{len(needs2)} additional needs together across {len(domains)} domains "
                f"(weight {weight:g} >= {rules.multiple_needs_at:g}): "
                + ", ".join(m.rule.label for m in needs2)
            ],
        )
    strong = [m for m in needs2 if m.rule.id not in rules.weak_needs]
    if strong:
        confidence = "high" if len(needs2) > 1 else "medium"
        return 2, needs2, confidence, [f"level-2 need: {m.rule.label}" for m in needs2]
    universal = by_level.get(1, [])
    if needs2:
        wellbeing = universal[0].rule if universal else None
        protective = sum(1 for s in sentences if wellbeing and _fires(wellbeing, s, text, age))
        resolved = any(p.search(text) for p in rules.resolved)
        if len(needs2) >= 2 and not resolved and protective < len(needs2):
            return (
                2,
                needs2,
                "low",
                ["several passing needs together, unresolved: " + ", ".join(m.rule.label for m in needs2)],
            )
        why = "resolved" if resolved else f"outweighed by {protective} protective signal(s)"
        if len(needs2) < 2 and not resolved and not protective:
            why = "a single passing worry"
        return (
            1,
            universal or [],
            "low",
            [
                f"only minor needs ({', '.join(m.rule.label for m in needs2)}), {why}: "
                "universal services meet them"
            ],
        )
    if universal:
        return 1, universal, "medium", ["only universal-level indicators (needs being met)"]
    if accident:
        return 1, [], "low", ["a single injury explained as a confirmed accident, nothing else of concern"]
    return None, [], "low", []


def assess_scenario(
    text: str,
    area: str | None = None,
    framework_id: str | None = None,
    *,
    corpus_dir: Path | None = None,
    use_embeddings: bool = True,
    use_model: bool = True,
) -> LevelAssessment:
    """Read a case description against a framework (by id, else the area's current one).

    Raises ValueError on an empty description or an unknown area / framework. Descriptions
    longer than MAX_SCENARIO_CHARS are truncated, and the answer says so.
    """
    if text is None or not str(text).strip():
        raise ValueError("scenario text is empty: describe the child's situation in a sentence or more")
    text = str(text)
    truncated = len(text) > MAX_SCENARIO_CHARS
    if truncated:
        text = text[:MAX_SCENARIO_CHARS]
    framework = _choose_framework(area, framework_id, corpus_dir)
    rules = load_rules(corpus_dir)
    sentences = split_sentences(text) or [text.strip()]
    read = [rules.normalise(s) for s in sentences]  # what the rules see
    read_text = rules.normalise(text)
    accident = _explains_accident(rules, read_text)
    matches = _as_written(match_rules(read, rules.concerns, read_text, accident), sentences)
    immediate = _as_written(match_rules(read, rules.immediate, read_text, accident), sentences)
    age = child_age(read_text)
    level, fixing, confidence, reasons = _decide(matches, rules, read_text, read, age, accident)

    sims = _similarities(sentences, framework, corpus_dir) if use_embeddings else None
    if level is None and sims is not None and sims.size:
        i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
        best = float(sims[i, j])
        if best >= FALLBACK_SIMILARITY:
            lv, ind = framework.indicators[j]
            level, confidence = lv, "low"
            fixing = [Match(Rule(f"similar-{j}", lv, "similar wording", ()), sentences[i], int(i))]
            reasons = [f"no phrase rule fired; closest indicator (similarity {best:.2f}) is level {lv}"]
            evidence = [
                {
                    **ind.to_json(),
                    "level": lv,
                    "similarity": round(best, 3),
                    "matched": sentences[i],
                    "kind": "indicator",
                }
            ]
        else:
            evidence = []
    else:
        topics = _topic_evidence(corpus_dir)
        evidence = [e for m in fixing if (e := _evidence_for(m, framework, sims, topics))]
        if level is not None and not evidence:
            described = framework.level(level)
            evidence = [
                {
                    "text": described.description,
                    "citation": described.description_citation.text,
                    "level": level,
                    "kind": "level description",
                }
            ]
    if immediate and level != 4:
        reasons.append("immediate danger described: treated as level 4")
        level, confidence = 4, "medium" if level is None else confidence
        lv4 = framework.level(4)
        evidence.append(
            {
                "text": lv4.description,
                "citation": lv4.description_citation.text,
                "level": 4,
                "concern": immediate[0].rule.label,
                "matched": immediate[0].sentence,
                "kind": "level description",
            }
        )
    if immediate:
        reasons.extend(f"immediate danger: {m.rule.label}" for m in immediate)
    if use_embeddings and use_model:
        level, confidence = _learned_opinion(
            text, sentences, framework, level, confidence, evidence, reasons, corpus_dir, accident
        )

    caveat = CAVEAT
    if level is None:
        label = "no matching indicator"
        caveat = (
            "No indicator of this framework matched the description, so no level is given. "
            + CAVEAT.replace("This level is", "A level is", 1)
        )
        response = []
    else:
        lv = framework.level(level)
        label = lv.label
        response = [r.to_json() for r in lv.response]
    if framework.superseded:
        caveat += f" Note: {framework.title} is superseded by {framework.superseded_by}."
    if truncated:
        caveat += f" Only the first {MAX_SCENARIO_CHARS} characters of the description were read."
    return LevelAssessment(
        area=framework.area,
        framework=framework,
        level=level,
        label=label,
        confidence=confidence,
        evidence=_dedupe(evidence),
        response=response,
        contacts=_contacts(framework, level, bool(immediate)),
        immediate_danger=bool(immediate),
        caveat=caveat,
        reasons=reasons,
        concerns=[m.rule.id for m in matches],
        truncated=truncated,
    )


def _learned_opinion(
    text: str,
    sentences: list[str],
    framework: Framework,
    level: int | None,
    confidence: str,
    evidence: list[dict[str, Any]],
    reasons: list[str],
    corpus_dir: Path | None,
    accident: bool = False,
) -> tuple[int | None, str]:
    """Let the learned model (kb.level_model), weighed with the rules by kb.level_stack, change the
    level (a rules' 4 is never lowered). The evidence of its level is the framework's own indicator
    of that level closest to the text."""
    from kb import level_model, level_stack

    model = level_model.get_level_model(corpus_dir)
    stack = level_stack.get_stack(corpus_dir) if model is not None else None
    if model is None or stack is None:
        return level, confidence
    opinion = level_model.second_opinion(model, text, sentences)
    raised, why = level_stack.decide(stack, level, opinion, accident)
    if raised == level or raised is None:
        return level, confidence
    if level is not None and raised < level:
        evidence[:] = [e for e in evidence if e.get("level") != level]  # the rules' 2 no longer stands
    matched = opinion.clause if raised == 4 else text
    indicator, similarity = level_model.nearest_indicator(matched, framework.id, raised, corpus_dir)
    reasons.append(f"learned model: {why}")
    if indicator is not None:
        evidence.insert(
            0,
            {
                **indicator.to_json(),
                "level": raised,
                "concern": "similar to labelled cases of this level (learned model)",
                "matched": matched,
                "similarity": round(similarity, 3),
                "kind": "indicator",
            },
        )
    else:
        described = framework.level(raised)
        evidence.insert(
            0,
            {
                "text": described.description,
                "citation": described.description_citation.text,
                "level": raised,
                "kind": "level description",
            },
        )
    return raised, "low" if level is None else "medium"


def _as_written(matches: list[Match], sentences: list[str]) -> list[Match]:
    """Matches quoting the sentence as the practitioner wrote it, not its normalised form."""
    return [Match(m.rule, sentences[m.sentence_index], m.sentence_index) for m in matches]


def _dedupe(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for e in evidence:
        key = (e["text"], e["citation"])
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def describe_level(level: int) -> str:
    return CANONICAL_NAMES[level]


__all__ = [
    "CAVEAT",
    "MAX_SCENARIO_CHARS",
    "Citation",
    "Indicator",
    "LevelAssessment",
    "assess_scenario",
    "framework_for_area",
]
