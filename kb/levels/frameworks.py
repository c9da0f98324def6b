"""Levels-of-need frameworks as data: read corpus/frameworks/*.yaml into frozen dataclasses.

One YAML file per framework (adding an area is adding a file). Every quoted text carries its seed
file and line span; `kb.levels.verify` proves the quote is really there."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kb.config import Settings
from kb.errors import KBError, UnknownAreaError

FRAMEWORKS_SUBDIR = "frameworks"
DEFAULT_AREA = "cambridgeshire-peterborough"
AUXILIARY_FILES = {"topic-levels.yaml", "concerns.yaml"}
CANONICAL_LEVELS = (1, 2, 3, 4)
CANONICAL_NAMES = {
    1: "universal",
    2: "additional / emerging needs",
    3: "complex / multiple needs",
    4: "specialist / safeguarding",
}


class FrameworkError(KBError):
    """A framework data file is missing, malformed or cites text that is not in its seed."""


@dataclass(frozen=True)
class Citation:
    """Where a quoted text lives: seed file, 1-based inclusive lines, and the document's title."""

    file: str
    line_start: int
    line_end: int
    document: str = ""

    @property
    def text(self) -> str:
        """Human form, e.g. "The Child's Journey in Bromley, 000_5a35….txt line 309"."""
        lines = (
            f"line {self.line_start}"
            if self.line_start == self.line_end
            else f"lines {self.line_start}-{self.line_end}"
        )
        prefix = f"{self.document}, " if self.document else ""
        return f"{prefix}{self.file} {lines}"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "text": self.text,
        }


@dataclass(frozen=True)
class CitedText:
    """A verbatim quote and its citation."""

    text: str
    citation: Citation

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "citation": self.citation.text}


@dataclass(frozen=True)
class Indicator:
    """One of the framework's own 'what would we see' items, tagged with concern ids."""

    text: str
    citation: Citation
    concerns: tuple[str, ...] = ()
    from_framework: str = ""  # set when borrowed from another (e.g. superseded) framework
    from_superseded: bool = False  # the framework it was borrowed from is superseded
    parts: tuple[str, ...] = ()  # a table cell the extraction interleaved: each part verbatim, in order

    def to_json(self) -> dict[str, Any]:
        out = {"text": self.text, "citation": self.citation.text, "source": self.citation.to_json()}
        if self.from_framework:
            out["from_framework"] = self.from_framework
            out["superseded"] = self.from_superseded
        return out


@dataclass(frozen=True)
class Contact:
    """A service to call: `detail` is the phone number / address exactly as the seed gives it."""

    service: str
    detail: str
    citation: Citation | None  # None only for the national 999, which no seed states as a number
    quote: str = ""  # the seed text that holds `detail` (defaults to detail itself)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        out = {
            "service": self.service,
            "detail": self.detail,
            "citation": self.citation.text if self.citation else "",
        }
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Level:
    """One level of need on the canonical 1-4 scale, in the framework's own words."""

    level: int
    label: str
    description: str
    description_citation: Citation
    indicators: tuple[Indicator, ...]
    response: tuple[CitedText, ...]
    contacts: tuple[Contact, ...]
    framework_levels: tuple[str, ...] = ()  # the framework's own level names (e.g. '2a', '2b')


@dataclass(frozen=True)
class Framework:
    """A local levels-of-need framework (one data file under corpus/frameworks/)."""

    id: str
    title: str
    area: str
    status: str  # current | superseded
    superseded_by: str
    source: str
    levels: tuple[Level, ...]
    emergency: tuple[Contact, ...] = ()
    published: str = ""
    path: Path | None = field(default=None, compare=False)

    @property
    def superseded(self) -> bool:
        return self.status == "superseded"

    def level(self, number: int) -> Level:
        for level in self.levels:
            if level.level == number:
                return level
        raise FrameworkError(f"{self.id}: no level {number}")

    @property
    def indicators(self) -> tuple[tuple[int, Indicator], ...]:
        return tuple((lv.level, ind) for lv in self.levels for ind in lv.indicators)


@dataclass(frozen=True)
class TopicDefault:
    """A topic whose passages concern given levels because the procedure says so (cited)."""

    topic: str
    levels: tuple[int, ...]
    patterns: tuple[re.Pattern[str], ...]
    quote: CitedText


_SPAN = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


def _citation(item: dict, default_seed: str, document: str, where: str) -> Citation:
    at = item.get("at")
    if at is None:
        raise FrameworkError(f"{where}: missing 'at' (line or line span)")
    match = _SPAN.match(str(at))
    if not match:
        raise FrameworkError(f"{where}: 'at' must be N or N-M, got {at!r}")
    start = int(match.group(1))
    end = int(match.group(2) or start)
    return Citation(str(item.get("seed") or default_seed), start, end, document)


def _cited(item: dict, seed: str, document: str, where: str) -> CitedText:
    if not isinstance(item, dict) or not item.get("text"):
        raise FrameworkError(f"{where}: expected a mapping with 'text' and 'at'")
    return CitedText(str(item["text"]), _citation(item, seed, document, where))


def _contact(item: dict, seed: str, document: str, where: str) -> Contact:
    if not item.get("service") or not item.get("detail"):
        raise FrameworkError(f"{where}: a contact needs 'service' and 'detail'")
    citation = _citation(item, seed, document, where) if item.get("at") is not None else None
    if citation is None and not item.get("note"):
        raise FrameworkError(f"{where}: an uncited contact must say why in 'note'")
    return Contact(
        service=str(item["service"]),
        detail=str(item["detail"]),
        citation=citation,
        quote=str(item.get("text") or item["detail"]),
        note=" ".join(str(item.get("note") or "").split()),
    )


def _level(item: dict, seed: str, document: str, where: str) -> Level:
    number = item.get("level")
    if number not in CANONICAL_LEVELS:
        raise FrameworkError(f"{where}: 'level' must be one of 1-4, got {number!r}")
    where = f"{where} level {number}"
    description = _cited(item.get("description") or {}, seed, document, f"{where} description")
    indicators = tuple(
        Indicator(
            parts=(parts := tuple(str(p) for p in ind.get("parts") or ())),
            text=str(ind.get("text") or " ".join(parts)),
            citation=_citation(ind, seed, document, f"{where} indicator {i + 1}"),
            concerns=tuple(ind.get("concerns") or ()),
        )
        for i, ind in enumerate(item.get("indicators") or ())
    )
    return Level(
        level=int(number),
        label=str(item.get("label") or CANONICAL_NAMES[int(number)]),
        description=description.text,
        description_citation=description.citation,
        indicators=indicators,
        response=tuple(
            _cited(r, seed, document, f"{where} response {i + 1}")
            for i, r in enumerate(item.get("response") or ())
        ),
        contacts=tuple(
            _contact(c, seed, document, f"{where} contact {i + 1}")
            for i, c in enumerate(item.get("contacts") or ())
        ),
        framework_levels=tuple(str(x) for x in item.get("framework_levels") or ()),
    )


def read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FrameworkError(f"{path}: cannot read framework file ({exc})") from exc
    if not isinstance(data, dict):
        raise FrameworkError(f"{path}: expected a mapping at the top level")
    return data


def parse_framework(path: Path) -> tuple[Framework, dict]:
    """One framework file -> (Framework, raw data); borrowing is resolved by `load_frameworks`."""
    data = read_yaml(path)
    for key in ("id", "title", "area", "status", "seed", "levels"):
        if key not in data:
            raise FrameworkError(f"{path}: missing '{key}'")
    if data["status"] not in ("current", "superseded"):
        raise FrameworkError(f"{path}: status must be 'current' or 'superseded'")
    seed, title = str(data["seed"]), str(data["title"])
    sources = data.get("source") or []
    source = "; ".join(
        f"{s.get('what', '')} ({s.get('seed', seed)} lines {s.get('at', '')})".strip()
        for s in sources
        if isinstance(s, dict)
    )
    levels = tuple(
        sorted(
            (_level(lv, seed, title, f"{path.name}") for lv in data["levels"]),
            key=lambda lv: lv.level,
        )
    )
    emergency = tuple(
        _contact(c, seed, title, f"{path.name} emergency {i + 1}")
        for i, c in enumerate(data.get("emergency") or ())
    )
    framework = Framework(
        id=str(data["id"]),
        title=title,
        area=str(data["area"]),
        status=str(data["status"]),
        superseded_by=str(data.get("superseded_by") or ""),
        source=source,
        levels=levels,
        emergency=emergency,
        published=str(data.get("published") or ""),
        path=path,
    )
    return framework, data


def _borrow(framework: Framework, data: dict, parsed: dict[str, Framework]) -> Framework:
    """Fill levels without indicators / contacts from the framework named in the data file."""
    ind_from, con_from = data.get("indicators_from"), data.get("contacts_from")
    for name in (ind_from, con_from):
        if name and name not in parsed:
            raise FrameworkError(f"{framework.path}: borrows from unknown framework {name!r}")
    levels = []
    for level in framework.levels:
        if ind_from and not level.indicators:
            donor = parsed[ind_from].level(level.level)
            level = replace(
                level,
                indicators=tuple(
                    replace(ind, from_framework=ind_from, from_superseded=parsed[ind_from].superseded)
                    for ind in donor.indicators
                ),
            )
        if con_from and not level.contacts:
            donor = parsed[con_from].level(level.level)
            note = f"from {parsed[con_from].title} ({parsed[con_from].status}); check it is current"
            level = replace(level, contacts=tuple(replace(c, note=c.note or note) for c in donor.contacts))
        levels.append(level)
    emergency = framework.emergency
    if con_from:
        known = {c.detail for c in emergency}
        note = f"from {parsed[con_from].title} ({parsed[con_from].status}); check it is current"
        emergency = emergency + tuple(
            replace(c, note=c.note or note) for c in parsed[con_from].emergency if c.detail not in known
        )
    return replace(framework, levels=tuple(levels), emergency=emergency)


def frameworks_dir(corpus_dir: Path | None = None) -> Path:
    return (corpus_dir or Settings.from_env().corpus_dir) / FRAMEWORKS_SUBDIR


@lru_cache(maxsize=8)
def _load_frameworks_cached(directory: Path) -> dict[str, Framework]:
    if not directory.is_dir():
        raise FrameworkError(f"{directory}: no frameworks directory")
    parsed: dict[str, tuple[Framework, dict]] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name in AUXILIARY_FILES:
            continue
        framework, data = parse_framework(path)
        if framework.id in parsed:
            raise FrameworkError(f"{path}: duplicate framework id {framework.id!r}")
        parsed[framework.id] = (framework, data)
    plain = {fid: fw for fid, (fw, _) in parsed.items()}
    return {fid: _borrow(fw, data, plain) for fid, (fw, data) in parsed.items()}


def load_frameworks(corpus_dir: Path | None = None) -> dict[str, Framework]:
    """Every framework under corpus/frameworks/, by id (parsed once per directory)."""
    return dict(_load_frameworks_cached(frameworks_dir(corpus_dir).resolve()))


@lru_cache(maxsize=8)
def _load_topics_cached(directory: Path) -> tuple[TopicDefault, ...]:
    path = directory / "topic-levels.yaml"
    if not path.is_file():
        return ()
    data = read_yaml(path)
    topics = []
    for i, item in enumerate(data.get("topics") or ()):
        where = f"{path.name} topic {i + 1}"
        quote = _cited(item, str(item.get("seed") or ""), "", where)
        topics.append(
            TopicDefault(
                topic=str(item["topic"]),
                levels=tuple(int(x) for x in item["levels"]),
                patterns=tuple(re.compile(p, re.IGNORECASE) for p in item.get("match") or ()),
                quote=quote,
            )
        )
    return tuple(topics)


def load_topic_defaults(corpus_dir: Path | None = None) -> tuple[TopicDefault, ...]:
    """The per-topic default levels of corpus/frameworks/topic-levels.yaml."""
    return _load_topics_cached(frameworks_dir(corpus_dir).resolve())


def choose_framework(area: str | None, framework_id: str | None, corpus_dir: Path | None) -> Framework:
    """The framework by id, else the area's current one (ValueError for an unknown id)."""
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
