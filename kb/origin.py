"""Map corpus lines back to the lines of the source file they came from.

The corpus keeps the source's words but adds Markdown (blank lines, `#`, `- `), so the mapping
is found by aligning normalised lines in order within the document's origin range.
"""

from __future__ import annotations

from pathlib import Path

from kb.model import Document
from kb.text import content_key

LOOKAHEAD = 400  # how far ahead a source line may be before it counts as unmatched
MAX_JOINED = 12  # most source lines one corpus line may join


def source_path(doc: Document, search_dirs: list[Path]) -> Path | None:
    """The origin file of a document, looked up in the given folders in order."""
    for folder in search_dirs:
        candidate = folder / doc.origin.file
        if candidate.is_file():
            return candidate
    return None


def align_to_origin(doc: Document, source_lines: list[str]) -> dict[int, tuple[int, int]]:
    """{corpus line: (first, last) source line} for every body line whose text is found in order
    (first == last but for a line the converter joined from several source lines)."""
    keys = [content_key(line) for line in source_lines]
    lo = max(doc.origin.line_start, 1)
    hi = min(doc.origin.line_end, len(source_lines)) if doc.origin.line_end else len(source_lines)
    cursor = lo
    mapping: dict[int, tuple[int, int]] = {}
    for number in range(doc.body_start, len(doc.lines) + 1):
        key = content_key(doc.lines[number - 1])
        if not key:
            continue
        window = range(cursor, min(hi, cursor + LOOKAHEAD) + 1)
        found = next((c for c in window if keys[c - 1] == key), None)
        if found is not None:
            mapping[number] = (found, found)
            cursor = found + 1
            continue
        joined = _joined_match(keys, key, window, hi)
        if joined is not None:
            # A title joined from several source lines; its lines may be repeated as body text
            # right after it, so the cursor stays where it was.
            mapping[number] = joined
    return mapping


def _joined_match(keys: list[str], key: str, window: range, hi: int) -> tuple[int, int] | None:
    """(first, last) source lines whose texts, joined by spaces, make `key`."""
    for start in window:
        if not keys[start - 1] or not key.startswith(keys[start - 1]):
            continue
        parts = [keys[start - 1]]
        for end in range(start + 1, min(hi, start + MAX_JOINED) + 1):
            if keys[end - 1]:
                parts.append(keys[end - 1])
            joined = " ".join(parts)
            if joined == key:
                return start, end
            if not key.startswith(joined):
                break
    return None


def origin_map(doc: Document, search_dirs: list[Path]) -> dict[int, tuple[int, int]]:
    """The alignment for a document, or {} when its source file is not available."""
    path = source_path(doc, search_dirs)
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return {}
    return align_to_origin(doc, text.split("\n"))
