"""Case notes read as a designated safeguarding lead would, ninth round (issue 18): a parent's
treatment stopped months ago is now (not one stopped years ago, or followed by recovery); delusions
that the school or nursery is "putting chemicals in his dinners" (not a complaint about a lunch box); FGM as being "cleaned like a
big girl" (not washed after an accident, or at the dentist); the writer's own "No concern - told
her…" as an all-clear (not when it records a referral); "No concerns about forced marriage" rules
out only a report of forced marriage; "my reading book" is not a book read about. Our own cases,
both ways (several from a review of this round)."""

from __future__ import annotations

import pytest

from kb.levels.note_context import not_about_this_child
from tests.levels.notes import BROMLEY
from tests.levels.notes import rules_only as _rules_only


def rules_only(text: str):
    return _rules_only(text, BROMLEY)


@pytest.mark.parametrize(
    ("happening", "not_happening"),
    [
        pytest.param(
            "GP. Ms R (41), known paranoid schizophrenia, stopped her depot about three months ago. "
            "Lives alone with Ali (7).",
            "GP. Ms R (41), a paranoid schizophrenia diagnosis years ago, well since on her depot. "
            "Lives with Ali (7), who is doing well.",
            id="a treatment stopped months ago is now",
        ),
        pytest.param(
            "Nursery. Dad says the nursery are 'putting chemicals in her dinners', so he keeps Lily (3) "
            "home and she eats only sealed packets.",
            "Nursery. Dad asked whether the nursery puts any additives in the dinners, and was shown the "
            "menu; Lily (3) eats well.",
            id="putting chemicals in the dinners",
        ),
    ],
)
def test_a_parents_illness_and_delusions_now_are_level_4(happening: str, not_happening: str) -> None:
    assert "parent-delusions" in rules_only(happening).concerns
    assert "parent-delusions" not in rules_only(not_happening).concerns


@pytest.mark.parametrize(
    "not_now",
    [
        "Mum stopped her medication in 2019 and had a psychotic episode; she has been well on her depot since.",
        "In 2018 dad came off his meds and had a psychotic episode; he has been well since and takes his lithium.",
    ],
)
def test_a_treatment_stopped_long_ago_or_followed_by_recovery_is_history(not_now: str) -> None:
    assert rules_only(not_now + " Ali (7) is doing well.").level < 4


@pytest.mark.parametrize(
    "ordinary",
    [
        "Y3. Dad complained that the school put stuff in her lunch box that she is allergic to.",
        "Mum said the school puts chemicals in the water fountains to clean them.",
    ],
)
def test_an_ordinary_complaint_about_school_food_or_water_is_not_a_delusion(ordinary: str) -> None:
    assert "parent-delusions" not in rules_only(ordinary).concerns


@pytest.mark.parametrize(
    "ordinary",
    [
        "Reception, Fri. Nasra (5) had paint all over her hands; she said she will get cleaned up before her party.",
        "Nursery. Lily (3) had a toileting accident and was cleaned and changed by staff before the Christmas party.",
        "Y2. Amira (6) said her teeth were cleaned at the dentist and she got a sticker like her big sister.",
        "The hall was cleaned after the party and the children went home.",
    ],
)
def test_being_cleaned_like_a_big_girl_abroad_is_fgm_and_being_washed_or_a_dentist_is_not(
    ordinary: str,
) -> None:
    said = (
        "Reception, Fri. Nasra (5) is going to see grandma abroad for the whole summer. She told me about "
        "her party 'when I get cleaned like a big girl, like my sister was'."
    )
    assert "fgm" in rules_only(said).concerns
    assert "fgm" not in rules_only(ordinary).concerns


def test_the_writers_no_concern_then_what_they_told_the_child_is_an_all_clear() -> None:
    heard = (
        "Y6. TA heard Grace (11) tell friends 'my mum's taking me to Ghana to get married!' She laughed "
        "and said she is a bridesmaid at her cousin's wedding; mum showed us the invitation, the bride "
        "is 26."
    )
    assert rules_only(heard + " No concern - told Grace her friends got worried!").level < 4
    told = "Y6. Grace (11) told me she is being taken to Ghana to marry a man of 40 next week and is scared."
    assert rules_only(told).level == 4


def test_a_disclosure_that_mentions_a_reading_book_is_about_this_child_and_a_book_read_is_a_topic() -> None:
    said = 'I asked and he said "dad did it with the charger wire because I lied about my reading book".'
    assert not_about_this_child(said) is None
    assert not_about_this_child("In English he is reading a book about a boy who is beaten at home.")


def test_friends_who_came_to_say_she_is_being_married_abroad_then_no_concerns_about_it_is_not_999() -> None:
    said = (
        "DSL, Tues. Two Y10 girls came to say their friend Amira (15) is being taken to Pakistan to get "
        "married at Easter."
    )
    ruled_out = (
        " Spoke with Amira alone: she laughed, it is her sister's (25) wedding and she is a bridesmaid; "
        "mum showed us the return tickets. No concerns about forced marriage."
    )
    heard = rules_only(said + ruled_out)
    assert heard.level < 4 and not heard.immediate_danger
    told = rules_only(said + " Spoke with Amira alone: she cried and said dad has her passport.")
    assert told.level == 4 and told.immediate_danger


@pytest.mark.parametrize(
    "cleared",
    ["No concerns about FGM.", "No concerns about radicalisation."],
)
def test_an_all_clear_on_another_topic_does_not_rule_out_a_report_of_forced_marriage(cleared: str) -> None:
    said = "DSL. Two Y10 girls came to say their friend Amira (15) is being taken to Pakistan next week to marry a man of 40."
    answer = rules_only(said + " Mum not reachable. " + cleared)
    assert answer.level == 4 and answer.immediate_danger


def test_her_friends_tell_me_is_not_a_rumour_the_note_ruled_out() -> None:
    said = "Her friends tell me Amira (15) is being taken to Pakistan next week to marry a man of 40."
    assert rules_only(said + " Nothing of concern found in her bag.").level == 4


@pytest.mark.parametrize(
    "verdict",
    [
        "No concerns - told Sam he did the right thing telling us and referred to MASH.",
        "No concerns raised - reassured him and rang MASH.",
    ],
)
def test_a_no_concerns_line_that_records_a_referral_is_not_an_all_clear(verdict: str) -> None:
    said = "Sam (7) said stepdad hits him with a belt when mum is at work. "
    assert rules_only(said + verdict).level == 4
