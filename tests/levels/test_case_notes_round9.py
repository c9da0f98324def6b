"""Case notes read as a designated safeguarding lead would, ninth round (issue 18): a parent's
treatment stopped is now, however long ago it was stopped; delusions that the school or nursery is
"putting chemicals in his dinners"; "paranoid" as an illness, not as a worry; FGM as being "cleaned
like a big girl"; the writer's own "No concern - told her…" as an all-clear; "my reading book" is
not a book read about; a match won is not a beating. Our own cases, both ways."""

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


def test_paranoid_as_a_worry_is_not_a_delusion() -> None:
    assert (
        "parent-delusions"
        not in rules_only("Mum says she is paranoid that the school will judge her.").concerns
    )
    assert (
        "parent-delusions"
        in rules_only("Mum has paranoid delusions about the neighbours and Sam (4).").concerns
    )


def test_being_cleaned_like_a_big_girl_at_a_party_abroad_is_fgm_and_a_bath_is_not() -> None:
    said = (
        "Reception, Fri. Nasra (5) is going to see grandma abroad for the whole summer. She told me about "
        "her party 'when I get cleaned like a big girl, like my sister was'."
    )
    bath = (
        "Reception, Fri. Nasra (5) had paint all over her hands; she said she will get cleaned up before "
        "her party tonight and showed me her new dress."
    )
    assert "fgm" in rules_only(said).concerns
    assert "fgm" not in rules_only(bath).concerns


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


@pytest.mark.parametrize(
    "match",
    ["Our team beat them with a big lead in the final on Saturday.", "We beat them 3-1 at football."],
)
def test_a_match_won_is_not_a_beating_and_a_beating_is(match: str) -> None:
    assert "physical-abuse" not in rules_only(match).concerns
    assert "physical-abuse" in rules_only("Sam (9) said dad beat him with a belt last night.").concerns


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
