"""`kb pack …`: trainer session packs. Thin: parse arguments, call kb.packs, print text or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.cli.output import print_json
from kb.config import Settings
from kb.errors import KBError

FORMATS = ("pptx", "docx", "md")


def _store():
    from kb.packs.store import PackStore

    return PackStore.from_settings(Settings.from_env())


def _index():
    """The serving index without the encoder: pack commands never embed anything."""
    from kb.retrieval import load_index

    return load_index(Settings.from_env().index_dir)


def _resolved(name: str):
    from kb.packs.resolve import resolve_pack

    return resolve_pack(_store().load(name), _index())


def _warn(resolved) -> None:
    for warning in resolved.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def _print_pack(resolved) -> None:
    pack = resolved.pack
    print(f"{pack.title}  ({pack.name}, {len(pack.items)} items, updated {pack.updated})")
    if not pack.items:
        print("  (empty: add passages with `kb pack add`, scenarios with `kb pack scenario`)")
    for n, entry in enumerate(resolved.entries, start=1):
        if entry.kind == "heading":
            print(f"\n{n:>3}. == {entry.text} ==")
        elif entry.kind == "scenario":
            from kb.packs.discussion import level_line

            print(f"{n:>3}. scenario: {entry.text}")
            print(f"     {level_line(entry)}")
        else:
            flag = {"changed": "  [CHANGED since pinned]", "missing": "  [NO LONGER IN THE INDEX]"}
            print(f"{n:>3}. {entry.citation}{flag.get(entry.status, '')}")
            print(f"     id {entry.item.passage_id}")
            for line in entry.text.splitlines():
                print(f"     | {line}")
            if entry.note:
                print(f"     note: {entry.note}")
    print("\nSources:")
    for source in resolved.sources:
        print(f"  - {source.line()}")


def cmd_new(args: argparse.Namespace) -> int:
    pack = _store().create(args.name, args.title or "")
    if args.json:
        print_json(pack.to_json())
    else:
        print(f"created pack {pack.name!r} at {_store().path_for(pack.name)}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from kb.packs.store import passage_items

    store = _store()
    store.load(args.name)  # fail on a missing or broken pack before loading the index
    pack = store.add_items(args.name, passage_items(_index(), args.passage_ids, args.note or ""))
    if args.json:
        print_json(pack.to_json())
    else:
        print(f"added {len(args.passage_ids)} passage(s) to {pack.name!r}: {len(pack.items)} items")
    return 0


def cmd_scenario(args: argparse.Namespace) -> int:
    from kb.packs.discussion import level_line
    from kb.packs.store import scenario_item

    store = _store()
    store.load(args.name)
    item = scenario_item(args.text, area=args.area, note=args.note or "")
    pack = store.add_items(args.name, [item])
    if args.json:
        print_json({**pack.to_json(), "added": item.to_json()})
    else:
        if item.assessment.get("immediate_danger"):
            print("IMMEDIATE DANGER described: call 999 now.")
        print(f"added scenario {len(pack.items)} to {pack.name!r}. {level_line(item)}")
        print(item.assessment.get("caveat", ""))
    return 0


def cmd_heading(args: argparse.Namespace) -> int:
    pack = _store().add_heading(args.name, args.text)
    if args.json:
        print_json(pack.to_json())
    else:
        print(f"added heading {len(pack.items)} to {pack.name!r}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    resolved = _resolved(args.name)
    if args.json:
        print_json(resolved.to_json())
    else:
        _print_pack(resolved)
    _warn(resolved)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    summaries = _store().summaries()
    if args.json:
        print_json([s.to_json() for s in summaries])
        return 0
    if not summaries:
        print("no packs yet: `kb pack new NAME`")
    for s in summaries:
        if s.error:
            print(f"{s.name}: UNREADABLE: {s.error}")
        else:
            print(
                f"{s.name}: {s.title} ({s.passages} passages, {s.scenarios} scenarios, updated {s.updated})"
            )
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    store = _store()
    if args.action == "remove":
        pack = store.remove(args.name, args.position)
    elif args.action == "move":
        pack = store.move(args.name, args.position, args.to)
    else:
        pack = store.set_note(args.name, args.position, args.text)
    if args.json:
        print_json(pack.to_json())
    else:
        print(f"{pack.name!r}: {len(pack.items)} items")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from kb.packs.resolve import repin

    store = _store()
    pack, count = repin(store.load(args.name), _index())
    if count:
        store.save(pack)
    if args.json:
        print_json({"name": pack.name, "repinned": count})
    else:
        print(f"{pack.name!r}: {count} changed passage(s) re-pinned to their current text")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kb.packs.export_docx import export_docx
    from kb.packs.export_md import export_md
    from kb.packs.export_pptx import export_pptx

    resolved = _resolved(args.name)
    path = Path(args.output) if args.output else Path(f"{resolved.pack.name}.{args.format}")
    if args.format == "pptx":
        data = export_pptx(resolved)
    elif args.format == "docx":
        data = export_docx(resolved, include_notes=args.notes)
    else:
        data = export_md(resolved)
    if str(path) == "-":
        sys.stdout.buffer.write(data)
    else:
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise KBError(f"{path}: cannot write ({exc.strerror})") from exc
    if args.json:
        print_json(
            {
                "name": resolved.pack.name,
                "format": args.format,
                "path": str(path),
                "bytes": len(data),
                "items": len(resolved.entries),
                "warnings": resolved.warnings,
            }
        )
    elif str(path) != "-":
        print(f"wrote {path} ({len(data)} bytes)")
    _warn(resolved)
    return 0


def register(subparsers) -> None:
    pack = subparsers.add_parser("pack", help="trainer session packs: collect passages, export slides")
    sub = pack.add_subparsers(dest="pack_command", required=True)

    def command(name: str, func, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)
        return p

    p = command("new", cmd_new, "create an empty pack")
    p.add_argument("name")
    p.add_argument("--title", help="shown on the title slide (default: the name)")

    p = command("add", cmd_add, "pin passages (ids from `kb search`) to a pack")
    p.add_argument("name")
    p.add_argument("passage_ids", nargs="+", metavar="PASSAGE_ID")
    p.add_argument("--note", help="trainer notes (speaker notes on the slide)")

    p = command("scenario", cmd_scenario, "add a case scenario, with the level `kb level` suggests")
    p.add_argument("name")
    p.add_argument("text")
    p.add_argument("--area", help="whose levels framework (default: Cambridgeshire & Peterborough)")
    p.add_argument("--note", help="trainer notes")

    p = command("heading", cmd_heading, "add a section heading")
    p.add_argument("name")
    p.add_argument("text")

    p = command("show", cmd_show, "the pack's items, flagging passages changed since pinned")
    p.add_argument("name")

    command("list", cmd_list, "all packs")

    p = command("remove", cmd_edit, "remove item POSITION (1-based, as `kb pack show` numbers them)")
    p.add_argument("name")
    p.add_argument("position", type=int)
    p.set_defaults(action="remove")

    p = command("move", cmd_edit, "move item POSITION to TO")
    p.add_argument("name")
    p.add_argument("position", type=int)
    p.add_argument("to", type=int)
    p.set_defaults(action="move")

    p = command("note", cmd_edit, "set the trainer notes of item POSITION")
    p.add_argument("name")
    p.add_argument("position", type=int)
    p.add_argument("text")
    p.set_defaults(action="note")

    p = command("refresh", cmd_refresh, "accept the current text of passages changed since pinned")
    p.add_argument("name")

    p = command("export", cmd_export, "write slides (pptx), a handout (docx) or Markdown")
    p.add_argument("name")
    p.add_argument("--format", choices=FORMATS, required=True)
    p.add_argument("-o", "--output", help="output file ('-' for stdout; default NAME.FORMAT)")
    p.add_argument("--notes", action="store_true", help="docx: include trainer notes and scenario levels")
