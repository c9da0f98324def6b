"""The reading of a case description's words that the phrase rules rely on: sentence and clause
splitting, negation ("no sign of", "nobody has been hit") and the child's age ("Jade, 17",
"Year 8", "a 3-month-old"). Pure functions over strings; no data files, no models.
"""

from __future__ import annotations

import re

_NEGATION = re.compile(
    r"\b(no|not|never|nor|without|no sign of|no evidence of|nothing to suggest|no mention of|"
    r"nothing (about|of|around|regarding|re|to indicate)|"
    r"(do|does|did|is|are|was|were|has|have|had|wo|would|could|should|ca|must)n['’]?t)\W+(\w+\W+){0,2}$"
    # "nobody has been hit", "no one was hurt" (but "no one knows dad hits her" is not negated)
    r"|\b(nobody|no-one|no one)\s+((has|had|is|was|were|ever|got|gets)\s+){0,2}(been\s+)?(\w+\s+(or|nor|and)\s+)?$"
    # a condition the writer sets: "we will call CSC if he collects the children under the influence"
    r"|\b(call|contact|ring|refer|inform|tell|told)\b[^.;:!?]{0,40}\bif (he|she|they|dad|mum|the parents?) ([\w']+\s+){0,6}$"
    # a list after "no": "no pressure, age gap or exploitation" (but "no one knows dad hits her or…" is
    # not a negation of what follows)
    r"|\bno\s+(?!one\b)\w+(\s+\w+)?(,\s*\w+(\s+\w+)?)*,?\s+(or|nor)\s+(\w+\s+)?((of|about)\s+)?$"
)
# "no concerns about her care, hygiene or weight", "no suggestion of any violence": a
# negating phrase covers the rest of its clause (clauses end at . ; : and at but/whereas).
_NEGATING_PHRASE = re.compile(
    r"\b(no|nor any|nothing to suggest|not any|there (is|are|was|were) no)\s+(\w+\s+)?"
    r"(signs?|evidence|suggestions?|indications?|history|reports?|mention|concerns?|worries|"
    r"issues|disclosures?|indicators?|marks|injuries|problems|thoughts|plans|intent(?:ions?)?|intelligence|information|"
    r"links?|talk)\s+(of|about|around|regarding|with|to|that|to suggest|linking|connecting|"
    r"(?=(he|she|they|the child|anyone|any|him|her)\b))\b[^.;:!?]*$"
    # "Nobody has suggested anything about spirits, curses or deliverance"
    r"|\b(nobody|no one|no-one) (has |had |ever )*(suggested|mentioned|raised|said|reported) anything "
    r"(about|of|like|to do with)\b[^.;:!?]*$"
)
# "not at risk of being thrown out", "nothing to suggest older people are supplying her or anything
# like exploitation", "no sign he's dealing": a finding that rules it out covers the rest of its clause.
_RULED_OUT = re.compile(
    r"\b(not at (any )?risk of|no (current )?risk of|"
    r"nothing (else )?(to suggest|suggests|to indicate|indicates)|"
    r"(nobody|no one|no-one) (is|was|has been|had been) (calling|saying|accusing|suggesting|claiming)|"
    r"(nobody|no one|no-one)\b[\w ]{0,30}\b(thinks|thought|believes|believed|says|said|suggests) (that )?"
    r"\w+ (is|was|are|were|has been|had been)|"
    r"no (signs?|indication|suggestion) (at this (point|stage|time) )?(that )?(?=(he|she|they|anyone|any|of)\b))\b[^.;:!?,]*$"
)
# a full stop after a common abbreviation ("incl.", "e.g.", "approx.", "Dr.") or an initial ("J. Smith")
# does not end a sentence
_ABBREVIATIONS = ("incl", "e.g", "i.e", "approx", "dr", "mr", "mrs", "ms", "st", "vs", "ref", "tel")
_NOT_AN_END = "".join(
    rf"(?<!\b{re.escape(form)}\.)" for a in _ABBREVIATIONS for form in (a, a.capitalize(), a.upper())
)
# ... and one after a closing quotation mark does: 'Mum didn't do anything." No injuries'
_SENTENCE_SPLIT = re.compile(
    rf"(?<=[.!?;]){_NOT_AN_END}(?<!\s[A-Z]\.)(?<!^[A-Z]\.)\s+|(?<=[.!?]['\"\u201d\u2019)])\s+(?=[A-Z\"\u201c'(])"
    r"|\n+"
)
_CLAUSE_SPLIT = re.compile(_SENTENCE_SPLIT.pattern + r"|\s+(?:but|whereas)\s+")
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
    r"|\b(\d{1,2}) ?y ?\d{1,2} ?m\b"
    r"|\b(?:boy|girl|child|son|daughter|pupil|student|teen(?:ager)?|lad|yp|young person|brother|"
    r"sister)\s*\((\d{1,2})\)"
    # a first name or a school year before the age in brackets: "Chloe (12)", "in Y7 (12)"
    r"|(?-i:\b(?!(?:Level|Appendix|Section|Page|Part|Step|Tier|Stage|Band|Table|Figure|Chapter|Item|Question)\b)[A-Z][a-z]+(?: [A-Z]\.?)?)\s*\((\d{1,2})\s*[),;]|\b(?:y|yr|year)\s?\d{1,2}\s*\((\d{1,2})\)",
    re.IGNORECASE,
)
# "Jade, 17", "Ava 4 and Mia 7", "he's 14": a first name or a pronoun then a bare number
_NOT_A_NAME = (
    "Year|Yr|Level|Room|Class|Flat|Number|No|Week|Page|Bus|Route|Tier|Stage|Part|Section|Appendix|Table|"
    "Figure|Chapter|Item|Question|Band|Ward|Bay|Bed|Box|Step|Platform|Gate|Floor|Unit|Term|Half|Period|"
    "Lesson|Set|Group|Team|Under|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Tues|"
    "Wed|Thu|Thur|Thurs|Fri|Sat|Sun|January|February|March|April|May|June|July|August|September|"
    "October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|In|On|At|By|For|From|"
    "Since|About|Over|Under|After|Before|Until|Till|Around|Approx|Only|Just|Nearly|Almost|Review|Reviewed|Plan|"
    "Follow|Recheck|Check|Again|Every|Within|Visit|Appointment|Weighed|Weight|Aged|Age|Due|Booked|Seen|Next|Last|"
    "Back|Wait|Waiting|Another|Repeat|Return"
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


def drop_quote_marks(text: str) -> str:
    """The text without quotation marks; apostrophes inside words ("don't", "mum's") stay."""
    return _QUOTE_MARK.sub("", text)


def split_sentences(text: str) -> list[str]:
    """Sentences and clauses, each a unit the rules and the encoder look at."""
    parts = (p.strip(" ,") for p in _CLAUSE_SPLIT.split(text))
    return [p for p in parts if len(p) > 2]


def whole_sentences(text: str) -> list[str]:
    """The note's sentences, not cut at 'but' / 'whereas' (a verdict is read whole: "…, but she is scared")."""
    return _SENTENCE_SPLIT.split(text)


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


def negated(sentence: str, start: int) -> bool:
    """Whether the words just before `start` negate what follows ("no sign of", "never", a
    negating phrase covering the rest of its clause)."""
    before = sentence[:start].lower()
    return bool(
        _NEGATION.search(before[-40:])
        or _NEGATING_PHRASE.search(before[-120:])
        or _RULED_OUT.search(before[-160:])
    )


_WORD = re.compile(r"\S+")
MAX_MATCHED_WORDS = 30


def matched_phrase(
    written: str, read: str | None = None, span: tuple[int, int] | None = None, context: int = 8
) -> str:
    """The words of `written` (a sentence as the practitioner wrote it) around what matched at `span`
    of `read` (the same sentence as the rules read it: quote marks dropped, spellings mended), at
    most MAX_MATCHED_WORDS words and always a substring of `written`. Word positions carry over
    from `read` to `written` (they differ only when a spelling joins two words: then by proportion)."""
    words = list(_WORD.finditer(written))
    if not words:
        return written.strip()
    if span is None or read is None:
        first, last = 0, len(words) - 1
    else:
        read_words = list(_WORD.finditer(read))
        inside = [k for k, w in enumerate(read_words) if w.end() > span[0] and w.start() < span[1]] or [0]
        scale = len(words) / max(1, len(read_words))
        first = min(len(words) - 1, int(inside[0] * scale))
        last = min(len(words) - 1, max(first, int(inside[-1] * scale)))
    first, last = max(0, first - context), min(len(words) - 1, last + context)
    if last - first + 1 > MAX_MATCHED_WORDS:
        last = first + MAX_MATCHED_WORDS - 1
    return written[words[first].start() : words[last].end()].strip(" ,;:")


def note_phrase(sentence: str, text: str) -> str:
    """At most 30 words of a sentence of the note, never the whole note."""
    phrase = matched_phrase(sentence)
    if phrase.strip() == text.strip() and len(phrase.split()) > 6:
        phrase = matched_phrase(sentence, sentence, (0, 0), context=5)  # its first words
    return phrase
