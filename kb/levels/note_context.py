"""What a case note says of the child: whether a sentence's concern is happening to this child (not a
topic taught or asked about, someone else's story, a rumour the note ruled out, or a concern the
writer's own verdict closes) and whether it is in the past. Pure functions over strings, read by the
phrase rules (kb.levels.rules) and the level-4 anchors; see docs/levels.md.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kb.levels.text import split_sentences, whole_sentences

# A concern the note does not say is happening to this child: a topic taught, researched or asked
# about ("after our assembly on county lines he asked how you'd know if a friend was groomed"), a
# hypothetical, or something reported of someone else (the news, a book, a friend's cousin).
# Nothing here silences a sentence that also says it is about this child (a disclosure, "to her").
_TOPIC = re.compile(
    r"\b(lessons? (on|about)|(citizenship|rse|re|sociology|history|english|drama|science|computing|"
    r"psychology|health|relationships) (lesson|class)s?|"
    r"pshe|rse|assembly|workshop|talk (on|about)|coursework|homework|project|essay|leaflet|"
    r"poster|presentation|documentary|statistics|debate|quiz|curriculum|research(ing|ed)?|"
    r"awareness (week|day|session|campaign)|(on|in) the (local |national )?news|news (story|item|report)|"
    r"(a|the) (film|novel|book|tv (programme|series)|story) (about|on)|fiction(al)?|"
    r"(after |since )?(reading|read) about|(safeguarding )?(bulletin|newsletter)|"
    # "he lied about my reading book": a school reading book is not a piece of work read about
    r"(?<!\bmy )(?<!\bhis )(?<!\bher )(?<!\btheir )(?<!\byour )"
    r"(wrote|writes|writing|written|read|reads|reading|watched|watching) (a |an |the )?"
    r"(horror |scary |short )?"
    r"(story|poem|essay|book|novel|film|play|article)\b|"
    r"how (you|you.d|you would|someone|people|one) (would |could |might |can )?(know|tell|spot|help)|"
    r"what (you|you.d|you should|to) do if|what would happen if|"
    r"asked (me |us |staff |the teacher )?what \W?\w+\W? (means?|is)\b|"
    r"(education|training|information|awareness|safety|safeguarding) (session|evening|day|talk|event)|"
    r"(ran|run|running|delivered|led|did|held) (the|a|an|our) [\w /'-]{0,40}\b"
    r"(session|evening|talk|workshop)\b|"
    r"\btraining (on|about|session|day|evening|fresh)\b|\b(session|sessions|unit|module) (on|about)\b|"
    r"\b(watched|showed|shown|saw) (a |the )?(short )?(clip|video|film|dvd) (on|about)\b|"
    r"\b(staff|safeguarding|county lines|prevent|awareness|cse|fgm|exploitation|our|the|recent) training\b|"
    r"\b(epq|discussions|general questions)\b|\b(speech|talk|discussion) (on|about)\b|"
    r"\b(as|is) the (topic|subject|theme) (for|of)\b|\bspoken[- ]language\b|\b(creative writing|story writing)\b|\b(story|poem|essay|diary entry|piece of writing|piece|play|script|monologue) "
    r"(for (the|her|his|a) \w+|"
    r"describ\w*|about a)\b|"
    # "Shared with the exploitation lead for info.": a service named in a record of who was told
    r"\b(shared|passed|sent|copied|forwarded)\b[^.;:!?]{0,60}\bfor (info|information)\b|"
    # a screening or risk assessment still to be done is process, not a finding
    r"\b(will |to )?(complete|do|use|start) (the|a|an) ([\w-]+ ){0,2}(screening|risk assessment|toolkit|checklist)\b|"
    r"(a|the) (story|film|cartoon|programme|game|book) (with|where|in which)\b|"
    # a professional's own process: a screening or risk assessment that found it below the threshold,
    # or watching for signs of it (a high-risk finding still counts)
    r"\b(screening|screened|toolkit|checklist)\b(?![^.;!?]*\bhigh\b)[^.;!?]{0,40}"
    r"\b(low|medium|standard|emerging|not at|below|negative|none (found|identified)|no (current |other )?(concerns|indicators))\b|"
    r"\b(indicators|signs) (were )?(considered|checked|looked for)\b[^.;!?]{0,20}\bnone (found|identified|present)\b|"
    r"\b(watch\w*|monitor\w*|look\w* out|alert) (closely |carefully )?for (any )?"
    r"(signs?|indicators?|indications?)\b)"
)
_ABOUT_THIS_CHILD = re.compile(
    r"\b(happen(ed|s|ing)? to (her|him|me|them)|done to (her|him|me)|disclos\w*|"
    r"told (me|us|staff|her teacher|his teacher|the teacher|a teacher) (that )?"
    r"(she|he|they|her|his|my|mum|dad)\b(?! (friend|cousin|classmate|neighbour|mate|peer)s?\b)|"
    r"(she|he) (is|was|has been|had been|keeps being) (being )?"
    r"(hit|hurt|touched|groomed|taken|cut|threatened)|"
    r"(her|his) (own|mum|dad|mother|father|parents|stepdad|stepfather|uncle|aunt|auntie|gran|grandma|"
    r"grandmother|nan|brother|sister|cousin|boyfriend|girlfriend|family)\b.{0,40}"
    r"\b(hit|hurt|touch|threat|groom|cut|marr|abroad|ceremony|trip|holiday|wedding|plan)|"
    r"planned for (her|him)|flagged (it|her|him|this|a concern|concerns)|raised (it|a concern|concerns)|"
    r"(scared|frightened|afraid|terrified) (of (him|her|them|his|her|their|my|dad|mum|going|being|what)|"
    r"to (go|tell|be|say)|that)|worried (she|he|that (she|he))|"
    r"for a friend|(it.s|it is|it was) (really )?(her|him)\b|"
    r"(is|are|was|were) going to (be|have)|will be (taken|cut|married)|plans? (to|for) (her|him))"
)
# what the child told: a note's own all-clear does not override a disclosure in the same note
_DISCLOSED = re.compile(
    r"\b(happen(ed|s|ing)? to (her|him|me)|done to (her|him|me)|disclos\w*|"
    r"told (me|us|staff|her teacher|his teacher|the teacher|a teacher) (that )?(she|he|they|her|his|my|mum|dad)|"
    r"(scared|frightened|afraid|terrified) (of (him|her|them|his|her|their|my|dad|mum|going|being|what)|to (go|tell)))"
)
_SOMEONE_ELSE = re.compile(
    r"\b(a|his|her|their) (friend|cousin|classmate|neighbour|peer)(.s)? "
    r"(cousin |brother |sister |friend |mum |dad )?(was|is|has been|had been|got)\b"
    r"|\b(a|his|her|their) (friend|cousin|classmate|neighbour|peer) (from|at|in) [^.;:!?]{0,30}\b(is|was|has been|had been|got)\b"
    # "her friend at another school told her she is going to Bangladesh to get engaged": the friend's
    # own news, told to this child ("told her that her dad…" may be about this child: not read here)
    r"|\b(a|his|her|their) (friend|cousin|classmate|neighbour|peer)\b[^.;:!?]{0,60}\b(told|tells|messaged|"
    r"confided in) (her|him)\b,? (that )?(she|he|they) (is|was|has|had|will|were|are)\b"
)
_HISTORICAL = re.compile(
    r"\b(years ago|(last|in) (19|20)\d\d|in 20\d\d|when (she|he|they) (was|were) (a baby|a toddler|little|"
    r"younger|in (nursery|reception|primary|year \d))|previously|historic(al(ly)?)?|in the past|"
    r"(a|two|three|four|five|several|some|\d+) (years?|yrs?|months?) (ago|before)|used to|back in|nothing since|"
    # "in Oct 2009", "the case was closed in Feb 2010"
    r"(in|since|until|from|by|between) (jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\w* (19|20)\d\d|"
    r"(case|referral|plan) (was |were )?closed|background|stepped down)\b"
)

# ... unless the same sentence brings it to now: "he hit her years ago and is back", "again"
_NOW = re.compile(
    r"\b(again|still|today|tonight|yesterday|last (night|week|weekend)|this (morning|week|weekend)|"
    r"recently|came back|is back|moved back|has returned|now (back|living|staying)|relaps\w*)\b"
)


# A note that is about a topic, not a child: a lesson, a session we ran, training, a project or a
# speech (not a leaflet handed out or a GP copied in "for information", which real concerns have too)
_TAUGHT = re.compile(
    r"\b(lessons? (on|about)|pshe|rse|assembly|workshop|coursework|project|essay|epq|documentary|"
    r"(education|training|information|awareness|safety|safeguarding) (session|evening|day|talk|event)|"
    r"(ran|run|running|delivered|led|held) (the|a|an|our) [\w /'-]{0,40}\b(session|evening|talk|workshop)\b|"
    r"training (on|about|session|day|evening|fresh)|(speech|talk|discussion) (on|about)|"
    r"(session|unit|module) (on|about))\b"
)
# ... and its own all-clear: "nothing has happened to him", "no disclosures", "it's not about me,
# Miss", "education session only", or a sentence that is only "No concerns." (", just logging")
_ALL_CLEAR = re.compile(
    r"\b(nothing (has )?(ever )?happened to (him|her|them|me)|(it.s|it has|has) never happened|"
    r"no (one|young person|child|pupil|student)s? (has |have )?(disclosed|said|reported)|"
    r"nobody (has )?disclosed|no disclosures?\b|not about (me|her|him)|(school|class) topic|"
    r"(purely|just|is|was) academic|(education|information|training) (session )?only|"
    r"no individual concerns|record of (the )?session only)"
    r"|^(no|nil) (safeguarding |other |further )?(concerns?|worries|issues)( (raised|noted|identified))?"
    r"(,? (just )?(logg(ing|ed)|recorded|noted)( (it|this))?( for (info|information))?)?\W*$"
)


@lru_cache(maxsize=256)
def taught_not_happening(text: str) -> bool:
    """Whether the note records a topic (a lesson, a session, a project) and says in its own words
    that nothing is happening to the child: then its alarming words are the topic's."""
    sentences = [x.lower() for x in split_sentences(text)]
    return any(_TAUGHT.search(x) for x in sentences) and any(_ALL_CLEAR.search(x) for x in sentences)


# The words a verdict may name what it judged by: "No safeguarding concerns", "No forced marriage or
# honour concern"; never "No previous concerns" (history) or "No other concerns" (beside one just named).
_JUDGED = (
    r"(safeguarding|child protection|cp|welfare|real|actual|ongoing|current|wider|[\w]+-based|abuse|fgm|honour|"
    r"forced|marriage|county|lines|exploitation|cse|cce|gangs?|knife|knives|weapons?|radicalisation|extremism|"
    r"prevent|grooming|self-harm|or|and|any)"
)
# A report by others (a rumour, an anonymous call, "two girls told their tutor that…", "the younger ones
# were saying…") ...
_HEARSAY = re.compile(
    r"\b(rumou?rs?|rumou?red|anonymous(ly)?|alleg(ation|ations|ed|es|ing)|"
    r"(were|was|are|is|kept|keep|have been|had been) (saying|claiming|posting|telling (people|everyone))|"
    r"(girls|boys|lads|kids|players|team-?mates|mates|pupils|students|peers|classmates|children|ones|friends|parents|"
    r"someone|somebody|people|"
    r"a group|a parent|a neighbour) ((came|come) (in |up |over )?to (say|tell)|told|reported|said|say|says|claimed|claim|posted)|"
    r"told (a group|the group|his friends|her friends|friends|the class|classmates|peers)|"
    r"(year|yr|y) ?\d+s (told|said|reported)|"
    r"reported that|claim(ed|s)? that|posted (that|on))\b"
)
# ... that the note looked into and records as unfounded: "rumour unfounded", "looks malicious",
# "allegation not substantiated", "Another boy admitted he made it up"
_UNFOUNDED = re.compile(
    r"\b(unfounded|unsubstantiated|not substantiated|(looks|looked|seems|seemed|appears|appeared|was|is) "
    r"(to be )?malicious|(rumou?r|allegation|report|claim|story)s? (was |were |is |are )?"
    r"(untrue|false|not true|unfounded|made up)|"
    # another pupil owning up: never a child's own retraction ("the girl said she made it up")
    r"(another|the other|that|a) (boy|girl|student|pupil|child|lad) (has |had )?(admitted|owned up|confessed)\b[^.;:!?]{0,20}"
    r"\bmade (it|that|this|the (story|post|rumou?r)) up|"
    r"(posted|sent|said|meant|came from) (it |this )?(as )?a (joke|prank|wind-?up)|"
    r"no (knife|knives|weapon|blade|drugs)\b[^.;:!?]{0,30}\b(found|seen|in (his|her) (bag|locker|blazer|pocket)|"
    r"locker (also )?clear)|nothing (of concern|found|untoward)|no further action|just a saying|"
    r"(has |had )?never (touched|hit|hurt) (me|him|her)|"
    r"(plastic|toy|fake|pretend|replica) (knife|gun|blade|weapon))\b"
    # ... or a sentence that is only "No forced marriage concern." (like the verdict below, but read for a
    # report even where the report's sentence says "told me they…", which the verdict treats as a disclosure)
    rf"|^(no|nil) ({_JUDGED} ){{0,5}}concerns?\W*$"
)
# ... "No concerns re Marcus.", "No concern about gangs or weapons." (the child by name, or the concern;
# not "No concerns about attendance", which says nothing of the report)
_NO_CONCERN_ABOUT = re.compile(
    rf"^(?i:no|nil) (?i:{_JUDGED} ){{0,3}}(?i:concerns?) (?i:about|re|regarding|around|for) "
    r"([A-Z][a-z]+|(?i:him|her|them|gangs|weapons|knives|exploitation|drugs|"
    r"(the )?(allegation|rumou?r|report|claim)))"
    r"( (?i:or|and) \w+)?\W*$"
)


# "No concerns about forced marriage.": rules out a report only of that topic (the words it is told by)
_TOPIC_CLEARED = {
    r"forced marriage": r"\b(marr\w*|wedding|engaged|husband|betrothed)\b",
    r"fgm|cutting|female genital mutilation": r"\b(fgm|cut\w*|ceremony|circumcis\w*|mutilat\w*)\b",
    r"honour[- ]based (abuse|violence)": r"\b(honou?r|shame\w*|dishonou?r\w*)\b",
    r"radicali[sz]ation|extremism": r"\b(radical\w*|extrem\w*|isis|terror\w*|far[- ]right)\b",
    r"grooming": r"\b(groom\w*)\b",
    r"trafficking": r"\b(traffick\w*)\b",
    r"county lines": r"\b(county lines|running|line|deal\w*)\b",
}
_NO_CONCERN_ABOUT_TOPIC = [
    (
        re.compile(rf"^(?i:no|nil) (?i:{_JUDGED} ){{0,3}}(?i:concerns?) (?i:about|re|regarding|around) (?i:{t})\W*$"),
        re.compile(words),
    )
    for t, words in _TOPIC_CLEARED.items()
]


def reported_and_ruled_out(sentence: str, text: str) -> bool:
    """Whether the sentence reports what others said (a rumour, an anonymous report) and the note
    records, in its own words, that it was looked into and is unfounded (or, for a topic named in
    "No concerns about forced marriage", that this report is of that topic)."""
    s = sentence.lower()
    if not _HEARSAY.search(s):
        return False
    if _note_rules_out_a_report(text):
        return True
    sentences = [x.strip() for x in split_sentences(text)]
    return any(said.search(s) for cleared, said in _NO_CONCERN_ABOUT_TOPIC if any(cleared.search(x) for x in sentences))


@lru_cache(maxsize=256)
def _note_rules_out_a_report(text: str) -> bool:
    return any(_UNFOUNDED.search(x.lower()) or _NO_CONCERN_ABOUT.search(x) for x in split_sentences(text))


# The writer's own verdict on the whole note, as a sentence of its own: "No concerns for Jayden.",
# "No safeguarding concerns about the injury.", "No forced marriage or honour concern.", "Nothing to
# follow up.", "DSL agreed no Prevent referral needed.", "Logged for info only." (not "No concerns
# about attendance", which judges one thing only). Of the 2,581 labelled cases, 212 have one, none at
# level 4 (178 at level 1).
_VERDICT = re.compile(
    # only words that name what was judged ("No safeguarding concerns", "No forced marriage or honour
    # concern"): never "No previous concerns" (history), "No other concerns" (beside one just named)
    rf"^(there (is|are|were|was) )?(no|nil) ({_JUDGED} ){{0,5}}(concerns?|worries|issues)"
    r"( (for|about|re|regarding|around|over) (?!(?i:mum|dad|mother|father|nan|gran|grandma|grandad|baby|sister|"
    r"brother|parents?|carers?)\b)(?-i:[A-Z][a-z]+)( or (her|his|their) \w+)?"
    r"| on that front| (for|about|re|regarding|around|at) (him|her|them|this|that|there|home|home life|the (injury|child|children|"
    r"family|boy|girl|incident|bruise|mark|cut)))?"
    r"( there)?( (raised|noted|identified|seen|found))?( (at|for) (this|the) (time|stage|moment|point))?"
    r"(\s*[,;:\u2013\u2014-]\s*(just|only|no|nothing|recording|recorded|logged|logging|for info|told|reassured|"
    r"explained|thanked|praised)\b(?![^.;]*\b(refer\w*|mash|social care|csc|police|strategy|s ?47|section 47|"
    r"fm unit|forced marriage unit|999|lado|children.s services)\b)[^.;]*)?\W*$"
    r"|^nothing (further |else )?to (follow up|action|report|do)\W*$"
    # "Nothing worrying.", "Nothing of concern." (a sentence of its own: not "nothing worrying at school")
    r"|^nothing (else |further )?(worrying|concerning|of concern|to worry about)\W*$"
    # "Nothing suggests he's involved or frightened for himself.", "Logged, no further action."
    r"|^nothing (else |further )?(suggests|to suggest|indicates|to indicate) (that )?(he|she|they|(?-i:[A-Z][a-z]+))"
    r"(.s| is| are| has| was)? ?(\w+ ){0,2}(at risk|involved|in danger|harmed|being (harmed|hurt|abused|exploited|groomed))\b"
    r"|^((logged|recorded|noted)( [\w ]{0,30})?,? )?(no further action|nfa)\b"
    r"|^([\w:,]+ ){0,4}(agreed |decided |confirmed )?no (\w+ )?(referral|action|follow[- ]up)s? (is |was )?"
    r"(needed|required|necessary|indicated)\W*$"
    r"|^(logged|recorded|noted)( (it|this))? for (info|information)( only)?\W*$",
    re.IGNORECASE,
)


@lru_cache(maxsize=256)
def note_all_clear(text: str) -> bool:
    """Whether the writer gives the note its own all-clear in a sentence of its own (_VERDICT)."""
    return any(_VERDICT.search(x.strip()) for x in whole_sentences(text))  # whole sentences: not "…, but"


# "IT flagged that Josh searched 'county lines drug runner'": searches, in a note whose coursework,
# project or EPQ they are for (_TAUGHT)
_SEARCHED = re.compile(r"\b(searched|searches|searching|googled|looked up)\b")


def not_about_this_child(sentence: str, text: str | None = None) -> str | None:
    """Why the sentence does not say a concern is happening to this child ('a topic', 'a question',
    'someone else'), or None when it may be. See _TOPIC, _ABOUT_THIS_CHILD, _SOMEONE_ELSE. With the
    whole note (`text`), a sentence of a note that records a topic and says nothing has happened
    (`taught_not_happening`) is that topic too, unless it says it is about this child."""
    s = sentence.lower()
    if text is not None and reported_and_ruled_out(s, text):
        return "a report the note looked into and found unfounded"
    if text is not None and note_all_clear(text) and not _DISCLOSED.search(s):
        return "a concern the note itself rules out"
    if _ABOUT_THIS_CHILD.search(s):
        return None
    if _TOPIC.search(s):
        return "a topic taught, researched or asked about"
    if text is not None and _SEARCHED.search(s) and _TAUGHT.search(text.lower()):
        return "searches for a piece of work"
    if _SOMEONE_ELSE.search(s):
        return "said of someone else"
    if text is not None and taught_not_happening(text):
        return "a topic the note says is not happening to the child"
    return None


# A treatment stopped "about two months ago" is the parent's state now; one stopped "in 2019", "years
# ago", or followed by "well since" / "back on her depot" is history.
_STOPPED_TREATMENT = re.compile(
    r"\b(stopped|stopping|come off|came off|refus\w*) (taking )?(her|his|their) (depot|medication|meds|lithium|"
    r"antipsychotics?|injections?)\b"
)
_LONG_AGO_OR_WELL = re.compile(
    r"\b(years ago|(in|since|last) (19|20)\d\d|(two|three|four|five|several|\d+) years|well (ever )?since|"
    r"(is|has been|now) (well|stable)|stable (now|since)|back on|recovered)\b"
)


def historical(sentence: str) -> bool:
    """Whether the sentence places what it says in the past ('years ago', 'in 2019', 'previously')."""
    s = sentence.lower()
    if not _HISTORICAL.search(s) or _NOW.search(s):
        return False
    return not (_STOPPED_TREATMENT.search(s) and not _LONG_AGO_OR_WELL.search(s))
