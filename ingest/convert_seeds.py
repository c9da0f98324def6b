"""Convert the five plain-text seeds into reviewed Markdown under corpus/, reproducibly.

    python -m ingest.convert_seeds [--seeds DIR] [--out DIR]

What each seed is (ids, titles, dates, the manual's chapter list and hand overrides) lives in
ingest/data/seed_manifest.yaml; this module only applies the shape rules to it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from ingest.blocks import build_blocks
from ingest.headings import heading_levels
from ingest.lines import SourceLine, read_seed
from ingest.manifest import DocSpec, load_specs
from ingest.render import Heading, body_markdown, front_matter
from ingest.slides import is_image_description, markdown_heading, slide_title_levels
from kb.config import Settings


class IngestError(Exception):
    """A seed does not match the manifest (e.g. a chapter title is not on its line)."""


@cache
def _seed_lines(path: Path) -> tuple[SourceLine, ...]:
    if not path.is_file():
        raise IngestError(f"{path}: seed file not found")
    return tuple(read_seed(path.read_text(encoding="utf-8")))


def _document_lines(spec: DocSpec, seeds_dir: Path) -> list[SourceLine]:
    lines = _seed_lines(seeds_dir / spec.seed)
    end = spec.line_end or len(lines)
    if end > len(lines):
        raise IngestError(f"{spec.seed}: {spec.id} ends at line {end}, seed has {len(lines)}")
    return list(lines[spec.line_start - 1 : end])


def _title_line(spec: DocSpec, lines: list[SourceLine]) -> SourceLine | None:
    """The seed line that is the `#` title; fails loudly when it does not say the title."""
    if spec.title_line is None:
        return None
    line = next((ln for ln in lines if ln.number == spec.title_line), None)
    own = markdown_heading(line.text) if line else None
    text = own[1] if own else (line.text if line else "")
    # A chapter's title line is exactly its title; a deck's title slide may say more after it.
    exact = spec.line_start == spec.title_line
    if line is None or not (text == spec.title if exact else text.startswith(spec.title)):
        raise IngestError(
            f"{spec.seed}:{spec.title_line}: expected title {spec.title!r} for {spec.id}, found {text!r}"
        )
    return line


def _heading_levels(spec: DocSpec, body: Sequence[SourceLine]) -> dict[int, int]:
    if spec.format == "deck":
        return slide_title_levels(body, spec.slide_titles, spec.overrides)
    return heading_levels(body, spec.overrides)


def _images(spec: DocSpec, body: Sequence[SourceLine]) -> set[int]:
    """Slide picture descriptions (rule + manifest list); manuals have none."""
    if spec.format != "deck":
        return set(spec.overrides.images)
    found = {ln.number for ln in body if is_image_description(ln.text)}
    images = found | set(spec.overrides.images)
    for line in body:
        if line.number in images and "-->" in line.text:
            raise IngestError(f"{spec.seed}:{line.number}: image text would close its comment")
    return images


def document_markdown(spec: DocSpec, seeds_dir: Path) -> str:
    """The full text of one corpus file: front matter, `#` title, converted body."""
    lines = _document_lines(spec, seeds_dir)
    title = _title_line(spec, lines)
    body = [ln for ln in lines if title is None or ln.number != title.number]
    if title is not None:
        body = [ln for ln in body if ln.number > title.number or ln.is_blank]
    heading_text = title.text if title else spec.title
    own = markdown_heading(heading_text)
    blocks = [Heading(1, own[1] if own else heading_text)]
    plain_lines = frozenset(ln.number for ln in body if spec.overrides.is_plain_text(ln.number))
    blocks += build_blocks(
        body,
        _heading_levels(spec, body),
        _images(spec, body),
        joins_lines=spec.format == "deck",
        plain_lines=plain_lines,
    )
    return front_matter(spec, lines[0].number, lines[-1].number) + body_markdown(blocks)


def output_path(spec: DocSpec, out_dir: Path) -> Path:
    return out_dir / spec.area / f"{spec.id}.md"


def convert(seeds_dir: Path, out_dir: Path, specs: Sequence[DocSpec] | None = None) -> list[Path]:
    """Write every manifest document under `out_dir`; returns the files written."""
    specs = list(specs if specs is not None else load_specs())
    ids = [spec.id for spec in specs]
    if len(set(ids)) != len(ids):
        raise IngestError(f"seed manifest: duplicate ids {sorted({i for i in ids if ids.count(i) > 1})}")
    written = []
    for spec in specs:
        path = output_path(spec, out_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document_markdown(spec, seeds_dir), encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=settings.seeds_dir, help="seed directory")
    parser.add_argument("--out", type=Path, default=settings.corpus_dir, help="corpus directory")
    args = parser.parse_args(argv)
    try:
        written = convert(args.seeds, args.out)
    except IngestError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} documents under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
