"""Heading rules on small plain-text inputs: which lines become headings, at which level."""

from __future__ import annotations

from ingest.headings import heading_levels
from ingest.lines import SourceLine
from ingest.manifest import Overrides

PROSE = "Schools will be notified of a suicide by the police or the family of the young person."


def levels(*texts: str, overrides: Overrides | None = None) -> dict[str, int]:
    lines = [SourceLine(n, text) for n, text in enumerate(texts, start=1)]
    found = heading_levels(lines, overrides or Overrides())
    return {lines[n - 1].text: level for n, level in found.items()}


def test_numbered_titles_ending_in_a_full_stop_are_sections_in_sequence() -> None:
    found = levels(
        "Scope of this chapter",
        PROSE,
        "1. The impact of a suicide on a school.",
        PROSE,
        "2. Triggering a multi-agency response in the serious suicide attempt or death of a young person.",
        PROSE,
    )
    assert found == {
        "Scope of this chapter": 2,
        "1. The impact of a suicide on a school.": 2,
        "2. Triggering a multi-agency response in the serious suicide attempt or death of a young person.": 2,
    }


def test_a_numbered_line_with_a_full_stop_out_of_sequence_stays_body() -> None:
    assert levels("Strategy Principles", PROSE, "3. Enduring relationships and support.", PROSE) == {
        "Strategy Principles": 2
    }


def test_a_numbered_sentence_is_not_a_section() -> None:
    found = levels("Introduction", PROSE, "1. Schools will be told. Then they act.", PROSE)
    assert found == {"Introduction": 2}


def test_a_label_ending_in_a_colon_heads_a_sentence_but_not_a_list() -> None:
    found = levels(
        "Target Audience:",
        "In light of the target audience for this document is as follows:",
        "· Police",
        "Key People That Should Attend:",
        "· School Nursing",
        PROSE,
    )
    assert found == {"Target Audience:": 2}


def test_a_lead_in_sentence_ending_in_a_colon_is_not_a_heading() -> None:
    assert levels(PROSE, "Working Together 2018 states:", PROSE) == {}


def test_an_all_caps_group_title_holds_the_titles_below_it() -> None:
    found = levels(
        "Appendix B: Domains and Dimensions",
        "PARENTING CAPACITY",
        "Basic Care",
        "Providing for the child’s physical needs, and appropriate medical and dental care.",
        "Ensuring Safety",
        "Ensuring the child is adequately protected from harm or danger.",
    )
    assert found == {
        "Appendix B: Domains and Dimensions": 2,
        "PARENTING CAPACITY": 3,
        "Basic Care": 4,
        "Ensuring Safety": 4,
    }


def test_a_part_title_puts_the_titles_after_it_one_level_down() -> None:
    found = levels(
        "Assessment",
        PROSE,
        "Part 2 – Child Victims of Trafficking and/or Modern Slavery",
        "Definitions",
        PROSE,
        "Indicators",
        PROSE,
    )
    assert found == {
        "Assessment": 2,
        "Part 2 – Child Victims of Trafficking and/or Modern Slavery": 2,
        "Definitions": 3,
        "Indicators": 3,
    }


def test_a_title_after_a_cross_reference_is_a_heading() -> None:
    found = levels("Physical Abuse", PROSE, "See also Recognising Physical Abuse", "Emotional Abuse", PROSE)
    assert found == {"Physical Abuse": 2, "Emotional Abuse": 2}


def test_names_in_a_contact_list_are_not_headings() -> None:
    found = levels(
        "Tel: 01733 863744",
        "Cambridgeshire Social Care Contact Centre",
        "0345 045 0180",
        "Peterborough Social Care Contact Centre",
        "01733 864180",
    )
    assert found == {}


def test_the_manifest_can_force_an_exact_level() -> None:
    found = levels(
        "Recognising Physical Abuse",
        PROSE,
        "Bruising",
        PROSE,
        overrides=Overrides(forced_levels=((3, 3),)),
    )
    assert found == {"Recognising Physical Abuse": 2, "Bruising": 3}
