"""markdown-it-py tokens -> Sections -> Passages with stable ids and exact line spans.

Passages never cross a section boundary, hold about 60-250 words, keep short lists and tables
whole, and their `text` is exactly their lines of the corpus file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt

from kb.model import Document, Origin, Passage, Section
from kb.text import image_description, slugify, strip_markup, words

TARGET_WORDS = 180
MAX_WORDS = 250
MIN_WORDS = 60
SHORT_LIST_WORDS = 400  # a list up to this size stays in one passage


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class Block:
    """A top-level Markdown block with its 1-based, inclusive line span in the file."""

    kind: str  # heading | paragraph | list | table | image | other
    line_start: int
    line_end: int
    heading_level: int = 0
    heading_text: str = ""
    items: tuple[tuple[int, int], ...] = ()  # list items' line spans, for splitting long lists


def blocks_of(doc: Document) -> list[Block]:
    """Top-level blocks of the document body in order (line numbers are the file's)."""
    body = "\n".join(doc.lines[doc.body_start - 1 :])
    offset = doc.body_start
    tokens = _parser().parse(body)
    blocks: list[Block] = []
    for i, token in enumerate(tokens):
        if token.level != 0 or token.map is None or token.nesting == -1:
            continue
        start, end = token.map[0] + offset, token.map[1] - 1 + offset
        if token.type == "heading_open":
            text = tokens[i + 1].content.strip()
            blocks.append(Block("heading", start, end, int(token.tag[1]), text))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            items = tuple(
                (t.map[0] + offset, t.map[1] - 1 + offset)
                for t in tokens[i + 1 :]
                if t.type == "list_item_open" and t.level == 1 and t.map
            )
            items = tuple(it for it in items if start <= it[0] <= end)
            blocks.append(Block("list", start, end, items=items))
        elif token.type == "table_open":
            blocks.append(Block("table", start, end))
        elif token.type == "html_block" and all(
            image_description(line) is not None or not line.strip() for line in doc.lines[start - 1 : end]
        ):
            blocks.append(Block("image", start, end))
        elif token.type == "paragraph_open":
            blocks.append(Block("paragraph", start, end))
        else:
            blocks.append(Block("other", start, end))
    return [_trimmed(doc, b) for b in blocks]


def _trimmed(doc: Document, block: Block) -> Block:
    """Drop trailing blank lines markdown-it counts into a block's map."""
    end = block.line_end
    while end > block.line_start and not doc.lines[end - 1].strip():
        end -= 1
    return Block(
        block.kind,
        block.line_start,
        end,
        block.heading_level,
        block.heading_text,
        tuple((s, min(e, end)) for s, e in block.items),
    )


def sections_of(doc: Document) -> list[tuple[Section, list[Block]]]:
    """Each section with its blocks (its heading block first). A heading with no content of its
    own is carried into the next section when that one sits below it, so every heading line
    lands in a passage and no passage is a bare heading when a child section follows."""
    result: list[tuple[Section, list[Block]]] = []
    path: list[tuple[int, str]] = []
    slugs_seen: dict[str, int] = {}
    slugs_used: set[str] = set()
    current: list[Block] = []

    def close() -> None:
        heading_path = tuple(text for _, text in path) or (doc.title,)
        base = slugify(heading_path[-1]) if len(heading_path) > 1 else "overview"
        slugs_seen[base] = slugs_seen.get(base, 0) + 1
        slug = base if slugs_seen[base] == 1 else f"{base}-{slugs_seen[base]}"
        # "Heading", "Heading", "Heading (2)" would give "heading-2" twice: ids must be unique
        while slug in slugs_used:
            slugs_seen[base] += 1
            slug = f"{base}-{slugs_seen[base]}"
        slugs_used.add(slug)
        level = path[-1][0] if path else 1
        section = Section(doc.id, heading_path, slug, current[0].line_start, current[-1].line_end, level)
        result.append((section, list(current)))

    for block in blocks_of(doc):
        if block.kind == "heading" and current:
            has_content = any(b.kind not in ("heading", "image") for b in current)
            last_heading = next((b for b in reversed(current) if b.kind == "heading"), None)
            carry = (
                not has_content
                and last_heading is not None
                and block.heading_level > last_heading.heading_level
            )
            if not carry:
                close()
                current = []
        if block.kind == "heading":
            while path and path[-1][0] >= block.heading_level:
                path.pop()
            path.append((block.heading_level, block.heading_text))
        current.append(block)
    if current:
        close()
    return result


def _block_words(doc: Document, start: int, end: int) -> int:
    return sum(len(words(strip_markup(line))) for line in doc.lines[start - 1 : end])


def _units(doc: Document, blocks: list[Block]) -> list[tuple[int, int, int]]:
    """Indivisible (start, end, words) units: blocks, or items of lists too long to keep whole."""
    units: list[tuple[int, int, int]] = []
    for block in blocks:
        if block.kind == "image":
            continue
        size = _block_words(doc, block.line_start, block.line_end)
        if block.kind == "list" and size > SHORT_LIST_WORDS and block.items:
            for item_start, item_end in block.items:
                units.append((item_start, item_end, _block_words(doc, item_start, item_end)))
        else:
            units.append((block.line_start, block.line_end, size))
    return units


def _pack(units: list[tuple[int, int, int]]) -> list[list[tuple[int, int, int]]]:
    """Greedy packing to ~TARGET_WORDS, never over MAX_WORDS unless one unit is; a short tail
    joins the previous group when together they stay within MAX_WORDS."""
    groups: list[list[tuple[int, int, int]]] = []
    current: list[tuple[int, int, int]] = []
    size = 0
    for unit in units:
        if current and (size + unit[2] > MAX_WORDS or size >= TARGET_WORDS):
            groups.append(current)
            current, size = [], 0
        current.append(unit)
        size += unit[2]
    if current:
        if groups and size < MIN_WORDS and sum(u[2] for u in groups[-1]) + size <= MAX_WORDS:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return groups


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def passages_of(doc: Document, origin_lines: dict[int, tuple[int, int]] | None = None) -> list[Passage]:
    """The document's passages, in order. `origin_lines` maps file lines to source lines."""
    passages: list[Passage] = []
    for section, blocks in sections_of(doc):
        for ordinal, group in enumerate(_pack(_units(doc, blocks)), start=1):
            start, end = group[0][0], group[-1][1]
            text = doc.lines_between(start, end)
            passages.append(
                Passage(
                    id=f"{doc.id}/{section.slug}/{ordinal}",
                    doc_id=doc.id,
                    heading_path=section.heading_path,
                    section_slug=section.slug,
                    ordinal=ordinal,
                    text=text,
                    line_start=start,
                    line_end=end,
                    origin=origin_span(doc, start, end, origin_lines),
                    content_hash=content_hash(text),
                )
            )
    return passages


def origin_span(
    doc: Document, start: int, end: int, origin_lines: dict[int, tuple[int, int]] | None
) -> Origin:
    """The source lines a file span came from; the document's whole origin when unknown."""
    mapped = [origin_lines[n] for n in range(start, end + 1) if origin_lines and n in origin_lines]
    if not mapped:
        return doc.origin
    return Origin(doc.origin.file, min(a for a, _ in mapped), max(b for _, b in mapped))


def searchable_text(text: str) -> str:
    """A passage's words for embedding and keyword search: markup stripped, image lines dropped."""
    kept = [strip_markup(line) for line in text.split("\n") if image_description(line) is None]
    return "\n".join(line for line in kept if line.strip())


def embedding_text(passage: Passage) -> str:
    """Heading path plus text: what the dense index embeds for a passage."""
    return " > ".join(passage.heading_path) + "\n" + searchable_text(passage.text)
