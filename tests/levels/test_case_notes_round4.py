"""Case notes read as a designated safeguarding lead would, fourth round (issue 18): the writer's own
verdict on the note ("No concerns for Jayden.", "Nothing to follow up.") rules out the alarming words
it looked into; a sentence is not cut at "incl." and is cut after a closing quotation mark; "nobody
has hurt or touched her" is negated whole; a witnessed or confirmed accident explains a black eye and
a toddler's scald; hitting staff is not domestic abuse. Every case is our own, each tested both ways;
none is a labelled or blind case."""

from __future__ import annotations

import pytest

from kb.levels.note_context import note_all_clear
from kb.levels.text import negated, split_sentences
from tests.levels.notes import BROMLEY, rules_only


@pytest.mark.parametrize(
    "sentence, verdict",
    [
        ("No concerns for Jayden.", True),
        ("No safeguarding concerns about the injury.", True),
        ("No forced marriage or honour concern.", True),
        ("Nothing to follow up.", True),
        ("DSL agreed no Prevent referral needed.", True),
        ("Logged for info only.", True),
        ("Nothing suggests he's involved or frightened for himself.", True),
        ("Logged, no further action, continue normal observation.", True),
        ("No concern there.", True),
        ("Police attended, NFA.", False),  # an incident's outcome, not the writer's verdict
        ("No concerns about attendance.", False),  # one thing judged, not the note
        ("No concerns for Mum.", False),  # the parent, not the child
        ("No forced marriage concern, but she is scared.", False),  # a 'but' keeps it open
        ("No concerns raised by school previously.", False),
        # history, or beside a concern just named: never the writer's all-clear (heldout43-46 first sight)
        ("No previous concerns; first baby.", False),
        ("No other concerns.", False),
        ("No further concerns.", False),
        ("No known concerns.", False),
    ],
)
def test_the_writers_own_verdict(sentence: str, verdict: bool) -> None:
    assert note_all_clear("Spoke to Amira (14) today. " + sentence) is verdict


VERDICT_BOTH_WAYS = [
    # (the note's verdict rules it out, the same words with the concern happening to this child)
    pytest.param(
        "PSHE log, Yr 9. Lesson on forced marriage vs arranged marriage, incl. the Forced Marriage Unit "
        "video. Amina (14) asked whether her cousin's wedding next month counts as forced; her cousin is 24 "
        "and chose him. No concerns for Amina or her cousin.",
        "PSHE log, Yr 9. Amina (14) stayed behind and told me that her parents are arranging her marriage to "
        "a man in Pakistan and she does not want it; she is frightened to go home.",
        id="a lesson and a question, with the writer's all-clear",
    ),
    pytest.param(
        "Youth group, Fri. Tomasz (13) asked me whether people can be possessed by demons, like in the film "
        "his friends watched. Mum says it was rubbish. Nothing to follow up.",
        "Youth group, Fri. Tomasz (13) said the pastor at his uncle's church told his mum he is possessed by "
        "a demon and they held him down to pray it out of him; he has bruises on his arms.",
        id="a question about possession",
    ),
    pytest.param(
        "Police note. A Snapchat post said Jayden (15) was in a gang and had a shank at the bus stop. CCTV "
        "shows an older male who is not a pupil; Jayden was at football training, coach confirmed. "
        "No concerns for Jayden.",
        "Police note. Jayden (15) was found with a knife in his bag at the bus stop and says he is in a gang "
        "and has to do runs to Peterborough for older boys.",
        id="a post looked into and found to be someone else",
    ),
]


@pytest.mark.parametrize("ruled_out, happening", VERDICT_BOTH_WAYS)
def test_a_note_that_rules_out_its_topic_is_not_level_4(ruled_out: str, happening: str) -> None:
    assert rules_only(ruled_out).level != 4
    assert rules_only(happening).level == 4


def test_sentences_are_not_cut_at_abbreviations_and_are_cut_after_quotes() -> None:
    assert split_sentences("Lesson 3, incl. the FMU video. Dr. Patel saw him. A&E. Harry came.") == [
        "Lesson 3, incl. the FMU video.",
        "Dr. Patel saw him.",
        "A&E.",
        "Harry came.",
    ]
    assert split_sentences('He said: "Mum didn\'t do anything." No injuries.') == [
        'He said: "Mum didn\'t do anything."',
        "No injuries.",
    ]


def test_a_negated_list_covers_every_item() -> None:
    says = "Says nobody has hurt or touched her"
    assert negated(says, says.index("touched"))
    seen = "No cash, phones or signs of exploitation seen"
    assert negated(seen, seen.index("exploitation"))
    knows = "no one knows dad hits her"
    assert not negated(knows, knows.index("hits"))


EXPLAINED = [
    # (a single accident witnessed or confirmed, the same injury with doubt about it)
    pytest.param(
        "U12s match, Sun. Kai (11) clashed heads with their centre back going up for a header; I saw it and "
        "so did the ref. Cut above his eyebrow, ice pack, dad took him to the minor injuries unit. "
        "Expect a black eye tomorrow.",
        "Kai (11) came in with a black eye. He won't say what happened and looked scared when I asked.",
        id="a black eye from a witnessed clash of heads",
    ),
    pytest.param(
        "HV visit. Mason (14 months, walks) has a small healing scald on his hand: he grabbed her tea on Sunday; her "
        "mum saw it, ran it under cold water and took him to the minor injuries unit. Discharge letter seen.",
        "HV visit. Mason (14 months) has a scald on his hand. Mum says he grabbed her tea, then said he "
        "touched the kettle; she did not seek any treatment.",
        id="a walking toddler's scald seen by his gran",
    ),
]


@pytest.mark.parametrize("explained, doubtful", EXPLAINED)
def test_a_witnessed_accident_is_not_level_4(explained: str, doubtful: str) -> None:
    calm = rules_only(explained, BROMLEY)
    assert calm.level != 4 and not calm.immediate_danger
    assert rules_only(doubtful, BROMLEY).level == 4


def test_hitting_staff_is_not_domestic_abuse() -> None:
    meltdowns = (
        "SENCO. Noah (8), autism: up to 5 meltdowns a day, two exclusions for hitting staff, sleeping 3-4 hrs "
        "a night per mum. Plan: CAF with the family, CAMHS, short breaks."
    )
    assert "domestic-abuse-serious" not in rules_only(meltdowns).concerns
    assert "domestic-abuse-serious" in rules_only("Noah (8) said dad keeps hitting mum when he is drunk.").concerns


WORDS_BOTH_WAYS = [
    # (not this child's harm, the same words as harm to this child)
    pytest.param(
        "Childminder: Kofi (4) wears a bracelet his grandmother gave him to protect him from the evil eye. "
        "He is meeting his milestones and his parents are warm and attentive.",
        "Childminder: Kofi (4) said his grandmother says he has the evil eye and that is why she beats him "
        "and makes him sleep on the floor.",
        id="a charm against the evil eye",
    ),
    pytest.param(
        "HV new birth visit. Mum told me she had FGM as a child; she and her husband are against FGM and "
        "their daughter Ayan (4) will never be cut. No travel planned.",
        "HV new birth visit. Ayan (4): mum told me the family is planning a special ceremony in Somalia this "
        "summer so that Ayan can be cut like her sisters.",
        id="parents against FGM",
    ),
    pytest.param(
        "HV 8-week contact. Nadia's mood is low; her husband Karim is supportive and has arranged to work from "
        "home two days a week. Baby Yusuf, 8 weeks old, is feeding well.",
        "Sana (15) told me her family has arranged for her to marry a cousin in Pakistan; she does not want to.",
        id="a husband who arranged to work from home",
    ),
    pytest.param(
        "Class teacher. After reading about breast ironing in a safeguarding bulletin I checked on Esther "
        "(11); she changes for PE with everyone else and has no marks.",
        "Class teacher. Esther (11) told me her aunt presses hot stones on her chest every night to stop "
        "her breasts growing.",
        id="a worry prompted by a bulletin",
    ),
    pytest.param(
        "DSL file note, 14/03/2011. Reviewed Harvey's (9) file. Children's Social Care assessed, dad left and "
        "had a non-molestation order, and the case was closed in Feb 2010 with no further incidents. "
        "Harvey worries before tests.",
        "DSL note. Last night dad assaulted mum at home and Harvey (9) was hit trying to stop him.",
        id="a case closed in Feb 2010",
    ),
]


@pytest.mark.parametrize("not_harm, harm", WORDS_BOTH_WAYS)
def test_alarming_words_that_are_not_harm_to_this_child(not_harm: str, harm: str) -> None:
    assert rules_only(not_harm).level != 4
    assert rules_only(harm).level == 4


IMMEDIATE_BOTH_WAYS = [
    pytest.param(
        "Head of year: Leo (14) posted 'I'll kill you' to a mate in the class group chat after an argument "
        "about a football game. They made up the next day and both laughed about it.",
        "Head of year: Leo (14) posted 'I'll kill you' to a mate in the class group chat and a photo of a "
        "knife; the boy is frightened to come to school.",
        id="words between friends, laughed off",
    ),
    pytest.param(
        "School counsellor: Dan (14) has been cutting his thighs for four months and sees CAMHS fortnightly. "
        "He denies any plan to end his life.",
        "School counsellor: Dan (14) told me he plans to end his life tonight and has saved up tablets.",
        id="a denied plan",
    ),
    pytest.param(
        "Paediatrician. Lily (7) has cerebral palsy; mum carries her up the stairs and now has a back injury.",
        "Paediatrician. Lily (7) is bleeding now from a cut to her head; she says her stepdad pushed her.",
        id="a parent's back injury",
    ),
]


@pytest.mark.parametrize("calm, danger", IMMEDIATE_BOTH_WAYS)
def test_immediate_danger_both_ways(calm: str, danger: str) -> None:
    assert not rules_only(calm).immediate_danger
    assert rules_only(danger).immediate_danger


@pytest.mark.parametrize(
    "note",
    [
        "HV visit. Baby Archie, 4 months, not yet rolling. Three fingertip bruises on his upper arm; mum first said "
        "the cot bars, then said dad might have grabbed him. No previous concerns; first baby.",
        "Class teacher. Fatima (9) told me she is going to Somalia on Saturday and Grandma will do her special day "
        "so she is a proper woman, like her big sister had. No previous concerns; good attendance.",
        "DSL. Maya (13) disclosed that her stepdad comes into her room at night and touches her. No other concerns.",
    ],
)
def test_a_history_line_is_not_an_all_clear(note: str) -> None:
    assert rules_only(note, BROMLEY).level == 4


def test_a_special_day_to_become_a_proper_woman_abroad_is_immediate_and_a_holiday_is_not() -> None:
    fgm = rules_only(
        "Class teacher. Fatima (9) told me she is going to Somalia on Saturday and Grandma will do her special "
        "day so she is a proper woman, like her big sister had.",
        BROMLEY,
    )
    assert fgm.level == 4 and fgm.immediate_danger and "fgm" in fgm.concerns
    holiday = rules_only(
        "Class teacher. Fatima (9) is going to Somalia on Saturday for a family holiday; she is excited about a "
        "special day at the beach.",
        BROMLEY,
    )
    assert holiday.level != 4 and not holiday.immediate_danger
