"""Where things live and which model to use: one place, overridable by environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The packaged general-purpose encoder, and the one fine-tuned from it on the questions written
# for every passage (kb/retrieval/train.py; its weights ship in kb/retrieval/weights/).
BASE_MODEL = "all-MiniLM-L6-v2"
DEFAULT_MODEL = "kb-minilm-safeguarding"
# The level model (case description -> level) reads with the stronger encoder when it is installed:
# on 341 labelled cases it is 8 points more accurate than MiniLM (docs/levels.md).
DEFAULT_LEVEL_MODEL = "all-mpnet-base-v2"


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Resolved locations and model name. `Settings.from_env()` reads KB_* variables."""

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    seeds_dir: Path = PROJECT_ROOT.parent / "shared" / "seeds"
    packs_dir: Path = PROJECT_ROOT / "packs"
    model: str = DEFAULT_MODEL
    level_model: str = DEFAULT_LEVEL_MODEL
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            corpus_dir=_path_from_env("KB_CORPUS_DIR", PROJECT_ROOT / "corpus"),
            index_dir=_path_from_env("KB_INDEX_DIR", PROJECT_ROOT / "index"),
            seeds_dir=_path_from_env("KB_SEEDS_DIR", PROJECT_ROOT.parent / "shared" / "seeds"),
            packs_dir=_path_from_env("KB_PACKS_DIR", PROJECT_ROOT / "packs"),
            model=os.environ.get("KB_MODEL", DEFAULT_MODEL),
            level_model=os.environ.get("KB_LEVEL_MODEL", DEFAULT_LEVEL_MODEL),
        )


def relative_to_root(path: Path) -> str:
    """Path as shown in citations: relative to the project root when inside it."""
    try:
        return path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return path.as_posix()
