"""Levels of need: a case description or a question -> the level of the local continuum of need it
implies, with the framework's own words as evidence and whom to call.

Floors, each importing only those below it: `frameworks` (the frameworks as data; `verify`
checks their quotes against the seeds) -> `text` (sentences, negation, the child's age) ->
`rules` (phrase rules, concerns.yaml) -> `weigh` (the rules' level), `evidence`, `contacts` ->
`model` (the learned readers) -> `stack` (weighs rules and readers) -> `assess` (scenario ->
level) -> `thresholds` (what `answer` needs), `evaluate` (scored scenario sets), `cv`
(cross-validation, a script).
The rest of the project needs only the names below.
"""

from kb.levels.assess import CAVEAT, MAX_SCENARIO_CHARS, LevelAssessment, assess_scenario, prepare
from kb.levels.evaluate import evaluate_scenarios, format_evaluation
from kb.levels.frameworks import Framework, FrameworkError, framework_for_area, load_frameworks
from kb.levels.thresholds import borrowed_note, levels_for_passage, threshold_for_query

__all__ = [
    "CAVEAT",
    "MAX_SCENARIO_CHARS",
    "Framework",
    "FrameworkError",
    "LevelAssessment",
    "assess_scenario",
    "borrowed_note",
    "evaluate_scenarios",
    "format_evaluation",
    "framework_for_area",
    "levels_for_passage",
    "load_frameworks",
    "prepare",
    "threshold_for_query",
]
