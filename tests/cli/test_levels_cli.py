"""`kb level` and `kb eval --scenarios` through the real command line (subprocess, offline)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TRAINING = Path(__file__).parents[2] / "corpus" / "frameworks" / "training"
ROOT = Path(__file__).parents[2]
CONTRACT = {
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
}


def kb(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "kb.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


@pytest.mark.slow
def test_level_json_has_the_contract_keys_and_cited_evidence():
    run = kb(
        "level",
        "A man on the sex offenders register has moved in with a mother and her daughter, 9.",
        "--json",
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert CONTRACT <= set(data)
    assert data["level"] == 4 and data["framework"] == "cambs-peterborough-2018"
    assert all(e["text"] and e["citation"] for e in data["evidence"])
    assert "professional judgement" in data["caveat"]


@pytest.mark.slow
def test_immediate_danger_text_puts_999_first():
    run = kb(
        "level",
        "A 14-year-old says her stepdad has a knife and threatened to kill her tonight.",
        "--area",
        "bromley",
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("IMMEDIATE DANGER")
    contacts = lines[lines.index("Contacts:") + 1 :]
    assert "999" in contacts[0]
    assert "professional judgement" in run.stdout


@pytest.mark.slow
def test_superseded_framework_is_flagged_in_text_output():
    run = kb("level", "A 7-year-old is often late and behind with reading.", "--framework", "bromley-2011")
    assert run.returncode == 0, run.stderr
    assert "SUPERSEDED" in run.stdout
    assert "is superseded by bromley-2019" in run.stdout
    assert run.stdout.startswith("Level ")  # a level is still given, from the framework asked for


@pytest.mark.slow
def test_empty_scenario_is_a_clear_error_not_a_traceback():
    run = kb("level", "   ", "--json")
    assert run.returncode == 2
    assert "empty" in json.loads(run.stdout)["error"]
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_batch_prints_one_object_a_line_and_reports_bad_lines(tmp_path):
    batch = tmp_path / "cases.jsonl"
    batch.write_text(
        json.dumps(
            {"scenario": "A 9-year-old is doing well at school with lots of friends.", "area": "bromley"}
        )
        + "\n"
        + json.dumps(
            {"scenario": "Mum passed out drunk while alone with her baby.", "framework": "bromley-2011"}
        )
        + "\n"
        + json.dumps({"scenario": "", "area": "bromley"})
        + "\n",
        encoding="utf-8",
    )
    run = kb("level", "--batch", str(batch), "--json")
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(rows) == 3
    assert rows[0]["level"] == 1 and rows[0]["framework"] == "bromley-2019"
    assert rows[1]["level"] == 4 and rows[1]["superseded"] is True
    assert rows[2]["line"] == 3 and "empty" in rows[2]["error"]
    assert run.returncode == 1


@pytest.mark.slow
def test_eval_scenarios_json_has_the_issue_keys_overall_and_per_framework():
    run = kb("eval", "--scenarios", str(TRAINING / "scenarios_boundary.jsonl"), "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    keys = {"scenarios", "accuracy", "under_calls", "over_calls", "level4_under_calls", "confusion"}
    assert keys <= set(data)
    assert data["scenarios"] == 41
    assert len(data["confusion"]) == 4 and all(len(row) == 4 for row in data["confusion"])
    assert sum(map(sum, data["confusion"])) == 41
    assert set(data["per_framework"]) == {"bromley-2011", "cambs-peterborough-2018"}
    assert all(keys <= set(r) for r in data["per_framework"].values())


@pytest.mark.slow
def test_eval_scenarios_text_shows_the_confusion_matrix():
    run = kb("eval", "--scenarios", str(TRAINING / "scenarios_synthetic.jsonl"))
    assert run.returncode == 0, run.stderr
    assert "gold\\pred" in run.stdout and "bromley-2011" in run.stdout
