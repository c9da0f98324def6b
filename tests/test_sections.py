"""The splitter: every line lands in exactly one passage, spans are exact, sections are not crossed."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.corpus import load_document
from kb.sections import MAX_WORDS, passages_of, sections_of
from kb.text import image_description, strip_markup, words

FRONT = "---\nid: doc\ntitle: Doc\narea: bromley\ntype: procedure\nstatus: current\n---\n"

word = st.sampled_from("child referral social care harm police school risk family the of and a".split())
sentence = st.lists(word, min_size=1, max_size=90).map(lambda ws: " ".join(ws).capitalize() + ".")
heading = st.tuples(st.integers(2, 4), st.lists(word, min_size=1, max_size=5)).map(
    lambda t: "#" * t[0] + " " + " ".join(t[1]).title()
)
bullets = st.lists(st.lists(word, min_size=1, max_size=40), min_size=1, max_size=14).map(
    lambda items: "\n".join("- " + " ".join(i) for i in items)
)
image = st.lists(word, min_size=3, max_size=12).map(lambda ws: f"<!-- image: {' '.join(ws)} -->")
block = st.one_of(sentence, sentence, heading, bullets, image)


def _write(tmp_path: Path, blocks: list[str]) -> Path:
    path = tmp_path / "doc.md"
    path.write_text(FRONT + "# Doc\n\n" + "\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blocks=st.lists(block, min_size=1, max_size=25))
def test_every_non_blank_line_lands_in_exactly_one_passage(tmp_path: Path, blocks: list[str]) -> None:
    doc = load_document(_write(tmp_path, blocks))
    passages = passages_of(doc)
    owners: dict[int, int] = {}
    for index, passage in enumerate(passages):
        for number in range(passage.line_start, passage.line_end + 1):
            assert number not in owners, f"line {number} is in two passages"
            owners[number] = index
    for number in range(doc.body_start, len(doc.lines) + 1):
        line = doc.lines[number - 1]
        if line.strip() and image_description(line) is None:
            assert number in owners, f"line {number} ({line!r}) is in no passage"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blocks=st.lists(block, min_size=1, max_size=25))
def test_passage_text_is_exactly_its_lines_and_never_crosses_a_section(
    tmp_path: Path, blocks: list[str]
) -> None:
    doc = load_document(_write(tmp_path, blocks))
    section_spans = [(s.line_start, s.line_end) for s, _ in sections_of(doc)]
    for passage in passages_of(doc):
        assert passage.text == doc.lines_between(passage.line_start, passage.line_end)
        inside = [span for span in section_spans if span[0] <= passage.line_start <= span[1]]
        assert inside and passage.line_end <= inside[0][1], "passage crosses a section boundary"


def test_long_sections_split_into_passages_of_bounded_size(tmp_path: Path) -> None:
    paragraphs = [" ".join(["safeguarding"] * 70) + "." for _ in range(12)]
    doc = load_document(_write(tmp_path, ["## 1. Long", *paragraphs]))
    passages = passages_of(doc)
    assert len(passages) >= 3
    for passage in passages:
        assert len(words(" ".join(strip_markup(line) for line in passage.text.split("\n")))) <= MAX_WORDS


def test_short_list_stays_whole_in_one_passage(tmp_path: Path) -> None:
    items = "\n".join(f"- item number {i} about referral" for i in range(10))
    doc = load_document(_write(tmp_path, ["## 2. Actions", "Do these things:", items]))
    passages = passages_of(doc)
    assert len(passages) == 1
    assert passages[0].text.count("- item number") == 10


def test_passage_ids_are_stable_when_other_sections_change(tmp_path: Path) -> None:
    first = passages_of(load_document(_write(tmp_path, ["## 1. A", "Alpha text.", "## 2. B", "Beta text."])))
    second = passages_of(
        load_document(_write(tmp_path, ["## 1. A", "Alpha text changed a lot.", "## 2. B", "Beta text."]))
    )
    beta_first = next(p for p in first if "Beta" in p.text)
    beta_second = next(p for p in second if "Beta" in p.text)
    assert beta_first.id == beta_second.id == "doc/2-b/1"
    assert beta_first.content_hash == beta_second.content_hash
    assert first[0].id == second[0].id and first[0].content_hash != second[0].content_hash


def test_heading_without_text_is_carried_into_its_first_subsection(tmp_path: Path) -> None:
    doc = load_document(_write(tmp_path, ["## 2. Actions", "### 2.1 First", "Do this first."]))
    (passage,) = passages_of(doc)
    assert passage.heading_path == ("Doc", "2. Actions", "2.1 First")
    assert "## 2. Actions" in passage.text and "# Doc" in passage.text
