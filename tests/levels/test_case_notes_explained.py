"""Case notes read as a designated safeguarding lead would, second round (issue 18): what a note
explains, negates, attributes to someone else or records as the professional's own process is not a
level-4 concern about this child, and immediate danger is current. Every case here is our own,
written from the kinds of failure, each tested both ways; none is a labelled or blind case."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from kb.levels.assess import assess_scenario  # noqa: E402
from kb.levels.note_context import not_about_this_child, taught_not_happening  # noqa: E402
from kb.levels.text import negated  # noqa: E402

CP = "cambs-peterborough-2018"


def rules_only(text: str):
    return assess_scenario(text, framework_id=CP, use_embeddings=False)


# (what a DSL would not call level 4, what they would): the same words both ways
BOTH_WAYS = [
    pytest.param(
        "Kai, 14, has older friends. Exploitation screening done with the DSL: low risk. Plan: mentoring.",
        "Kai, 14, keeps going missing and comes back with cash; he owes money to older lads.",
        id="a screening that found it below the threshold",
    ),
    pytest.param(
        "Kai, 14, was in a fight and excluded for a day. We are watching closely for signs of exploitation.",
        "Kai, 14, is being criminally exploited by older lads who make him carry drugs.",
        id="watching for signs of it",
    ),
    pytest.param(
        "Our Y9 group had the county lines training session today. Leon, 13, asked what a trap house is "
        "and whether you get arrested for carrying. No disclosures; education session only.",
        "Leon, 13, told me older boys make him hold a bag at a trap house after school.",
        id="a session, and the note says nothing has happened",
    ),
    pytest.param(
        "Maya, 17, is writing her EPQ on forced marriage and wants to interview a charity worker.",
        "Maya, 17, says her parents have arranged for her to marry her cousin abroad this summer.",
        id="an EPQ",
    ),
    pytest.param(
        "Baby Ada, 3 weeks. Mum had FGM as a child in Sudan and is known to the FGM clinic; both parents "
        "say they will never allow it.",
        "Ada, 9: her grandmother has a ceremony planned for her this summer to make her a woman, like FGM "
        "was done to her sisters.",
        id="the mother's own FGM",
    ),
    pytest.param(
        "Nia, 6. Mum is 30 weeks pregnant and tired; Nia is excited about the baby.",
        "Nia, 11, is pregnant.",
        id="mum's pregnancy, not the child's",
    ),
    pytest.param(
        "Ben, 16, had one police warning for possession of cannabis and sees the drugs worker.",
        "Ben's stepmum says Ben, 9, is possessed by an evil spirit and the pastor must beat it out.",
        id="possession of cannabis is not spirit possession",
    ),
    pytest.param(
        "PCSO attended an abandoned 999 call: Zara, 4, had been playing with an old phone. Mum present.",
        "Zara, 4, was abandoned by her parents, who have left the area.",
        id="an abandoned call",
    ),
    pytest.param(
        "Kieran, 15, argues with his parents about his girlfriend but is not at risk of being thrown out.",
        "Kieran, 15, was thrown out by his dad last night and slept on a mate's sofa.",
        id="not at risk of",
    ),
    pytest.param(
        "Reports of 'a knife' in Leo's (8) lunchbox: it is a plastic butter knife for his crackers. "
        "Not a weapon.",
        "Leo, 8, had a kitchen knife in his lunchbox and says he brought it to hurt a boy who bullies him.",
        id="a butter knife",
    ),
    pytest.param(
        "Lottie, 7, watched a film with a ghost in it at a sleepover and is now scared of the dark; mum "
        "asked for sleep advice.",
        "Lottie, 7, says her uncle tells her she has a demon in her and she is scared of him.",
        id="a film",
    ),
    pytest.param(
        "GP: Sam (34) says her partner checks her phone and calls her useless; he has never been "
        "physical. DASH done: standard risk. Referred to DA outreach; the children Ella (8) and Finn (5) "
        "are doing well at school.",
        "GP: Sam (34) says her partner punched her last week in front of the children, Ella (8) and "
        "Finn (5).",
        id="domestic abuse assessed as standard risk, never physical",
    ),
    pytest.param(
        "Ruby, 9 months, crawls and pulls to stand; she hit her head on the table on Sunday. Mum took her "
        "to the GP, who said the bruise is consistent with the account. No other marks.",
        "Ruby, 4 months, not yet rolling, has a bruise on her cheek; mum says she hit her head on the cot.",
        id="a mobile baby's confirmed accident, never a non-mobile baby's",
    ),
    pytest.param(
        "Newborn check: blue-grey marks over the sacrum are Mongolian blue spots, present at birth; "
        "they are not bruises.",
        "Baby Eli, 6 weeks, has blue marks on his upper arms; mum cannot say how they happened.",
        id="a birthmark the note says is not a bruise",
    ),
    pytest.param(
        "GP: Lily, 15, has cut her arms on and off since Christmas; CAMHS referral made. Denies suicidal "
        "intent or plan.",
        "GP: Lily, 15, has cut her arms since Christmas and says she has a plan to end her life.",
        id="a suicide risk question answered",
    ),
    pytest.param(
        "Grace, 4, said her church prays for people who are ill. Mum laughed: nobody is calling any child "
        "a witch there.",
        "Grace, 4, says her aunt calls her a witch and the pastor beats the spirit out of her.",
        id="nobody is calling her a witch",
    ),
]


@pytest.mark.parametrize(("explained", "concern"), BOTH_WAYS)
def test_what_the_note_explains_is_not_level_4_and_the_real_thing_still_is(explained, concern):
    assert rules_only(explained).level != 4, explained
    assert rules_only(concern).level == 4, concern


def test_a_torn_frenulum_in_a_baby_is_level_4_however_it_is_worded():
    note = "Noah, 10 weeks, not rolling yet: a torn upper lip frenulum. Mum says it was the bottle."
    assert rules_only(note).level == 4


def test_a_screening_that_found_a_high_risk_still_counts():
    assert not_about_this_child("CSE screening done: high risk, she goes to parties with older men") is None
    assert not_about_this_child("Exploitation screening done: medium-low risk.") is not None


def test_a_lesson_as_a_place_is_not_a_topic():
    assert not_about_this_child("His second phone was taken off him in a lesson") is None
    assert not_about_this_child("In a citizenship lesson he asked why people join gangs") is not None


def test_a_topic_the_note_says_is_not_happening_needs_both_the_topic_and_the_all_clear():
    session = "We ran the online safety session for Y7. Jay asked what grooming looks like."
    assert not taught_not_happening(session)
    assert taught_not_happening(session + " No disclosures.")
    assert not taught_not_happening("Jay, 12, says a man online asks for photos. No disclosures to mum.")


def test_a_leaflet_or_a_copy_for_information_does_not_make_a_concern_a_topic():
    note = (
        "Jack, 7, says dad hit him with a belt on Sunday. Gave mum a parenting leaflet. No concerns "
        "about his weight. Copied to the GP for information."
    )
    assert not taught_not_happening(note)
    assert rules_only(note).level == 4


def test_a_finding_that_rules_it_out_covers_its_clause_only():
    s = "Nothing to suggest older people are supplying her or anything like exploitation"
    assert negated(s, s.index("exploitation"))
    s = "Mum is clear nobody at home or at church thinks Ruby is possessed"
    assert negated(s, s.index("possessed"))
    s = "No one knows dad hits her"  # not a finding: what nobody knows may be happening
    assert not negated(s, s.index("hits"))
    s = "nothing suggests he's involved, good attendance, settled family"
    assert not negated(s, s.index("settled"))


IMMEDIATE = [
    # (note, immediate danger)
    ("Eczema flare: Mia, 6, scratched her legs till bleeding overnight; cream prescribed.", False),
    ("Mia, 6, came in bleeding from a cut lip; she says dad hit her this morning.", True),
    (
        "Sophie, 14, went missing on Saturday night; she said she sat in the park because she didn't want "
        "to go home and be shouted at. Home by 1am, return interview done.",
        False,
    ),
    ("At home time today Sophie, 14, said she didn't want to go home because dad hits her.", True),
    (
        "Dad collected today and explained they had a pillow fight at the weekend and Poppy, 3, kept "
        "shouting 'you hit me daddy'.",
        False,
    ),
    ("Poppy, 3, says daddy hit her today and she has a red mark on her face.", True),
]


@pytest.mark.parametrize(("note", "immediate"), IMMEDIATE)
def test_immediate_danger_is_a_current_threat_not_an_explained_or_past_one(note, immediate):
    assert rules_only(note).immediate_danger is immediate, note
