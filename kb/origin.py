"""Map corpus lines back to the lines of the source file they came from.

The corpus keeps the source's words but adds Markdown (blank lines, `#`, `- `), so the mapping
is found by aligning normalised lines in order within the document's origin range.
"""

from __future__ import annotations

from pathlib import Path

from kb.model import Document
from kb.text import content_key

LOOKAHEAD = 400  # how far ahead in the source a line may be found before it counts as unmatched


def source_path(doc: Document, search_dirs: list[Path]) -> Path | None:
    """The origin file of a document, looked up in the given folders in order."""
    for folder in search_dirs:
        candidate = folder / doc.origin.file
        if candidate.is_file():
            return candidate
    return None


def align_to_origin(doc: Document, source_lines: list[str]) -> dict[int, int]:
    """{corpus line number: source line number} for every body line whose text is found in order."""
    keys = [content_key(line) for line in source_lines]
    lo = max(doc.origin.line_start, 1)
    hi = min(doc.origin.line_end, len(source_lines)) if doc.origin.line_end else len(source_lines)
    cursor = lo
    mapping: dict[int, int] = {}
    for number in range(doc.body_start, len(doc.lines) + 1):
        key = content_key(doc.lines[number - 1])
        if not key:
            continue
        for candidate in range(cursor, min(hi, cursor + LOOKAHEAD) + 1):
            if keys[candidate - 1] == key:
                mapping[number] = candidate
                cursor = candidate + 1
                break
    return mapping


def origin_map(doc: Document, search_dirs: list[Path]) -> dict[int, int]:
    """The alignment for a document, or {} when its source file is not available."""
    path = source_path(doc, search_dirs)
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return {}
    return align_to_origin(doc, text.split("\n"))
