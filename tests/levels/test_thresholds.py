"""Levels of need: frameworks as data, scenario -> level with evidence, passage levels, eval."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kb.config import Settings
from kb.levels.assess import MAX_SCENARIO_CHARS, assess_scenario
from kb.levels.evaluate import evaluate_scenarios, format_evaluation, score
from kb.levels.frameworks import Citation, framework_for_area, load_frameworks, load_topic_defaults
from kb.levels.rules import load_rules
from kb.levels.text import child_age
from kb.levels.thresholds import levels_for_passage, threshold_for_query
from kb.levels.verify import normalise, quote_is_at, verify_framework

SEEDS = Settings.from_env().seeds_dir
TRAINING = Path(__file__).parents[2] / "corpus" / "frameworks" / "training"
DEV_SCENARIOS = Path("/work/shared/eval/dev_scenarios.jsonl")
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="seed files not available")


def fast(text: str, **kw):
    """Rules only: no model load, for the many small behaviour tests."""
    return assess_scenario(text, use_embeddings=False, **kw)


# ---------------------------------------------------------------- frameworks as data


def test_the_three_seed_frameworks_load_with_their_areas():
    frameworks = load_frameworks()
    assert {"cambs-peterborough-2018", "bromley-2011", "bromley-2019"} <= set(frameworks)
    assert frameworks["cambs-peterborough-2018"].area == "cambridgeshire-peterborough"
    assert frameworks["bromley-2011"].area == "bromley"


def test_bromley_2011_is_flagged_superseded_by_the_windscreen_model():
    old = load_frameworks()["bromley-2011"]
    assert old.superseded and old.status == "superseded"
    assert old.superseded_by == "bromley-2019"
    answer = fast("A 14-year-old is in a gang", framework_id="bromley-2011").to_json()
    assert answer["superseded"] is True
    assert "superseded" in answer["caveat"]


def test_every_current_framework_has_canonical_levels_one_to_four():
    for fw in load_frameworks().values():
        if fw.status == "current":
            assert [lv.level for lv in fw.levels] == [1, 2, 3, 4], fw.id
            assert all(lv.label and lv.description for lv in fw.levels), fw.id


@needs_seeds
def test_every_quoted_text_and_contact_is_at_its_cited_seed_lines():
    problems = [p for fw in load_frameworks().values() for p in verify_framework(fw, SEEDS)]
    assert problems == []


@needs_seeds
def test_citation_check_fails_when_a_quote_is_moved_to_the_wrong_line():
    right = Citation("004_d18c81112fe649f6.txt", 4236, 4236)
    wrong = Citation("004_d18c81112fe649f6.txt", 4237, 4237)
    assert quote_is_at(SEEDS, "Child may have been abused or neglected", right)
    assert not quote_is_at(SEEDS, "Child may have been abused or neglected", wrong)


@needs_seeds
def test_topic_defaults_quote_the_procedures_verbatim():
    topics = load_topic_defaults()
    assert {"breast ironing", "forced marriage", "female genital mutilation", "gangs"} <= {
        t.topic for t in topics
    }
    for t in topics:
        assert quote_is_at(SEEDS, t.quote.text, t.quote.citation), t.topic


def test_every_concern_tagged_in_a_framework_has_a_rule():
    rule_ids = {r.id for r in load_rules().concerns}
    for fw in load_frameworks().values():
        for _, ind in fw.indicators:
            assert set(ind.concerns) <= rule_ids, (fw.id, ind.text, set(ind.concerns) - rule_ids)


def test_every_level_four_concern_has_an_indicator_or_procedure_quote_in_cambs():
    fw = load_frameworks()["cambs-peterborough-2018"]
    tagged = {c for _, ind in fw.indicators for c in ind.concerns}
    level4 = {r.id for r in load_rules().concerns if r.level == 4}
    assert level4 - tagged <= {"under18-sexual-risk", "under16-parent", "substance-harm"}


def test_emergency_route_puts_999_first_and_has_the_area_numbers():
    cambs = load_frameworks()["cambs-peterborough-2018"]
    assert cambs.emergency[0].detail == "999"
    details = " ".join(c.detail for c in cambs.emergency)
    assert "0345 045 5203" in details and "01733 864180" in details and "234724" in details
    bromley = framework_for_area("bromley")
    assert bromley.id == "bromley-2019"
    assert any("020 8464 4848" in c.detail for c in bromley.emergency)


def test_normalisation_follows_the_eval_readme():
    assert normalise("  \u00b7 Child\u2019s \u2013 NEEDS\n met ") == "child's - needs met"


# ---------------------------------------------------------------- scenario -> level


def test_breast_ironing_before_a_flight_abroad_is_level_4_and_immediate_danger():
    answer = fast(
        "A 12-year-old girl tells the school nurse that her aunt presses her breasts with a hot "
        "stone, and the family fly to Cameroon tomorrow.",
        area="cambridgeshire-peterborough",
    ).to_json()
    assert answer["level"] == 4
    assert answer["immediate_danger"] is True
    assert answer["contacts"][0]["detail"] == "999"
    assert any("abused or neglected" in e["text"] for e in answer["evidence"])
    assert all(e["citation"] for e in answer["evidence"])


@pytest.mark.parametrize(
    "text",
    [
        "A 16 year old has been saving up her mum's tablets and has written letters to her family; "
        "she says she has a plan for this weekend.",
        "Year 9 boy told his friend at lunch that he has taken a load of paracetamol this morning.",
        "She says she wants to end her life and has a plan for tonight.",
        "A 16 year old told a friend she is going to jump off the bridge tonight.",
        "A 14 year old says he will hang himself tonight.",
        "He has taken 20 paracetamol and is feeling sick.",
    ],
)
def test_an_overdose_or_a_suicide_plan_for_now_is_immediate_danger(text: str) -> None:
    answer = fast(text, framework_id="cambs-peterborough-2018").to_json()
    assert answer["level"] == 4 and answer["immediate_danger"] is True
    assert answer["contacts"][0]["detail"] == "999"


@pytest.mark.parametrize(
    "text",
    [
        "Mum takes tablets for her blood pressure; the family are planning a holiday next week.",
        "A 15 year old is planning a party at home this weekend and her parents will be there.",
        "He talked about suicide in a PSHE lesson last year; he is doing well now.",
        "A 9 year old with ADHD took his tablets at breakfast as usual; school say he is settled.",
        "A 14 year old with epilepsy takes tablets; her parents are planning a holiday this weekend.",
        "A 15 year old had suicidal thoughts last year and was seen by CAMHS; her safety plan was "
        "reviewed today and she is doing well.",
        "A 12 year old has taken paracetamol for a headache at school today.",
        "A 15 year old says she took no tablets and has no plan to harm herself.",
        "Mum says the 13 year old has taken his inhaler and his tablets as prescribed.",
    ],
)
def test_tablets_plans_or_a_past_mention_of_suicide_alone_are_not_immediate_danger(text: str) -> None:
    assert fast(text, framework_id="cambs-peterborough-2018").immediate_danger is False


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Dad gave him a black eye last night.", 4),
        ("A 3 year old came to nursery with a black eye.", 4),
        ("She keeps going missing days at a time and comes back with new phones.", 4),
        ("He got a black eye playing football at the weekend; mum and the coach saw it happen.", 1),
        ("She keeps missing days of school because of asthma.", 1),
    ],
)
def test_a_black_eye_or_going_missing_for_days_is_level_4_unless_clearly_something_else(
    text: str, level: int
) -> None:
    assert fast(text, framework_id="cambs-peterborough-2018").level == level


@pytest.mark.parametrize(
    ("text", "is_level_4"),
    [
        ("Dad is in prison for assault and the children visit him monthly.", False),
        ("An 8 year old says she is not allowed to tell mum about the surprise party.", False),
        ("First she said she fell asleep on the bus, then she said she missed her stop.", False),
        ("A 13 year old's boyfriend is 18 months older than him.", False),
        ("Her stepdad was sentenced for assaulting a child in 2015 and has moved in.", True),
        ("She says she is not allowed to tell mum what uncle does.", True),
        ("First he said he fell off his bike, then he said his brother pushed him into the radiator.", True),
        # plainly told signs of exploitation and abuse of a young child (extra1 / extra2 first sight)
        ("An 11 year old girl asked the school nurse about the morning after pill.", True),
        ("A 12 year old says she had sex with a boy in Year 9 at the weekend.", True),
        ("Police found a 15 year old 50 miles from home with two cheap phones and about £300 cash.", True),
        ("A 10 year old met someone on a game who sends her gift cards, told her to keep it secret.", True),
        ("A man she chats to online asked her for photos of herself in her pyjamas.", True),
        ("A 16 year old asked the GP about the morning after pill; her boyfriend is 16 too.", False),
        ("He lost his phone on the bus and mum bought him a cheap one for £30.", False),
    ],
)
def test_level_4_rules_read_who_was_harmed_and_what_the_secret_is(text: str, is_level_4: bool) -> None:
    assert (fast(text, framework_id="cambs-peterborough-2018").level == 4) is is_level_4


def test_level_4_without_immediate_danger_lists_the_mash_not_999_first():
    answer = fast(
        "A mum says her new partner has to sign in with the police because of an old conviction "
        "involving children.",
        framework_id="cambs-peterborough-2018",
    ).to_json()
    assert answer["level"] == 4 and answer["immediate_danger"] is False
    assert answer["contacts"][0]["detail"] != "999"
    assert "risk to children" in answer["evidence"][0]["text"]


def test_a_child_with_needs_met_stays_at_level_1():
    answer = fast(
        "A 15-year-old asks for help finding work experience. She has good attendance, plays in "
        "a netball team and lives with supportive parents.",
        area="bromley",
    ).to_json()
    assert answer["level"] == 1
    assert answer["immediate_danger"] is False


def test_a_new_baby_sibling_is_not_escalated():
    answer = fast("Mum has just had a new baby and her 5-year-old is a bit clingy at drop-off.")
    assert answer.level in (1, 2)


def test_negated_concerns_do_not_fire():
    answer = fast("There are no bruises or marks, and no concerns about neglect; he is happy.")
    assert answer.level != 4


def test_no_matching_indicator_says_so_with_low_confidence():
    answer = assess_scenario("The weather in the car park was grey on Tuesday.").to_json()
    assert answer["level"] is None
    assert answer["confidence"] == "low"
    assert "no indicator" in answer["caveat"].lower()
    assert "this level" not in answer["caveat"].lower()  # there is none
    assert "professional judgement" in answer["caveat"]
    assert answer["evidence"] == []


def test_the_caveat_is_always_there():
    answer = fast("A 9-year-old is doing well at school and has lots of friends.").to_json()
    assert "professional judgement" in answer["caveat"]
    assert "designated safeguarding lead" in answer["caveat"]


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_scenario_is_a_clear_error(text):
    with pytest.raises(ValueError, match="empty"):
        fast(text)


def test_a_one_megabyte_scenario_is_truncated_not_a_crash():
    text = ("A 7-year-old is doing well at school and has friends. " * 20_000)[:1_000_000]
    answer = fast(text).to_json()
    assert answer["truncated"] is True
    assert str(MAX_SCENARIO_CHARS) in answer["caveat"]
    assert answer["level"] == 1


def test_unknown_area_and_framework_are_clear_errors():
    with pytest.raises(ValueError, match="area"):
        fast("A child is hurt", area="atlantis")
    with pytest.raises(ValueError, match="framework"):
        fast("A child is hurt", framework_id="nope-2020")


def test_area_names_are_accepted_in_several_spellings():
    for name in ("Cambridgeshire & Peterborough", "peterborough", "cambridgeshire-peterborough"):
        assert framework_for_area(name).id == "cambs-peterborough-2018"


def test_bromley_2019_borrows_2011_indicators_and_says_so():
    answer = fast("A 14-year-old is known to be part of a gang.", area="bromley").to_json()
    assert answer["framework"] == "bromley-2019" and answer["level"] == 4
    assert answer["evidence"][0].get("from_framework") == "bromley-2011"


def test_child_age_reads_the_first_child_age():
    assert child_age("Mother (32) and her 7-year-old son") == 7
    assert child_age("a 3-month-old baby") == 0
    assert child_age("a teenager") is None


def test_json_has_the_contract_keys():
    answer = fast("A 10-year-old has been excluded twice this term.").to_json()
    for key in (
        "area",
        "framework",
        "level",
        "label",
        "confidence",
        "evidence",
        "response",
        "contacts",
        "immediate_danger",
        "caveat",
    ):
        assert key in answer
    json.dumps(answer)


# ---------------------------------------------------------------- passages and queries


def test_passage_with_significant_harm_is_level_4_with_reason():
    levels, reasons = levels_for_passage(
        "If a child is at risk of significant harm, refer to Children's Social Care.",
        ("Gangs", "Actions"),
        "procedure",
    )
    assert 4 in levels and any("significant harm" in r for r in reasons)


def test_topic_default_makes_a_breast_ironing_passage_level_4_with_citation():
    levels, reasons = levels_for_passage(
        "Signs include a girl being in pain.", ("Breast Ironing",), "procedure"
    )
    assert levels == (4,)
    assert any("004_d18c81112fe649f6.txt line 63" in r for r in reasons)


def test_early_help_passage_is_levels_2_3_and_plain_text_has_none():
    assert levels_for_passage("Complete an Early Help Assessment with the family.", ("X",), "procedure")[
        0
    ] == (2, 3)
    assert levels_for_passage("Dogs should be kept on a lead.", ("Dangerous dogs",), "procedure") == ((), [])


def test_threshold_headings_give_their_level():
    levels, _ = levels_for_passage(
        "Parents may be struggling.", ("Threshold policy", "Emerging Needs"), "procedure"
    )
    assert 2 in levels


def test_threshold_for_query_uses_the_question_then_the_passages():
    t = threshold_for_query("what to do about breast ironing", "cambridgeshire-peterborough", [])
    assert t["level"] == 4 and t["why"] and t["framework"] == "cambs-peterborough-2018"
    t = threshold_for_query("how do I fill in the form", None, [("p1", (2, 3)), ("p2", ())])
    assert t["level"] == 3 and t["why"][0]["citation"] == "p1"
    t = threshold_for_query("how do I fill in the form", None, [])
    assert t["level"] is None
    for key in ("framework", "level", "label", "why", "response", "contacts", "immediate_danger"):
        assert key in t


# ---------------------------------------------------------------- evaluation


def test_score_counts_under_and_over_calls_and_level4_misses():
    r = score([(4, 3), (1, 2), (2, 2), (4, None)])
    assert r["accuracy"] == 0.25
    assert (r["under_calls"], r["over_calls"], r["level4_under_calls"]) == (2, 1, 2)
    assert r["confusion"][3][2] == 1 and r["confusion"][0][1] == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "at_least"),
    [
        # written with the rules
        ("synthetic", 30),
        # 41 cases at the 1/2, 2/3 and 3/4 boundaries, written before the weighing was designed
        ("boundary", 40),
        # 44 cases written before the classifier was run on them (then used to widen the rules)
        ("heldout", 40),
    ],
)
def test_scenario_sets_the_rules_were_fitted_to_meet_the_targets(name: str, at_least: int):
    report = evaluate_scenarios(TRAINING / f"scenarios_{name}.jsonl")
    assert report["scenarios"] >= at_least
    assert report["level4_under_calls"] == 0, format_evaluation(report)
    assert report["accuracy"] >= 0.85, format_evaluation(report)
    assert report["over_calls"] <= 0.10 * report["scenarios"], format_evaluation(report)
    assert set(report["per_framework"]) == {"bromley-2011", "cambs-peterborough-2018"}
    assert "confusion" not in format_evaluation(report)  # text form shows the matrix, not JSON
    assert re.search(r"gold\\pred", format_evaluation(report))


@pytest.mark.slow
@pytest.mark.skipif(not DEV_SCENARIOS.is_file(), reason="dev scenarios not available")
def test_dev_scenarios_have_no_level_4_under_call():
    report = evaluate_scenarios(DEV_SCENARIOS)
    assert report["level4_under_calls"] == 0, format_evaluation(report)
    assert report["under_calls"] <= 1, format_evaluation(report)


@pytest.mark.slow
@pytest.mark.skipif(not DEV_SCENARIOS.is_file(), reason="dev scenarios not available")
def test_dev_scenarios_meet_the_targets():
    """Issue 4's targets, measured, never tuned on: 0.92, 0 under, 1 over, since the words reader joined
    the stack (0.75 and 3 over-calls before)."""
    report = evaluate_scenarios(DEV_SCENARIOS)
    assert report["level4_under_calls"] == 0, format_evaluation(report)
    assert report["accuracy"] >= 0.85, format_evaluation(report)
    assert report["over_calls"] <= 0.10 * report["scenarios"], format_evaluation(report)


# ---------------------------------------------------------------- wider reading (held-out set)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Nine year old autistic boy", 9),
        ("A Year 8 girl (12) told her teacher", 12),
        ("yr 10 boy said", 15),
        ("The 10 yo is anxious", 10),
        ("a 2 and a half year old", 2),
        ("Mother (32) and her son", None),
    ],
)
def test_child_age_reads_number_words_brackets_and_school_years(text, age):
    assert child_age(text) == age


def test_a_negating_phrase_covers_its_whole_clause():
    answer = fast("There are no concerns about her care, hygiene or any violence at home; she is happy.")
    assert answer.level == 1


def test_missing_school_is_not_a_child_missing_now():
    answer = fast("A 12-year-old is missing a lot of school and is tired.")
    assert answer.immediate_danger is False


def test_misspelt_and_apostrophe_less_words_are_read():
    answer = fast("yr 3 girl has brusing on her arms she cant explain")
    assert answer.level == 4
    assert "brusing" in answer.evidence[0]["matched"]  # the sentence is quoted as written


def test_a_row_of_burns_is_not_a_family_row():
    answer = fast("A 4 year old has a row of small round burns on the back of his hand.")
    assert answer.level == 4 and "family-change" not in answer.concerns


@pytest.mark.parametrize(
    "text",
    [
        "A 6 year old hurt her knee falling off the swing; mum took her to the GP.",
        "A 9 year old plays football with older boys at the club and is doing well.",
        "Mum is seeing an older man; the 8 year old likes him and is happy at school.",
        "Dad sleeps all day because he works nights; the children are well cared for.",
    ],
)
def test_ordinary_words_near_concern_words_are_not_level_4(text):
    assert fast(text).level != 4


@pytest.mark.slow
def test_second_heldout_set_meets_the_targets():
    """24 cases written after the first round of changes, before the classifier was run on them."""
    report = evaluate_scenarios(TRAINING / "scenarios_heldout2.jsonl")
    assert report["level4_under_calls"] == 0, format_evaluation(report)
    assert report["accuracy"] >= 0.85, format_evaluation(report)
    assert report["over_calls"] <= 0.10 * report["scenarios"], format_evaluation(report)


def test_a_question_naming_a_procedure_takes_its_level_before_the_passages():
    t = threshold_for_query("when should I call a strategy discussion", None, [("p1", (2,))])
    assert t["level"] == 4 and "strategy discussion" in t["why"][0]["text"]
    t = threshold_for_query("what is an early help assessment", None, [])
    assert t["level"] in (2, 3) and t["immediate_danger"] is False
    question = "what do I do if a girl tells me she is being taken abroad to be married"
    t = threshold_for_query(question, None, [])
    assert t["level"] == 4 and t["immediate_danger"] is True and t["contacts"][0]["detail"] == "999"


# ---------------------------------------------------------------- third held-out set (generic fixes)


@pytest.mark.parametrize(
    ("text", "concern"),
    [
        ("A 16 year old got a youth caution for possession of cannabis.", "faith-abuse"),
        ("She keeps missing school to look after her brother because mum works nights.", "missing-serious"),
        (
            "He has been hitting other children, throwing chairs - and mum says she can't cope.",
            "domestic-abuse-serious",
        ),
        (
            "Mum had postnatal depression four years ago, was treated and has been well since.",
            "parent-mental-health",
        ),
        (
            "Mum had postnatal depression four years ago, was treated and has been well since.",
            "mental-health-child",
        ),
    ],
)
def test_words_that_only_look_like_a_concern_do_not_fire_it(text, concern):
    assert concern not in fast(text).concerns


@pytest.mark.parametrize(
    "text",
    [
        "An 8 year old says mum's boyfriend plays 'the secret game' with her and she mustn't tell.",
        "Mum's partner, who served a sentence for grievous bodily harm to a toddler, babysits her son.",
        "A 13 yr old girl says her boyfriend is 19; she has stayed at his flat.",
        "A 6 year old has bruises on his upper arm like fingertips.",
        "First he said he fell over, then that his brother did it.",
    ],
)
def test_plain_descriptions_of_level_4_indicators_are_level_4(text):
    assert fast(text).level == 4


def test_an_adult_boyfriend_is_level_4_only_for_a_child_under_16():
    assert "under18-sexual-risk" not in fast("A 17 year old says her boyfriend is 19.").concerns


def test_a_black_eye_from_a_witnessed_clash_of_heads_is_not_level_4():
    text = "A 10 year old got a black eye clashing heads with a classmate; the teacher saw it happen."
    assert fast(text).level != 4


@pytest.mark.parametrize(
    ("text", "is_level_4"),
    [
        # one accident, told the same way by the child and a parent, or medical advice sought
        (
            "Leo (3) came in with a bruise on his forehead. Dad told me at drop-off he tripped over "
            "the dog's bowl last night, and Leo told me the same himself.",
            False,
        ),
        (
            "A Year 8 boy has a small burn mark on his forearm. He said he caught it on the oven door; "
            "mum had already emailed to say the same.",
            False,
        ),
        ("A 2 year old arrived this morning with a bruise; she fell down a step and they rang 111.", False),
        # no confirmation, a pattern, an inconsistent account or a blow: still level 4
        ("She came in this morning with a bruise on her cheek.", True),
        ("He has a burn mark on his arm.", True),
        ("A burn mark on his arm; he says he fell, mum emailed. It is the second burn this term.", True),
        ("A burn mark on her arm: she says she fell, dad said the same, then said it was the iron.", True),
        ("Dad hit her last night; she says she fell, and mum rang 111.", True),
        ("A 6 month old has a bruise on his cheek; mum says he rolled into the cot bars and rang 111.", True),
    ],
)
def test_an_explained_and_confirmed_accident_is_not_level_4_but_doubt_keeps_it(text, is_level_4):
    assert (fast(text).level == 4) is is_level_4


def test_an_explained_accident_does_not_hide_an_assault_in_the_same_description():
    a = fast("Dad hit her last night; she says she fell, and mum rang 111.")
    assert a.immediate_danger and "physical-abuse" in a.concerns


@pytest.mark.parametrize(
    ("text", "concern", "fires"),
    [
        ("Light scratches on her forearm; she did them with a sharpener blade.", "weapon", False),
        ("Light scratches on her forearm; she did them with a sharpener blade.", "self-harm", True),
        ("She cuts herself with a razor blade most nights.", "self-harm", True),
        ("She cut herself with a blade.", "weapon", False),
        ("He cut himself on a broken glass at home.", "self-harm", False),
        ("Her brother threatened her with a blade.", "weapon", True),
        ("He had a blade in his bag.", "weapon", True),
        ("She cut herself with a blade and her brother carries a knife.", "weapon", True),
    ],
)
def test_a_blade_used_on_oneself_is_self_harm_not_a_weapon(text, concern, fires):
    assert (concern in fast(text).concerns) is fires


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("Nobody has been hit or threatened; they argue at handovers.", True),
        ("No one was hurt.", True),
        ("No one knows dad hits her.", False),
        ("Dad hit him with a belt and nobody stopped him.", False),
    ],
)
def test_nobody_negates_only_what_follows_it_directly(text, negated):
    assert ("physical-abuse" not in fast(text).concerns) is negated


@pytest.mark.parametrize(
    ("text", "concern", "fires"),
    [
        ("Nothing about violence or weapons.", "weapon", False),
        ("Nothing about him hitting her, but she has a knife.", "weapon", True),
        ("They keep missing the dermatology appts.", "missing-serious", False),
        ("She keeps going missing.", "missing-serious", True),
        ("He keeps repeating anti-Muslim stuff from videos he watches online.", "radicalisation", True),
        ("Our DSL has spoken to the police Prevent lead.", "radicalisation", True),
        ("She was targeted with anti-Muslim abuse on the bus.", "radicalisation", False),
        ("They watched videos about racist history in class.", "radicalisation", False),
    ],
)
def test_what_is_absent_missed_or_suffered_is_not_read_as_the_concern(text, concern, fires):
    assert (concern in fast(text).concerns) is fires


@pytest.mark.parametrize(
    ("text", "is_fgm"),
    [
        ("She's excited to go to grandma's in Guinea for a big party where she becomes a proper girl.", True),
        ("A party at her aunt's where she will be made a woman, like her sister was.", True),
        ("Mum is going to a big party this weekend; she feels like a real woman again.", False),
        ("It was a lovely birthday party; she felt like a big girl.", False),
    ],
)
def test_a_ceremony_to_become_a_woman_is_read_as_a_risk_of_fgm(text, is_fgm):
    assert ("fgm" in fast(text).concerns) is is_fgm


def test_a_trip_to_a_country_named_with_in_is_still_being_taken_abroad():
    text = "She says she's going to grandma's in Guinea in the summer for a special ceremony."
    assert fast(text).immediate_danger


def test_bruises_a_parent_raised_and_explained_by_sport_are_an_explained_accident():
    from kb.levels.rules import explained_accident

    text = "Bruises on both shins. Mum mentioned them herself - he plays football three times a week."
    assert explained_accident(text)
    assert not explained_accident(text + " Dad kicked him, he says.")


@pytest.mark.parametrize(
    ("text", "is_level_4"),
    [
        ("Mum has smelt of alcohol at pick up a few times, tho never drunk.", False),
        ("Dad was not drunk at pick up.", False),
        ("Mum came to pick up and was clearly drunk.", True),
        ("Dad collects him from school and he is often drunk.", True),
    ],
)
def test_a_parent_never_drunk_at_pick_up_is_not_incapacitated(text, is_level_4):
    assert ("parent-incapacitated" in fast(text).concerns) is is_level_4


@pytest.mark.parametrize(
    ("text", "concern", "fires"),
    [
        # sexual abuse told in a child's words, and sexualised play
        (
            "She said mum's boyfriend puts his hand down my pants when mummy is at work.",
            "sexual-abuse",
            True,
        ),
        (
            "Her uncle does the tickle game under the covers and says it's their secret.",
            "sexual-abuse",
            True,
        ),
        ("Ellie (4) had the dolls doing sex stuff in home corner.", "sexual-abuse", True),
        (
            "He plays a tickle game with his sister at bath time; they both giggle.",
            "sexual-abuse",
            False,
        ),
        ("She puts her hands in her pockets when she is nervous.", "sexual-abuse", False),
        # a head held under water
        (
            "Dad held her head under the bath water because she would not stop crying.",
            "physical-abuse",
            True,
        ),
        (
            "At swimming he put his head under the water for the first time.",
            "physical-abuse",
            False,
        ),
        # a mother injured in a domestic incident
        (
            "Officers found mum with a cut lip; the 4 year old had been in the room.",
            "domestic-abuse-serious",
            True,
        ),
        # wanting not to wake up
        ("She told triage she wanted to not wake up.", "suicide-risk", True),
        ("She is so tired she could sleep and not wake up until Monday.", "suicide-risk", False),
        # a young child found wandering
        ("A 7 year old was found wandering the high street at 10pm in his pyjamas.", "neglect-serious", True),
        # an adult who is a risk to children
        ("Her new partner is moving in; he's on the register but it was years ago.", "risk-adult", True),
        ("The school keeps an attendance register.", "risk-adult", False),
        # faith-based abuse
        (
            "Dad says his son has a spirit in him; the pastor will drive it out.",
            "faith-abuse",
            True,
        ),
        ("The family fast during Ramadan and pray together.", "faith-abuse", False),
        # breast flattening
        (
            "A tight bandage round her chest; mum does it so I stay a little girl.",
            "breast-ironing",
            True,
        ),
        ("He has a bandage round his knee after football.", "breast-ironing", False),
        # medical neglect
        ("His insulin hasn't been collected since Feb.", "medical-neglect", True),
        ("Mum hasn't brought him to clinic for 8 months.", "medical-neglect", True),
        ("His insulin is collected every month and mum brings him to clinic.", "medical-neglect", False),
        # exploitation
        ("She keeps getting picked up in cars by friends who look early 20s.", "sexual-exploitation", True),
        ("She is picked up from the gates by a lad in a car.", "sexual-exploitation", True),
        ("Her mum picks her up in the car after netball.", "sexual-exploitation", False),
        ("Chloe (12): her mates say he's 19 and he's her boyfriend.", "under18-sexual-risk", True),
        ("His uncle makes him work at a car wash for no money and keeps his passport.", "trafficking", True),
        ("She keeps her passport in a drawer at home.", "trafficking", False),
    ],
)
def test_level_4_indicators_in_practitioners_words_are_read(text, concern, fires):
    assert (concern in fast(text).concerns) is fires


def test_an_overdose_of_ibuprofen_is_immediate_danger():
    assert fast("A 14 yo girl was brought in after taking about 20 ibuprofen at home.").immediate_danger


@pytest.mark.parametrize(
    ("text", "age"),
    [("Chloe (12): her mates say", 12), ("Chloe in Y7 (12) keeps", 12), ("a Level (2) need", None)],
)
def test_child_age_reads_a_first_name_or_school_year_before_the_age_in_brackets(text, age):
    assert child_age(text) == age


@pytest.mark.parametrize(
    ("text", "concern", "fires"),
    [
        ("Grace says she doesn't want to end her life, it's exam stress.", "suicide-risk", False),
        ("She says she wants to end her life tonight, she is suicidal.", "suicide-risk", True),
        ("He doesn't hit her.", "physical-abuse", False),
        ("She didn't want to tell mum that dad hits her.", "physical-abuse", True),
        ("Picked up Ellie (14) drunk in the park again on Saturday.", "parent-incapacitated", False),
        ("Mum came to pick up drunk.", "parent-incapacitated", True),
    ],
)
def test_a_contracted_negation_or_a_drunk_child_is_not_the_concern(text, concern, fires):
    assert (concern in fast(text).concerns) is fires


def test_a_child_who_doesnt_want_to_go_home_is_immediate_danger():
    assert fast("He said he didn't want to go home because dad gets the belt out.").immediate_danger


def test_an_explained_accident_and_nothing_else_is_level_1_not_no_level():
    text = "4yo fell off a trampoline at a party, suspected wrist fracture. Mum rang 111 straight away."
    a = fast(text)
    assert a.level == 1 and "accident" in a.reasons[0]


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Mason, 4 months, in for his imms. His big brother (3) poked him.", 0),
        ("Baby Ana, 14 months, no jabs since 8 weeks.", 1),
        ("Late booker - Jade, 17, first came to us at 26 weeks.", 17),
        ("Kofi's mum came in - he's 14 and goes into town.", 14),
        ("Yr 7 girl, 12, came to ask. Her boyfriend - he's 14 - goes to our school.", 12),
        ("Children Ava 4 and Mia 7 asleep upstairs.", 4),
        ("Ethan (14, Y9) shared a meme.", 14),
        ("On Monday 12 March she said she scored 12 on the EPDS.", None),
        ("She is 25 weeks pregnant and works till 5.30.", None),
    ],
)
def test_child_age_reads_names_pronouns_and_months(text, age):
    assert child_age(text) == age


@pytest.mark.parametrize(
    ("text", "is_level_4"),
    [
        ("Mason, 4 months, has a small bruise on his cheek; mum says his brother poked him.", True),
        ("A 6 year old is home alone after school most days.", True),
        ("Maddie, 12, is home alone after school till 6; she has a key and rings mum.", False),
        ("A 13 year old was left alone for a week while mum went abroad.", True),
        ("He's 14; mum has been reading about gangs on facebook and is worried.", False),
        ("He's 14 and has joined a gang; he carries cash for older lads.", True),
        ("Yusuf (11) lost his coat and kept saying 'my dad is going to kill me'.", False),
        ("Yusuf (11) said his dad told him he will kill me if I tell.", True),
        ("Callum (16) was terrified his parents would throw him out when he told them he's gay.", False),
        ("Callum (16) says his parents threw him out last night.", True),
        ("Minh, 15, arrived from Vietnam a few months ago and lives with a man he calls uncle.", True),
    ],
)
def test_level_4_read_from_heldout9_first_sight_misses_stated_generally(text, is_level_4):
    assert (fast(text).level == 4) is is_level_4


def test_a_feared_b_and_b_is_not_temporary_accommodation():
    assert "housing-poor" not in fast("Mum is worried they'll end up in a B&B one day.").concerns
    assert "housing-poor" in fast("The family are living in a B&B.").concerns


def test_a_third_police_call_to_a_domestic_is_level_4_but_a_second_is_not_by_itself():
    third = "PC: verbal domestic, 3rd call to the address this year (previous two also just arguing)."
    second = "PC: verbal domestic, second call to the address this year, shouting only."
    assert "domestic-abuse-serious" in fast(third).concerns
    assert "domestic-abuse-serious" not in fast(second).concerns


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Nikolai, 15, has been living with his teammate's family for two months; mum works in Spain.", True),
        ("Shanice (14) has been living with her friend Kayla's family since the start of term.", True),
        ("She is staying with her friend's family this weekend while mum is away.", False),
    ],
)
def test_a_child_living_with_a_friends_family_for_weeks_is_privately_fostered(text, fires):
    assert ("private-fostering" in fast(text).concerns) is fires


@pytest.mark.parametrize(
    ("text", "concern", "fires"),
    [
        ("Booking for her 3rd pregnancy; her 6yo has severe cerebral palsy.", "under13-sexual", False),
        ("Her mum found out the 12 year old is pregnant.", "under13-sexual", True),
        ("When she pushed her sleeve up I saw fine scratches.", "domestic-abuse-serious", False),
        ("Dad pushed her into the door, the 6 year old saw it.", "domestic-abuse-serious", True),
        ("Dev (15) was going on about knives, for an anti-knife crime week talk.", "weapon", False),
        ("He was talking about knives and showed me one in his bag.", "weapon", True),
        ("Her RE coursework is on extremism, so she asked about ISIS.", "radicalisation", False),
        ("He watches ISIS videos and says they are right.", "radicalisation", True),
        ("She self-harmed at 15-16, saw CAMHS, and hasn't done it for eight years.", "self-harm", False),
        ("She has been self-harming for two months.", "self-harm", True),
    ],
)
def test_heldout10_first_sight_over_calls_stated_generally(text, concern, fires):
    assert (concern in fast(text).concerns) is fires


def test_hitting_out_at_school_now_is_not_a_child_hurt_now():
    assert not fast("Now the 9yo is hitting out at school and the 5yo isn't sleeping.").immediate_danger


def test_a_child_saying_a_parent_will_kill_them_over_a_lost_coat_is_not_a_threat_to_kill():
    hyperbole = "Alfie (10) told me my mum's going to kill me because he left his coat on the bus."
    threat = "Alfie (10) said dad told him he will kill me if I tell."
    assert not fast(hyperbole).immediate_danger
    assert fast(threat).immediate_danger


def test_a_knock_in_sport_that_an_adult_saw_is_an_explained_accident():
    from kb.levels.rules import explained_accident

    assert explained_accident("A bruise on his thigh. I saw him take a knee to the leg in Saturday's match.")
    assert not explained_accident("A bruise on his thigh; he says he took a knock. Nobody saw it.")
    assert not explained_accident("A bruise on his thigh. I saw dad hit him.")


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Mason (10) took Year 1 boys behind the shed and made them pull their trousers down.", True),
        ("He made the little ones take off their pants.", True),
        ("Mum made him pull his trousers up before school.", False),
    ],
)
def test_making_younger_children_undress_is_harm_to_others(text, fires):
    assert ("harm-to-others" in fast(text).concerns) is fires


@pytest.mark.parametrize(
    ("text", "concern", "fires"),
    [
        # a topic taught, researched or asked about is not a concern about the child ...
        ("After the PSHE lesson on FGM, Amira (13) asked lots of questions.", "fgm", False),
        ("Amara (15) is doing her Extended Project on female genital mutilation.", "fgm", False),
        (
            "In PSHE pupils asked what breast ironing was after a news item. Esther is 12.",
            "breast-ironing",
            False,
        ),
        (
            "Harpreet (17) is writing sociology coursework on so-called honour killings.",
            "honour-violence",
            False,
        ),
        ("Ellie, 10, asked what 'rape' means because it had been on the radio.", "sexual-abuse", False),
        (
            "Ethan (12) wrote a creative writing piece about a boy stabbed in a fight between gangs.",
            "gangs",
            False,
        ),
        ("Tyrese explained it grew out of a knife-crime awareness workshop. He is 14.", "weapon", False),
        # ... unless the same sentence says it is about them
        ("After the PSHE lesson on FGM, Amira (13) told me she is going to be cut in Somalia.", "fgm", True),
        ("After the lesson on FGM, Amira (13) said her aunt has a ceremony planned for her.", "fgm", True),
        (
            "Her PE teacher had training on breast ironing and flagged it: Nadege, 12, binds her chest.",
            "breast-ironing",
            True,
        ),
        ("Ellie, 10, told me her uncle raped her.", "sexual-abuse", True),
        ("Ethan (12) says he is in a gang and carries for older boys.", "gangs", True),
    ],
)
def test_heldout13_16_a_topic_is_not_a_concern_about_the_child(text, concern, fires):
    assert (concern in fast(text).concerns) is fires


@pytest.mark.parametrize(
    ("text", "concern", "fires"),
    [
        # a list after "no" is negated whole
        (
            "Marcus, 14. There is no evidence he has gone missing, carried a weapon or been given money.",
            "weapon",
            False,
        ),
        ("Sophie, 16. Screening questions show no pressure, age gap or exploitation.", "exploitation", False),
        ("Sophie, 16, is being exploited by older men.", "exploitation", True),
        ("No one knows dad hits her or kicks her; she is 9.", "physical-abuse", True),
        # a parent's perinatal care is not the child's pregnancy
        (
            "Mum had postnatal depression; a perinatal plan was agreed in pregnancy. Poppy is 4.",
            "under13-sexual",
            False,
        ),
        ("Poppy is 12 and pregnant.", "under13-sexual", True),
        # a broken stair gate is not a baby's injury; a broken arm is
        ("Millie, 11 months: the stair gate was taken down because it was broken.", "baby-injury", False),
        ("Millie, 11 months, has a broken arm.", "baby-injury", True),
        # an accidental double dose is not a suicide attempt or a parent's overdose
        (
            "Dad asked about an 'accidental overdose': he and mum each gave Oscar, 6, a dose.",
            "suicide-risk",
            False,
        ),
        (
            "Dad asked about an 'accidental overdose': he and mum each gave Oscar, 6, a dose.",
            "parent-incapacitated",
            False,
        ),
        ("Oscar, 15, took an overdose last night.", "suicide-risk", True),
        # an order in force and no contact since: past abuse, unless breached
        (
            "Mum left a violent partner; there's a non-molestation order and he has no contact. Zain is 3.",
            "domestic-abuse-serious",
            False,
        ),
        (
            "There's a non-molestation order but he turned up last night; no contact before that. Zain is 3.",
            "domestic-abuse-serious",
            True,
        ),
        (
            "Mum pointed out a bruise on Amara's shin; she fell against the table. Amara is 2.",
            "domestic-abuse-serious",
            False,
        ),
        (
            "Mum has a bruise on her face and a black eye; the 2 year old was there.",
            "domestic-abuse-serious",
            True,
        ),
    ],
)
def test_heldout13_16_first_sight_over_calls_stated_generally(text, concern, fires):
    assert (concern in fast(text).concerns) is fires


def test_knuckles_cut_punching_a_bus_shelter_is_not_a_child_hurt_by_someone_now():
    assert not fast(
        "Tonight police brought Connor, 16, in with cuts to his knuckles after he punched a bus shelter."
    ).immediate_danger
    assert fast("Tonight his stepdad punched Connor, 16, in the face.").immediate_danger


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Amara is 11 months, cruising round the furniture.", 0),
        ("Jo was 3 months when dad left; Jo is now 9.", None),
    ],
)
def test_child_age_reads_a_name_is_n_months(text, age):
    assert child_age(text) == age


@pytest.mark.parametrize(
    ("text", "is_level_4"),
    [
        # forced marriage in quiet words; an arranged visit is not
        (
            "Samira (16): her older sister married there at 16 and she's been told she will 'meet someone'.",
            True,
        ),
        ("Samira (16) was a bridesmaid when her older sister married last year in Leeds.", False),
        # a 16-year-old told to leave home and sleeping in a car
        ("Jordan (16): his stepdad told him to get out; mum says he's not coming back here.", True),
        ("Jordan (16) was told to leave the classroom for talking.", False),
        ("Jordan (16) slept two nights in a mate's car.", True),
        # a parent's delusions in a child's words
        ("Finley (8): mum put foil over the windows because the TV people are watching.", True),
        # fabricated illness
        ("Noah, 6: mum reports ten seizures a day; none has ever been seen by staff.", True),
        # faltering growth that recovers in hospital
        (
            "Sienna, 17 months: weight fell across centiles; she ate hungrily on the ward.",
            True,
        ),
        ("Sienna, 17 months, is growing along the 50th centile.", False),
        # an adult who poses a risk moving in
        (
            "Mum's partner was in prison for something with a girl; signs on a register. Lola is 5.",
            True,
        ),
        ("Adam (13): his father, convicted of a terrorism offence, has moved back home.", True),
        # sexual abuse named indirectly
        ("Poppy (14) cuts herself 'after he's been in my room at night'.", True),
        # honour-based abuse
        ("Simran (16): her father said she is 'dead to this family'; uncles are coming to sort it.", True),
        # a suicide plan
        ("Nathan (13) has been saving his mum's sleeping tablets and giving away his games.", True),
        ("Nathan (13) is saving up for a new game.", False),
        # FGM after a trip
        (
            "Aisha, 2, back from Sudan: 'a small celebration, like all the girls in our family'.",
            True,
        ),
        ("Aisha, 2, had a birthday party at grandma's with all her cousins.", False),
        # sexual exploitation: collected by a man in his twenties; online contact asking for photos
        ("Kiera, 15, has been collected three times by a man who looks mid-twenties in an Audi.", True),
        ("Tanisha, 14, was collected at the gate by a man in his twenties in a black Audi.", True),
        ("Tanisha, 14, was collected at the gate by her dad in his car.", False),
        (
            "Poppy, 13: 'Ryan' met her in a Roblox group and asked for a photo of her in her PJs.",
            True,
        ),
        ("Poppy, 13, asked for a photo of her passport for the trip.", False),
        # injuries with a different explanation each time
        (
            "Samuel, 14: a swollen ear, then a graze; each time the explanation has been different.",
            True,
        ),
    ],
)
def test_heldout13_16_first_sight_level_4_misses_stated_generally(text, is_level_4):
    assert (fast(text).level == 4) is is_level_4


@pytest.mark.parametrize(
    ("text", "is_level_4"),
    [
        (
            "Her partner was 'on some register years ago'; he must tell the police where he lives. Isla, 4.",
            True,
        ),
        ("Aisha (14 months): her weight fell from the 50th to below the 9th centile over six months.", True),
        ("Aisha (14 months) has been weighed monthly; her weight is on the 50th centile.", False),
    ],
)
def test_heldout18_first_sight_level_4_misses_stated_generally(text, is_level_4):
    assert (fast(text).level == 4) is is_level_4


@pytest.mark.parametrize(
    ("text", "is_level_4"),
    [
        ("Amir (7) said 'daddy put his hands round mummy's neck on saturday and she went all floppy'.", True),
        ("Amir (7) put his hands round his teddy and went to sleep.", False),
    ],
)
def test_hands_round_a_neck_is_level_4(text, is_level_4):
    assert (fast(text).level == 4) is is_level_4
