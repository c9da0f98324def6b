"""Text normalisation shared by matching, evaluation and origin alignment."""

from __future__ import annotations

import re
import unicodedata

_BULLETS = "·•◉\uf0b7❖"
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
_MARKUP_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|>\s*)")
_IMAGE = re.compile(r"^\s*<!--\s*image:\s*(.*?)\s*-->\s*$")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>=~])")
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    """The evaluation README's normalisation: lowercase, straight quotes, dashes, no bullets, one space."""
    text = text.lower()
    for curly, plain in _QUOTES.items():
        text = text.replace(curly, plain)
    for bullet in _BULLETS:
        text = text.replace(bullet, " ")
    return " ".join(text.split()).strip()


def image_description(line: str) -> str | None:
    """The description inside an `<!-- image: … -->` line, or None for any other line."""
    match = _IMAGE.match(line)
    return match.group(1) if match else None


def strip_markup(line: str) -> str:
    """A corpus line without its Markdown markup: heading hashes, list markers, escapes, image comment."""
    described = image_description(line)
    if described is not None:
        return described
    line = _MARKUP_PREFIX.sub("", line, count=1)
    return _ESCAPE.sub(r"\1", line)


def content_key(line: str) -> str:
    """What two lines must share to count as the same text (markup and bullets aside)."""
    stripped = strip_markup(line)
    stripped = unicodedata.normalize("NFKC", stripped).replace("\u25b6", " ")  # ▶ slide bullets
    return normalise(stripped)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def slugify(text: str, max_length: int = 60) -> str:
    """A URL- and id-safe slug: lowercase ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "section"


_QUERY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_query(text: str) -> str:
    """A question as the search can take it: bytes that were not UTF-8 (the command line keeps
    them as lone surrogates) and lone surrogates become U+FFFD, control characters a space."""
    try:
        raw = text.encode("utf-8", "surrogateescape")  # invalid bytes from argv, restored
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")  # a lone surrogate from JSON's \ud800
    decoded = raw.decode("utf-8", "replace")
    return " ".join(_QUERY_CONTROL.sub(" ", decoded).split())


def terminal_safe(text: str) -> str:
    """Text for a terminal: control characters (ESC sequences that clear the screen or set the
    window title) shown as `\\x1b`-style escapes; tab and newline kept."""
    return _TERMINAL_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
