"""Safe display of corpus and user text: escaping, highlighting, image notes.

Every string that comes from a document, a data file or the user goes through here before it
reaches `st.markdown`, so no raw HTML (a `<script>`, an `<img onerror>`, an image comment) can
reach the page and Markdown/Streamlit directives in the text are shown as typed. Corpus text
keeps only a safe subset of Markdown (headings, list markers, bold, its own backslash escapes,
http(s)/mailto links); an image never loads: it shows as its alt text and URL, as plain text.
"""

from __future__ import annotations

import html
import re

from kb.text import image_description, words

# Markdown punctuation plus the characters Streamlit gives meaning to (`:` directives and
# emoji, `$` maths, `<` HTML, `~` strike-through).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BLOCK_PREFIX = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])\s+)")
# The inline pieces of corpus Markdown that keep a meaning; everything else is escaped.
_INLINE = re.compile(
    r"(?P<escape>\\[!-/:-@\[-`{-~])"
    r"|(?P<image>!\[(?P<alt>[^\]\n]*)\]\((?P<src>[^)\s]*)(?:\s+\"[^\"\n]*\")?\))"
    r"|(?P<link>\[(?P<label>[^\]\n]*)\]\((?P<href>[^)\s]*)(?:\s+\"[^\"\n]*\")?\))"
    r"|(?P<autolink><(?P<auto>(?:https?://|mailto:)[^>\s]+)>)"
    r"|(?P<url>https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"])"
    r"|(?P<bold>\*\*(?=\S)(?P<strong>[^*\n]+?)(?<=\S)\*\*)"
    # A bare address ("www.bromleysafeguarding.org", "name@bromley.gov.uk"): shown as typed,
    # never highlighted inside (a highlight there once read "www.:orange-background[…].org").
    r"|(?P<bare>\bwww\.[^\s<>()]*[^\s<>().,;:!?'\"]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:org|com|net|gov|nhs|ac|co|uk|info)\b(?:\.uk)?(?:/[^\s<>()]*[^\s<>().,;:!?])?)"
)
_SAFE_HREF = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)
_STOPWORDS = frozenset(
    """a an and are as at be been but by can could do does did for from had has have how i if in
    into is it its me my no not of on or our should so than that the their them there these they
    this to was we were what when where which who why will with would you your about after any
    all also must may need who whom whose child children
    he she her hers him his they them their theirs its our ours us one two just very some more
    most other such only then than now new get got make made see say says said tell tells told
    know think like well back much many because before after between both each few own same too
    shall might let yes year years old girl girls boy boys school schools pupil pupils class
    family families parent parents mum dad mother father young person people someone being
    going went come came""".split()
)


def md_escape(text: str) -> str:
    """Plain text that Markdown will show exactly as written (no links, HTML, directives)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")
    return _MATERIAL_ICON.sub(_unicon, escaped)


# Streamlit turns `:material/name:` (and, once rewritten, `:material_name:`) into an icon even
# with its colons escaped (measured in Chromium, Streamlit 1.67): an escaped `/` and an
# unescaped first colon before `material\_` are what keep such text as typed.
_MATERIAL_ICON = re.compile(r"\\:(material)(/|\\_)", re.IGNORECASE)


def _unicon(match: re.Match[str]) -> str:
    return f"\\:{match.group(1)}\\/" if match.group(2) == "/" else f":{match.group(1)}\\_"


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


def _highlight_segment(segment: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None:
        return segment
    return pattern.sub(lambda m: f":orange-background[{m.group(0)}]", segment)


def _term_pattern(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    word = r"(?<![\w\\])(?:" + "|".join(re.escape(t) for t in terms) + r")\w*"
    # Neighbouring matched words are one highlight ("female genital mutilation").
    return re.compile(rf"{word}(?:[ \t]+{word})*", re.IGNORECASE)


def _link(label: str, href: str, pattern: re.Pattern[str] | None) -> str:
    return f"[{_highlight_segment(md_escape(label), pattern)}]({href})"


def safe_inline(text: str, terms: list[str] | None = None) -> str:
    """One line of corpus Markdown, shown as its characters: HTML, `$`, `:directives[]` and
    emphasis other than `**bold**` are escaped; only http(s)/mailto links are clickable; an
    image becomes `[image: alt] URL` in plain text, so the browser never fetches it."""
    pattern = _term_pattern(terms or [])
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(_highlight_segment(md_escape(text[position : match.start()]), pattern))
        position = match.end()
        kind = match.lastgroup
        if kind == "escape":
            out.append(match.group())
        elif kind == "image":
            shown = f"[image: {match.group('alt')}] {match.group('src')}".replace("[image: ] ", "[image] ")
            out.append(_highlight_segment(md_escape(shown), pattern))
        elif kind == "link" and _SAFE_HREF.match(match.group("href")):
            out.append(_link(match.group("label"), match.group("href"), pattern))
        elif kind == "autolink":
            out.append(_link(match.group("auto"), match.group("auto"), None))  # an address: as typed
        elif kind == "url":
            out.append(_link(match.group(), match.group(), None))
        elif kind == "bare":
            out.append(md_escape(match.group()))
        elif kind == "bold":
            out.append(f"**{_highlight_segment(md_escape(match.group('strong')), pattern)}**")
        else:  # a link to data:, javascript:, a file: shown as typed, not clickable
            out.append(_highlight_segment(md_escape(match.group()), pattern))
    out.append(_highlight_segment(md_escape(text[position:]), pattern))
    return "".join(out)


def highlight(text: str, terms: list[str]) -> str:
    """A line of corpus text made safe (`safe_inline`) with whole-word (and word-start) matches
    of `terms` in a visible highlight; link targets are never touched."""
    return safe_inline(text, terms)


def display_markdown(
    text: str,
    terms: list[str] | None = None,
    heading_offset: int | None = 1,
    drop_leading_headings: bool = False,
) -> str:
    """Corpus Markdown, verbatim in its words, made safe for `st.markdown`.

    - `<!-- image: … -->` lines become a muted "[image: …]" note;
    - each line's text goes through `safe_inline` (HTML, `$`, directives escaped; images as
      plain text; only http(s)/mailto links clickable);
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
        heading = _HEADING.match(line)
        if heading:
            hashes, title = heading.groups()
            if heading_offset is None:
                out.append(f"**{safe_inline(title, terms)}**")
                continue
            level = min(6, len(hashes) + heading_offset)
            out.append(f"{'#' * level} {safe_inline(title, terms)}")
            continue
        prefix = _BLOCK_PREFIX.match(line)
        marker = prefix.group(1) if prefix else ""
        out.append(marker + safe_inline(line[len(marker) :], terms))
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
