"""Issue 19 (answer page): readable sources, the area a question names, no level without a case,
the red box's numbers, and the CLI's text output. Fixture corpus and pure functions: fast."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

import pytest

from kb.answer import answer
from kb.citation import collection_name, readable_date, source_line
from kb.emergency import emergency_route, route_contacts
from kb.question_kind import areas_named, asks_what_to_do, describes_a_situation

SEED_FILE = "004_d18c81112fe649f6.txt"


def test_collection_and_dates_read_as_people_say_them() -> None:
    assert collection_name("Cambridgeshire & Peterborough SCP procedures") == (
        "Cambridgeshire & Peterborough procedures manual"
    )
    assert readable_date("2011-07") == "July 2011"
    assert readable_date("2018-10-31") == "31 October 2018"
    assert (
        readable_date("undated chapter; manual pages updated 2018–2020") == "manual pages updated 2018–2020"
    )


def test_source_line_names_manual_chapter_section_date_and_successor_by_title(fixture_searcher) -> None:
    hit = fixture_searcher.search("girl about to be taken abroad to be married", k=1)[0]
    line = source_line(hit.document, hit.passage)
    assert line.startswith(collection_name(hit.document.collection) + ", Forced marriage, ")
    assert hit.passage.heading_path[-1] in line
    for jargon in (hit.passage.id, hit.document.source, hit.passage.origin.file):
        assert jargon not in line
    old = replace(hit.document, status="superseded", superseded_by="new-doc", collection="")
    assert line_ends(source_line(old, hit.passage, {"new-doc": "The New Thresholds"}), "“The New Thresholds”")
    assert "new-doc" not in source_line(old, hit.passage, {})


def line_ends(line: str, tail: str) -> bool:
    return line.endswith(tail)


@pytest.mark.parametrize(
    ("question", "situation"),
    [
        ("what number do I ring in Bromley out of hours", False),
        ("what does CSE mean", False),
        ("what is a strategy discussion", False),
        ("what does the law say about forced marriage", False),
        ("who do I contact about a LADO referral", False),
        ("A 15 year old says her family are taking her abroad to marry a man she has never met", True),
        ("What are the signs a girl is at risk of female genital mutilation?", True),
        ("my neighbour's kids are left alone all night", True),
    ],
)
def test_only_a_question_about_a_child_or_situation_describes_a_case(question: str, situation: bool) -> None:
    assert describes_a_situation(question) is situation


def test_places_name_their_area_and_march_the_month_does_not() -> None:
    assert areas_named("what number do I ring in Bromley out of hours") == {"bromley"}
    assert areas_named("a pupil at a school in Wisbech") == {"cambridgeshire-peterborough"}
    assert areas_named("she was born in March 2010") == set()
    assert areas_named("who do I call") == set()
    assert asks_what_to_do("what should I do if a boy is carrying a knife")


def test_a_question_naming_another_area_says_so_and_gets_no_level(fixture_searcher) -> None:
    from kb.retrieval import Filters

    result = answer(
        fixture_searcher, "what number do I ring in Bromley out of hours", filters=Filters(area="x")
    )
    data = result.to_json()
    assert data["other_area"] == "bromley" and data["describes_situation"] is False
    assert data["threshold"] is None or data["threshold"]["level"] is None
    assert all("source_line" in r for r in data["results"])


def test_red_box_keeps_numbered_entries_and_prefers_current_ones() -> None:
    contacts = [
        {"service": "Referral to MASH", "detail": "Referral to MASH", "citation": "c"},
        {
            "service": "Emergency Duty Team",
            "detail": "020 8464 4848",
            "citation": "c",
            "note": "from Old (superseded); check",
        },
        {"service": "Out of hours team", "detail": "01234 567890", "citation": "c"},
    ]
    kept = route_contacts(contacts, "Current framework")
    assert [c["detail"] for c in kept] == ["999", "01234 567890"]  # the superseded duplicate kind goes


@pytest.mark.parametrize("area", ["bromley", "cambridgeshire-peterborough"])
def test_every_real_red_box_entry_has_a_number_and_bromley_has_no_bare_mash_line(area: str) -> None:
    route = emergency_route(area)
    assert route.contacts[0]["detail"] == "999"
    assert all(any(ch.isdigit() for ch in c["detail"]) for c in route.contacts)
    if area == "bromley":
        assert "020 8464 4848" in [c["detail"] for c in route.contacts]
        assert all(c["borrowed"] for c in route.contacts[1:])  # from the superseded 2011 guide, flagged


def test_kb_search_text_leads_with_the_readable_source_line(fixture_settings) -> None:
    env = {
        **os.environ,
        "KB_INDEX_DIR": str(fixture_settings.index_dir),
        "KB_CORPUS_DIR": str(fixture_settings.corpus_dir),
    }
    out = subprocess.run(
        [sys.executable, "-m", "kb.cli", "search", "forced marriage unit", "-k", "1"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    data = json.loads(
        subprocess.run(
            [sys.executable, "-m", "kb.cli", "search", "forced marriage unit", "-k", "1", "--json"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
    )
    result = data["results"][0]
    lines = out.splitlines()
    first = lines.index(
        f"1. {result['source_line']}" + ("  [SUPERSEDED]" if result["status"] == "superseded" else "")
    )
    maintainer = lines[first + 1]
    assert result["passage_id"] in maintainer and result["source"] in maintainer
    assert result["passage_id"] not in lines[first]
