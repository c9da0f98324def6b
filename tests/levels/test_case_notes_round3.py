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
from kb.levels.text import not_about_this_child  # noqa: E402

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
