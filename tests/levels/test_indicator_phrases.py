"""Every indicator of every framework reads as a whole phrase: no cell cut mid-phrase by a PDF
extraction, no text cut short by an unquoted YAML comma, every rejoined part verbatim in order."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from kb.levels.frameworks import load_frameworks
from kb.levels.verify import verify_framework
from tests.conftest import REAL_CORPUS, SEEDS

# a phrase never ends on a word that needs something after it
DANGLING_WORDS = set(
    "a an the of or and to be by can which with through in at for from on as such their his her "
    "its our your is are was were may will not but that than e.g. including use low".split()
)


def _dangling(text: str) -> str:
    """Why `text` ends mid-phrase ('' when it does not)."""
    words = text.rstrip(" .;:").split()
    if not words:
        return "empty"
    last = words[-1].lower()
    if last in DANGLING_WORDS:
        return f"ends on {last!r}"
    if re.search(r"['\u2019]s$", last):
        return f"ends on a possessive {last!r}"
    if text.rstrip()[-1] in ",-/&(":
        return f"ends on {text.rstrip()[-1]!r}"
    if text.count("(") != text.count(")"):
        return "unbalanced brackets"
    return ""


def test_no_indicator_of_any_framework_ends_mid_phrase():
    problems = [
        f"{fid} level {n}: {ind.text!r} {why}"
        for fid, fw in load_frameworks(REAL_CORPUS).items()
        for n, ind in fw.indicators
        if (why := _dangling(ind.text))
    ]
    assert problems == []


@pytest.mark.parametrize(
    "cut",
    ["Minor health problems which can be", "Parents request advice to manage their child's",
     "Low level substance misuse (current or", "Families affected by low income or"],
)
def test_the_dangling_check_catches_the_phrases_the_extraction_cut(cut: str):
    assert _dangling(cut)


def test_bromley_cells_are_joined_back_into_whole_phrases():
    texts = {ind.text for _, ind in load_frameworks(REAL_CORPUS)["bromley-2011"].indicators}
    assert "Minor health problems which can be maintained in a mainstream school" in texts
    assert "Children affected by difficult family relationships or bullying" in texts
    assert "Suspicion of physical, emotional, sexual abuse or neglect" in texts
    assert not {"Children affected by difficult family", "relationships or bullying"} & texts


def test_no_framework_file_has_a_key_without_a_value():
    """An unquoted comma in a flow mapping ({text: a, b, at: 1}) cuts the text and leaves `b: null`."""
    stray = []

    def walk(node, where):
        if isinstance(node, dict):
            stray.extend(f"{where}.{k}" for k, v in node.items() if v is None)
            for k, v in node.items():
                walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]")

    for path in sorted((REAL_CORPUS / "frameworks").glob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    assert stray == []


@pytest.mark.skipif(not Path(SEEDS).is_dir(), reason="seeds not present")
def test_rejoined_parts_must_be_in_the_seed_in_their_order():
    fw = load_frameworks(REAL_CORPUS)["bromley-2011"]
    assert verify_framework(fw, SEEDS) == []
    level = fw.level(2)
    joined = next(i for i in level.indicators if i.parts)
    swapped = replace(joined, parts=tuple(reversed(joined.parts)))
    broken = replace(fw, levels=tuple(
        replace(lv, indicators=(swapped,)) if lv.level == 2 else lv for lv in fw.levels
    ))
    assert any("not at" in p for p in verify_framework(broken, SEEDS))
