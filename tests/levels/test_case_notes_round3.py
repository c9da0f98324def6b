"""Case notes read as a designated safeguarding lead would, third round (issue 18): immediate danger
needs a current, specific threat to this child, never a friend's news, a question, a figure of
speech, an allegation the note looked into and ruled out, or first aid for a witnessed accident.
Every case here is our own, written from the kinds of failure, each tested both ways; none is a
labelled or blind case."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from kb.levels.assess import assess_scenario  # noqa: E402
from kb.levels.note_context import not_about_this_child  # noqa: E402

CP = "cambs-peterborough-2018"


def rules_only(text: str):
    return assess_scenario(text, framework_id=CP, use_embeddings=False)


IMMEDIATE = [
    # (not immediate danger, immediate danger): the same words both ways
    pytest.param(
        "Priya, 15, came to me after tutor time. Her friend from church told her she is flying to Pakistan "
        "next week to get married and is scared. Priya is worried for her friend; we passed it to the DSL.",
        "Priya, 15, came to me after tutor time. She told me she is flying to Pakistan next week to get "
        "married and is scared.",
        id="a friend's news told to this child, not this child's trip",
    ),
    pytest.param(
        "Classmates said Noor (14) is being taken to Somalia to get married. I spoke to Noor and dad: a "
        "family wedding of an uncle, return tickets seen, back for term. No forced marriage concern.",
        "Classmates said Noor (14) is being taken to Somalia to get married. Noor cried and said her "
        "passport has been taken and she is frightened.",
        id="an allegation the note looked into and ruled out",
    ),
    pytest.param(
        "In the knife crime talk Reece (13) asked lots of questions, like how long it takes to kill you if "
        "you're stabbed. He has no knife and nothing on him with the police.",
        "Reece (13) pulled a knife on a boy at the bus stop and said he would kill him.",
        id="a question in a talk, not a threat",
    ),
    pytest.param(
        "Jess, 15, has a boyfriend her age; she hasn't told her mum, 'she'd kill me' (laughing). Gave her "
        "sexual health information.",
        "Jess, 15, says her stepdad held a knife and said he'd kill her if she told anyone.",
        id="a figure of speech, not a threat to kill",
    ),
    pytest.param(
        "Leo, 4, tripped on the climbing frame at 11:00, seen by me and another key worker; small cut on "
        "his knee, bleeding stopped with a plaster. Mum signed the accident form.",
        "Leo, 4, arrived with his lip bleeding and would not say what happened.",
        id="first aid for a witnessed accident, not a child being hurt",
    ),
    pytest.param(
        "U12 rugby: Sam (11) clashed heads in a tackle, which I saw, and came off with a bleeding nose; "
        "first aider stopped it and dad took him home.",
        "Sam (11) came to training with a bleeding nose and said his dad punched him last night.",
        id="a sports collision the coach saw",
    ),
]


@pytest.mark.parametrize(("explained", "current"), IMMEDIATE)
def test_immediate_danger_is_a_current_specific_threat_to_this_child(explained, current):
    assert not rules_only(explained).immediate_danger, explained
    assert rules_only(current).immediate_danger, current


def test_an_allegation_ruled_out_is_not_level_4_but_a_but_keeps_it():
    ruled_out = (
        "Two girls said Mina (15) is being taken to Bangladesh to get married. Dad showed the return "
        "booking for a cousin's wedding. No forced marriage concern."
    )
    still = ruled_out.replace("No forced marriage concern.", "No forced marriage concern, but she is scared.")
    assert rules_only(ruled_out).level != 4
    assert rules_only(still).level == 4


def test_a_friend_telling_her_about_her_own_dad_may_be_about_this_child():
    assert not_about_this_child("Her friend told her she is going to Pakistan to get engaged") is not None
    assert not_about_this_child("Her friend told her that her dad hits her") is None


def test_bleeding_with_no_account_or_a_doubtful_one_is_still_immediate():
    assert rules_only("Kai, 6, was bleeding from the ear at drop-off; mum said he fell.").immediate_danger


# Rules' level 4 on a note a DSL would call 1 or 2: (what the note explains, the real thing)
BOTH_WAYS = [
    pytest.param(
        "Rumour in the Y9 group chat that Jordan (13) is 'dealing for a gang'. Bag search with consent: "
        "nothing. Police have no intelligence, attendance 96%. Rumour unfounded.",
        "Rumour in the Y9 group chat that Jordan (13) is dealing for a gang. He has a second phone, "
        "£300 cash and goes missing at weekends.",
        id="a rumour the note looked into and found unfounded",
    ),
    pytest.param(
        "Anonymous call that Ella (14) is being sexually exploited by older men. Checked with police and "
        "school: nothing known; the call looks malicious after a falling-out.",
        "Ella (14) is being picked up by older men who give her vodka and money.",
        id="an anonymous report that looks malicious",
    ),
    pytest.param(
        "The item in Ryan's (11) bag was a plastic comb shaped like a flick-knife from a joke shop.",
        "Ryan (11) had a flick-knife in his bag and showed it at the bus stop.",
        id="a toy, not a weapon",
    ),
    pytest.param(
        "Ran the FGM / body-safety session with Y9. Lily (14) asked where FGM happens for her project. "
        "No concerns for Lily.",
        "Lily (14) told me her aunt has a cutting ceremony planned for her in the summer.",
        id="a session on the topic",
    ),
    pytest.param(
        "Ava (12). Family well known to school; mum is a parent governor and dad coaches the netball team.",
        "Ava (14) gave birth last month and is living with her boyfriend's family.",
        id="mum is a parent, not the child",
    ),
    pytest.param(
        "Leon (15): his dad was convicted of assaulting his mum in 2010; there has been no contact since. "
        "Leon is low after his nan died.",
        "Leon (15): mum's new partner, a convicted sex offender, has moved in with the family.",
        id="a convicted adult with no contact since",
    ),
    pytest.param(
        "Ben (10) was hit on the cheek by a cricket ball at nets; the coach saw it and filled in the form.",
        "Ben (10) says his dad hit him on the cheek with a belt.",
        id="hit by a ball, not a person",
    ),
    pytest.param(
        "Rosa (11 months) is cruising. I saw her bump her forehead on the table edge; small red mark, mum "
        "comforted her straight away.",
        "Rosa (4 months) has a small red mark on her forehead that mum cannot explain.",
        id="a cruising baby's bump the HV saw",
    ),
    pytest.param(
        "Kids at youth club called Tom (12) 'possessed' after he did a demon voice watching a horror film "
        "at a sleepover. Nobody has suggested anything about spirits, curses or deliverance.",
        "Tom (12) says his pastor told his mum he is possessed and they beat him to get the spirit out.",
        id="a joke among children, not faith-based abuse",
    ),
]


@pytest.mark.parametrize(("explained", "concern"), BOTH_WAYS)
def test_what_the_note_explains_is_not_level_4_and_the_real_thing_still_is(explained, concern):
    assert rules_only(explained).level != 4, explained
    assert rules_only(concern).level == 4, concern


def test_a_rumour_with_no_finding_is_still_read():
    note = "Rumour that Jordan (13) is dealing for a gang and carrying a knife. No concerns about attendance."
    assert rules_only(note).level == 4
