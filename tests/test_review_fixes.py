"""Behaviour pinned down by the pre-release review: odd input gives a named error, never a
traceback; immediate danger always brings 999; superseded sources are flagged where shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.config import Settings

DANGER = "a man is threatening the child with a knife right now"


@pytest.fixture
def serve_fixture(monkeypatch: pytest.MonkeyPatch, fixture_settings: Settings) -> Settings:
    monkeypatch.setenv("KB_CORPUS_DIR", str(fixture_settings.corpus_dir))
    monkeypatch.setenv("KB_INDEX_DIR", str(fixture_settings.index_dir))
    return fixture_settings


def test_search_with_an_unknown_area_names_the_areas_instead_of_crashing(serve_fixture, capsys) -> None:
    from kb.cli import main

    assert main(["search", "forced marriage", "--area", "nowhere"]) == 1
    err = capsys.readouterr().err
    assert "unknown --area 'nowhere'" in err and "bromley" in err
    assert "Traceback" not in err


def test_search_batch_with_a_bad_json_line_names_the_file_and_line(
    serve_fixture, tmp_path: Path, capsys
) -> None:
    from kb.cli import main

    batch = tmp_path / "questions.jsonl"
    batch.write_text('{"question": "forced marriage"}\n{not json\n', encoding="utf-8")
    assert main(["search", "--batch", str(batch), "--json"]) == 1
    assert f"{batch}:2: not JSON" in capsys.readouterr().err


def test_search_batch_with_a_missing_file_says_it_cannot_be_read(serve_fixture, tmp_path, capsys) -> None:
    from kb.cli import main

    missing = tmp_path / "nope.txt"
    assert main(["search", "--batch", str(missing)]) == 1
    assert f"{missing}: cannot be read" in capsys.readouterr().err


def test_eval_questions_with_a_bad_line_names_the_file_and_line(tmp_path: Path) -> None:
    from kb.errors import InputFileError
    from kb.evaluate import read_jsonl

    bad = tmp_path / "q.jsonl"
    bad.write_text('{"question": "a", "snippets": []}\n\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"q\.jsonl:3: expected a JSON object"):
        read_jsonl(bad)


def test_an_area_without_a_framework_suggests_no_level_but_danger_still_brings_999() -> None:
    from kb.answer import threshold_for

    danger = threshold_for(DANGER, "newshire", [])
    assert danger is not None and danger["level"] is None and danger["immediate_danger"]
    assert [c["detail"] for c in danger["contacts"]] == ["999"]
    calm = threshold_for("what is the policy on bullying", "newshire", [])
    assert calm is not None and not calm["immediate_danger"] and calm["framework"] is None
