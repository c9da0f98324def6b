"""What a question is about, read from its words alone: the area it names, whether it describes
a child or a situation (only then does a level of need mean anything), and whether it asks what
to do. Small word lists, no model: a question is a line long.
"""

from __future__ import annotations

import re

# Places and services a practitioner names for an area (the areas of kb.model.AREAS).
AREA_PLACES: dict[str, tuple[str, ...]] = {
    "bromley": tuple(
        "bromley|orpington|beckenham|penge|chislehurst|west wickham|biggin hill|hayes|petts wood|"
        "crystal palace|mottingham|anerley|bscb".split("|")
    ),
    "cambridgeshire-peterborough": tuple(
        "cambridgeshire|peterborough|cambridge|huntingdon|huntingdonshire|ely|wisbech|fenland|"
        "st neots|st ives|march|whittlesey|chatteris|cpscp|cambs".split("|")
    ),
}
# "march" is a month as often as a town: counted only after "in"/"at"/"from"/"near" and not before a number.
_AMBIGUOUS = {"march", "hayes", "ely"}

_PERSON = re.compile(
    r"\b(child|children|kid|kids|pupils?|students?|girls?|boys?|bab(y|ies)|infants?|toddlers?|"
    r"teen(ager)?s?|young (person|people)|youngsters?|sons?|daughters?|son's|daughter's|"
    r"mum|mother|dad|father|parents?|step-?\w+|carers?|famil(y|ies)|siblings?|brother|sister|"
    r"foster\w*|she|he|her|him|his|they'?re|\d+[- ]?(year|yr)s?[- ]?old|year \d+|y\d+|"
    r"victims?|neighbours?|class|nephew|niece|grand\w+|client|patient|someone|somebody|"
    r"friend|colleague|teacher|staff member|member of staff|volunteer|adult)\b",
    re.IGNORECASE,
)
_SITUATION = re.compile(
    r"\b(says?|said|told|tells|disclos\w*|alleg\w*|hit|hits|hurt\w*|bruis\w*|burn\w*|injur\w*|"
    r"abus\w*|neglect\w*|hungry|dirty|smell\w*|missing|runs? away|ran away|self[- ]harm\w*|"
    r"cutting|taken abroad|married|pregnan\w*|drunk|drugs?|violen\w*|scared|afraid|frighten\w*|"
    r"worried|worry|concern\w*|suspect\w*|noticed?|seen|saw|found|came in|turned up|"
    r"left alone|home alone|lives?|living|staying|sleeping|absent|attendance|late|exploit\w*|"
    r"groom\w*|radicali\w*|threat\w*|assault\w*|touch\w*|possessed|risk)\b",
    re.IGNORECASE,
)
# A question about a number, a word or the law, not about a child.
_NOT_A_CASE = re.compile(
    r"^\s*(what|which|who|where|how)\b[^?]*\b(number|phone|ring|call|contact details?|email|"
    r"address|website|mean|means|meaning|stand for|stands for|definition|define|law|act|"
    r"legislation|statutory|guidance says?|section \d+)\b"
    r"|^\s*(what|who) (is|are) (a|an|the)?\s*[\w' -]{1,40}\??\s*$"
    r"|^\s*(define|definition of|meaning of)\b",
    re.IGNORECASE,
)
_ACTION = re.compile(
    r"\bwhat (do|should|must|can) (i|we|you|staff|schools?) do\b|\bwhat (to do|action|steps)\b|"
    r"\bnext steps?\b|\bhow (do|should|can) (i|we) (respond|react|help|act|proceed|handle|deal)\b|"
    r"\b(should|must|do) (i|we) (report|refer|tell)\b",
    re.IGNORECASE,
)
# Sections that give the procedure's own action steps for a topic.
ACTION_HEADING = re.compile(
    r"\baction to be taken\b|\bprotection and action\b|\bwhat to do\b|\bactions? required\b",
    re.IGNORECASE,
)


def areas_named(question: str) -> set[str]:
    """The areas whose places or services the question names (empty when none or unknown)."""
    lowered = " " + re.sub(r"[^a-z0-9' ]+", " ", question.lower()) + " "
    found = set()
    for area, places in AREA_PLACES.items():
        for place in places:
            if place in _AMBIGUOUS:
                if re.search(rf"\b(in|at|from|near) {place}\b(?! \d)", lowered):
                    found.add(area)
            elif f" {place} " in lowered:
                found.add(area)
    return found


def describes_a_situation(question: str) -> bool:
    """True when the question is about a child or something happening (a level can apply);
    False for who to call, what a term means or what the law says."""
    if not question.strip():
        return False
    person = bool(_PERSON.search(question))
    if _NOT_A_CASE.search(question) and not (person and _SITUATION.search(question)):
        return False
    return person or bool(_SITUATION.search(question))


def asks_what_to_do(question: str) -> bool:
    """True for a "what do I do / what should we do / next steps" question."""
    return bool(_ACTION.search(question))
