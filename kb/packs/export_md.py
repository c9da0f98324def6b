"""The pack as Markdown: everything (passages verbatim as block quotes, citations, trainer
notes, scenario discussions, sources, warnings), for any tool that takes text."""

from __future__ import annotations

from pathlib import Path

from kb.packs.discussion import QUESTION, SAFETY_LINE, discussion_lines, generated_on
from kb.packs.model import HeadingItem, ScenarioItem
from kb.packs.resolve import CHANGED, MISSING, ResolvedPack, ResolvedPassage


def _quote(text: str) -> list[str]:
    return [f"> {line}" if line else ">" for line in text.split("\n")]


def render_markdown(resolved: ResolvedPack) -> str:
    out = [f"# {resolved.pack.title}", ""]
    out.append(
        f"_Session pack `{resolved.pack.name}`, exported {generated_on()} from index build "
        f"{resolved.build_id}. {SAFETY_LINE}_"
    )
    out.append("")
    for warning in resolved.warnings:
        out += [f"**Warning:** {warning}", ""]
    scenarios = 0
    for entry in resolved.entries:
        if isinstance(entry, HeadingItem):
            out += [f"## {entry.text}", ""]
        elif isinstance(entry, ResolvedPassage):
            heading = entry.passage.heading_path if entry.passage else ()
            out += [f"### {heading[-1] if heading else entry.item.passage_id}", ""]
            if entry.status == CHANGED:
                out += ["**Changed since pinned: current text below.**", ""]
            elif entry.status == MISSING:
                out += ["**No longer in the index: text as pinned.**", ""]
            out += _quote(entry.text) + [""]
            ref = f" (`{entry.source_ref}`)" if entry.source_ref else ""
            out += [f"-- {entry.citation}{ref}", ""]
            if entry.note:
                out += [f"Trainer notes: {entry.note}", ""]
        elif isinstance(entry, ScenarioItem):
            scenarios += 1
            out += [f"### Case scenario {scenarios}", "", entry.text, "", f"**{QUESTION}**", ""]
            out += ["<details><summary>Discussion (trainer)</summary>", ""]
            out += discussion_lines(entry) + ["", "</details>", ""]
    out += ["## Sources", ""]
    out += [f"- {s.line()}" for s in resolved.sources] or ["- none: this pack has no passages yet"]
    return "\n".join(out).rstrip("\n") + "\n"


def export_md(resolved: ResolvedPack, path: Path | None = None) -> bytes:
    data = render_markdown(resolved).encode("utf-8")
    if path is not None:
        Path(path).write_bytes(data)
    return data
