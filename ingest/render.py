"""Blocks of a converted document and their Markdown text, front matter included."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from ingest.lines import escape_block_start
from ingest.manifest import DocSpec


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    """Source lines kept on their own lines; more than one only where a slide wraps text."""

    lines: list[str] = field(default_factory=list)


@dataclass
class ListItem:
    marker: str  # "-" or "N."
    text: str
    indent: int = 0  # spaces before the marker in the output
    continuation: list[str] = field(default_factory=list)


@dataclass
class Image:
    description: str


Block = Heading | Paragraph | ListItem | Image


def block_markdown(block: Block) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {block.text}"
    if isinstance(block, Image):
        return f"<!-- image: {block.description} -->"
    if isinstance(block, Paragraph):
        return "\n".join(_paragraph_line(text, i) for i, text in enumerate(block.lines))
    pad = " " * (block.indent + len(block.marker) + 1)
    first = f"{' ' * block.indent}{block.marker} {escape_block_start(block.text)}"
    rest = [f"{pad}{_paragraph_line(text, 1)}" for text in block.continuation]
    return "\n".join([first, *rest])


def _paragraph_line(text: str, position: int) -> str:
    """Escape what would start another block; a continuation `===`/`---` would make a heading."""
    if position > 0 and set(text) <= {"=", "-"}:
        return "\\" + text
    return escape_block_start(text)


def body_markdown(blocks: list[Block]) -> str:
    """Blank line between blocks, none between items of one list."""
    parts: list[str] = []
    for index, block in enumerate(blocks):
        if index:
            tight = isinstance(block, ListItem) and isinstance(blocks[index - 1], ListItem)
            parts.append("\n" if tight else "\n\n")
        parts.append(block_markdown(block))
    return "".join(parts) + "\n"


class _Quoted(str):
    """A date kept as a quoted string ('2011-07'), so no YAML reader turns it into a date."""


yaml.SafeDumper.add_representer(
    _Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
)


def front_matter(spec: DocSpec, line_start: int, line_end: int) -> str:
    """YAML front matter in the order docs/corpus-format.md shows; dates only where known."""
    meta: dict[str, object] = {
        "id": spec.id,
        "title": spec.title,
        "collection": spec.collection,
        "area": spec.area,
        "type": spec.type,
    }
    if spec.published:
        meta["published"] = _Quoted(spec.published)
    if spec.updated:
        meta["updated"] = _Quoted(spec.updated)
    if spec.date_note:
        meta["date_note"] = spec.date_note
    meta["status"] = spec.status
    meta["superseded_by"] = spec.superseded_by
    meta["origin"] = {"file": spec.seed, "line_start": line_start, "line_end": line_end}
    text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{text}---\n"
