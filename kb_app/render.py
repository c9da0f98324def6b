"""Safe display of corpus and user text: escaping, highlighting, image notes.

Every string that comes from a document, a data file or the user goes through here before it
reaches `st.markdown`, so no raw HTML (a `<script>`, an `<img onerror>`, an image comment) can
reach the page and Markdown/Streamlit directives in the text are shown as typed.
"""

from __future__ import annotations

import html
import re

from kb.text import image_description, words

# Markdown punctuation plus the characters Streamlit gives meaning to (`:` directives and
# emoji, `$` maths, `<` HTML, `~` strike-through).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_RAW_HTML_TAG = re.compile(r"<(/?[A-Za-z!][^>\n]*)>")
# Spans whose inside must not be touched when highlighting: links, autolinks, code.
_PROTECTED = re.compile(r"(\[[^\]\n]*\]\([^)\n]*\)|<https?://[^>\s]+>|https?://\S+|`[^`\n]*`)")
_STOPWORDS = frozenset(
    """a an and are as at be been but by can could do does did for from had has have how i if in
    into is it its me my no not of on or our should so than that the their them there these they
    this to was we were what when where which who why will with would you your about after any
    all also must may need who whom whose child children""".split()
)


def md_escape(text: str) -> str:
    """Plain text that Markdown will show exactly as written (no links, HTML, directives)."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def html_text(text: str) -> str:
    """Text for inside `unsafe_allow_html` markup: every `<`, `>`, `&` and quote escaped."""
    return html.escape(text, quote=True)


def query_terms(query: str) -> list[str]:
    """The words of a query worth highlighting: 3+ letters, not stop words, longest first."""
    seen: dict[str, None] = {}
    for word in words(query):
        lowered = word.lower()
        if len(lowered) >= 3 and lowered not in _STOPWORDS:
            seen.setdefault(lowered, None)
    return sorted(seen, key=len, reverse=True)


def _neutralise_html(text: str) -> str:
    """Raw HTML tags become visible text (`\\<script\\>`), never elements."""
    return _RAW_HTML_TAG.sub(lambda m: "\\<" + m.group(1) + "\\>", text)


def _highlight_segment(segment: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None:
        return segment
    return pattern.sub(lambda m: f":orange-background[{m.group(0)}]", segment)


def highlight(text: str, terms: list[str]) -> str:
    """Wrap whole-word (and word-start) matches of `terms` in a visible highlight, leaving
    links, URLs and code untouched."""
    word = r"(?<![\w\\])(?:" + "|".join(re.escape(t) for t in terms) + r")\w*"
    # Neighbouring matched words are one highlight ("female genital mutilation").
    pattern = re.compile(rf"{word}(?:[ \t]+{word})*", re.IGNORECASE) if terms else None
    parts = _PROTECTED.split(text)
    return "".join(part if i % 2 else _highlight_segment(part, pattern) for i, part in enumerate(parts))


def display_markdown(
    text: str,
    terms: list[str] | None = None,
    heading_offset: int | None = 1,
    drop_leading_headings: bool = False,
) -> str:
    """Corpus Markdown, verbatim in its words, made safe for `st.markdown`.

    - `<!-- image: … -->` lines become a muted "[image: …]" note;
    - raw HTML tags and `$` are escaped so they show as text;
    - headings move down `heading_offset` levels (the page owns h1), or become bold text when
      `heading_offset` is None (inside a result card, where the citation names the section);
      `drop_leading_headings` leaves out the heading lines a passage starts with, when the
      card around it already names them;
    - query terms are highlighted."""
    out: list[str] = []
    lines = text.split("\n")
    if drop_leading_headings:
        while lines and (_HEADING.match(lines[0]) or not lines[0].strip()):
            lines.pop(0)
    for line in lines:
        described = image_description(line)
        if described is not None:
            out.append(f":gray[*\\[image: {md_escape(described)}\\]*]")
            continue
        line = _neutralise_html(line).replace("$", "\\$")
        heading = _HEADING.match(line)
        if heading:
            hashes, title = heading.groups()
            if heading_offset is None:
                out.append(f"**{highlight(title, terms or [])}**")
                continue
            level = min(6, len(hashes) + heading_offset)
            out.append(f"{'#' * level} {highlight(title, terms or [])}")
            continue
        out.append(highlight(line, terms or []))
    return "\n".join(out)


def tel_href(detail: str) -> str | None:
    """A `tel:` link for the first UK phone number in a contact's detail, if it has one."""
    match = re.search(r"\(?0\d{2,4}\)?[\d ]{6,12}\d|\b999\b", detail)
    if not match:
        return None
    digits = re.sub(r"\D", "", match.group(0))
    return f"tel:{digits}" if len(digits) >= 3 else None


def date_note(date: str) -> str:
    """A document's date as shown: 'dated 2019-05' for a date, the front matter's words otherwise."""
    return f"dated {date}" if date[:1].isdigit() else date
