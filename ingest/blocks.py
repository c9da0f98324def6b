"""Seed lines -> blocks (headings, paragraphs, list items, image comments), words untouched."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.lines import SourceLine, bullet_text, is_markup_only, ordered_item
from ingest.render import Block, Heading, Image, ListItem, Paragraph
from ingest.slides import markdown_heading


class _ListNesting:
    """Open list levels as (source indent, output indent of the item's content)."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, int, int]] = []  # (source indent, marker indent, content indent)

    def reset(self) -> None:
        self.stack.clear()

    def indent_for(self, source_indent: int, marker: str) -> int:
        while self.stack and self.stack[-1][0] >= source_indent:
            self.stack.pop()
        indent = self.stack[-1][2] if self.stack else 0
        self.stack.append((source_indent, indent, indent + len(marker) + 1))
        return indent


def build_blocks(
    lines: Sequence[SourceLine],
    headings: dict[int, int],
    images: set[int],
    joins_lines: bool,
    plain_lines: frozenset[int] = frozenset(),
) -> list[Block]:
    """Blocks for a document body. `joins_lines` (slides): adjacent lines share a paragraph;
    otherwise (manuals) every source line is its own paragraph. `plain_lines` (e.g. a contents
    list) stay one plain paragraph each: no lists, no headings."""
    blocks: list[Block] = []
    nesting = _ListNesting()
    after_blank = True
    for line in lines:
        text = line.text
        if line.is_blank or is_markup_only(text):
            after_blank = True
            continue
        previous = blocks[-1] if blocks else None
        if line.number in plain_lines:
            blocks.append(Paragraph([text]))
            after_blank = False
            continue
        block = _block_for(line, headings, images)
        if block is None:  # a bare bullet: nothing to keep
            continue
        if isinstance(block, ListItem):
            if not isinstance(previous, ListItem) or after_blank and line.indent == 0:
                nesting.reset()
            block.indent = nesting.indent_for(line.indent, block.marker)
            blocks.append(block)
        elif isinstance(block, Paragraph) and not after_blank and _continues(previous, line, joins_lines):
            _continuation_lines(previous).append(text)
        else:
            blocks.append(block)
        after_blank = False
    return blocks


def _block_for(line: SourceLine, headings: dict[int, int], images: set[int]) -> Block | None:
    text = line.text
    if line.number in images:
        return Image(text)
    if line.number in headings:
        own = markdown_heading(text)
        return Heading(headings[line.number], own[1] if own else text)
    bulleted = bullet_text(text)
    if bulleted is not None:
        return ListItem("-", bulleted) if bulleted else None
    ordered = ordered_item(text)
    if ordered is not None:
        return ListItem(ordered[0], ordered[1])
    return Paragraph([text])


def _continues(previous: Block | None, line: SourceLine, joins_lines: bool) -> bool:
    """Whether a line right after `previous` (no blank between) carries on its text."""
    if isinstance(previous, ListItem):
        return joins_lines or line.raw[:1].isspace() or line.text[:1].islower()
    return joins_lines and isinstance(previous, Paragraph)


def _continuation_lines(block: Block | None) -> list[str]:
    if isinstance(block, ListItem):
        return block.continuation
    assert isinstance(block, Paragraph)
    return block.lines
