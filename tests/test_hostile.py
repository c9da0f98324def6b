"""Hostile input (issue 20): every kind of bad input gets a clean error or is handled, never a
traceback and never silent acceptance; corpus text never makes the browser fetch anything.

Fast tests use the fixture corpus; the memory test and the Chromium test are marked slow (the
Chromium one also `browser`). Figures: the bomb import's peak RSS is printed by its test.
"""

from __future__ import annotations

import errno
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.build import BuildError, build_index
from ingest.importer import ImportOptions, import_paths, plan_import
from ingest.loaders import LoadError, load_source
from kb.cli import main
from kb.config import PROJECT_ROOT, Settings
from kb.text import clean_query, terminal_safe
from kb_app.render import display_markdown, safe_inline
from tests.maintain_helpers import corpus_copy, make_docx, make_pdf

AREA = ImportOptions(area="testshire")
GOOD = "Bruising\n\n1. Definition\nBruising in a baby who is not yet mobile must always be taken seriously.\n"


# ------------------------------------------------------------------ helpers


def _zip_bomb(path: Path, member: str, expanded: int, template: Path | None = None) -> Path:
    """An Office zip whose `member` inflates to `expanded` bytes of well-formed XML (written
    1 MiB at a time); with `template` (a real .docx), every other member is the real one, so
    without the size check python-docx would parse the whole expanded document."""
    head = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'  # noqa: E501
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    chunk = b"A" * 2**20
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        if template is None:
            package.writestr("[Content_Types].xml", "<Types/>")
        else:
            with zipfile.ZipFile(template) as real:
                for info in real.infolist():
                    if info.filename != member:
                        package.writestr(info, real.read(info))
        with package.open(member, "w", force_zip64=True) as handle:
            handle.write(head)
            for _ in range(expanded // len(chunk)):
                handle.write(chunk)
            handle.write(tail)
    return path


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# ------------------------------------------------------------------ 1. decompression bombs


@pytest.mark.parametrize(
    ("name", "member", "expanded", "said"),
    [
        ("bomb.docx", "word/document.xml", 300 * 2**20, "more than 200 MB"),
        ("bomb.pptx", "ppt/presentation.xml", 300 * 2**20, "more than 200 MB"),
        ("dense.docx", "word/document.xml", 60 * 2**20, "limit 100"),  # under 200 MB, ratio > 100
    ],
)
def test_a_decompression_bomb_is_refused_naming_the_file_and_the_limit(
    tmp_path, name, member, expanded, said
):
    bomb = _zip_bomb(tmp_path / name, member, expanded)
    assert bomb.stat().st_size < 10 * 2**20  # small enough for the Maintain page's upload limit
    with pytest.raises(LoadError) as refused:
        load_source(bomb)
    assert name in str(refused.value) and said in str(refused.value)
    assert "decompression bomb" in str(refused.value)


def test_the_maintain_upload_path_refuses_a_bomb_before_any_loader(tmp_path):
    """The Maintain page calls plan_import on the uploaded bytes: the same check applies."""
    settings = corpus_copy(tmp_path)
    bomb = _zip_bomb(tmp_path / "upload.docx", "word/document.xml", 300 * 2**20)
    with pytest.raises(LoadError, match="decompression bomb"):
        plan_import(bomb, AREA, settings.corpus_dir, display_name="chapter.docx")


@pytest.mark.slow
def test_importing_a_1_gb_bomb_stays_under_300_mb_of_memory(tmp_path):
    real = make_docx(tmp_path / "real.docx")
    bomb = _zip_bomb(tmp_path / "bomb.docx", "word/document.xml", 2**30, template=real)
    settings = corpus_copy(tmp_path)
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from ingest.importer import ImportOptions, import_paths\n"
        "report = import_paths([Path(sys.argv[1])], ImportOptions(area='testshire'), Path(sys.argv[2]))\n"
        # VmHWM is this process's own peak (ru_maxrss would count the forked pytest parent's pages)
        "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        "peak = int(hwm.split()[1]) * 1024\n"
        "print(json.dumps({'errors': report.errors, 'written': report.written, 'peak': peak}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(bomb), str(settings.corpus_dir)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout)
    print(f"bomb import peak RSS: {result['peak'] / 2**20:.0f} MB")
    assert not result["written"] and "decompression bomb" in result["errors"][0]
    assert result["peak"] < 300 * 2**20


# ------------------------------------------------------------------ 2 and 8. verbatim rendering


PIXEL = "http://127.0.0.1:9/pixel.png?leak=zebra"


def test_an_image_in_a_passage_becomes_alt_text_and_url_never_an_image():
    shown = display_markdown(f"See ![the map]({PIXEL}) here.\n[ref]: {PIXEL}\n![x][ref]")
    assert "![" not in shown.replace("\\!\\[", "")
    assert "\\[image\\: the map\\] http\\://127\\.0\\.0\\.1\\:9/pixel\\.png?leak=zebra" in shown
    assert "\\[ref\\]\\: [http" in shown  # a reference definition is text (and a link), not a definition
    assert "\\!\\[x\\]\\[ref\\]" in shown


def test_only_http_and_mailto_links_are_clickable():
    shown = safe_inline(
        "[a](https://gov.uk/a) [m](mailto:x@y.uk) [d](data:text/html,<b>x</b>) "
        "[j](javascript:alert(1)) [f](file:///etc/passwd)"
    )
    assert "[a](https://gov.uk/a)" in shown and "[m](mailto:x@y.uk)" in shown
    for scheme in ("data", "javascript", "file"):
        assert f"]({scheme}" not in shown and f"\\]\\({scheme}" in shown


def test_streamlit_directives_and_html_are_escaped_in_passage_text():
    line = "Colours :red[danger] :material/warning: background:red; $x$ <b>tag</b> &amp; ~~s~~ _i_"
    shown = display_markdown(line)
    for raw in (":red[", ":material/", "background:red", "$x$", "<b>", "&amp;", "~~", "_i_"):
        assert re.search(r"(?<!\\)" + re.escape(raw), shown) is None, raw  # each one escaped
    assert "\\:red\\[danger\\]" in shown and "background\\:red;" in shown


def test_corpus_markdown_that_means_something_still_renders():
    shown = display_markdown("- **Home visits:** see [the guidance](https://gov.uk/x).\n1\\. Numbered")
    assert shown.startswith("- **Home visits\\:** see [the guidance](https://gov.uk/x)\\.")
    assert "1\\. Numbered" in shown


# ------------------------------------------------------------------ 3 and 9. queries and batches


def test_bad_bytes_and_control_characters_in_a_query_are_replaced():
    assert clean_query("girl\udcff abroad\x1b[2J") == "girl\ufffd abroad [2J"
    assert clean_query("lone \ud800 surrogate").startswith("lone \ufffd")
    assert clean_query("\x00\x07") == ""


def _copy_frameworks(settings: Settings) -> None:
    """The real levels-of-need frameworks, so `kb level` and the emergency line have their data."""
    frameworks = PROJECT_ROOT / "corpus" / "frameworks"
    if frameworks.is_dir() and not (settings.corpus_dir / "frameworks").exists():
        shutil.copytree(frameworks, settings.corpus_dir / "frameworks")


@pytest.fixture(scope="module")
def served_fixture(tmp_path_factory) -> Iterator[Settings]:
    """The fixture corpus plus a document carrying ESC sequences, built once for the CLI tests."""
    root = tmp_path_factory.mktemp("hostile-cli")
    settings = corpus_copy(root)
    doc = settings.corpus_dir / "testshire" / "ts-escapes.md"
    doc.write_text(
        "---\nid: ts-escapes\ntitle: Escapes\narea: testshire\ntype: procedure\nstatus: current\n"
        "origin:\n  file: testshire-manual.txt\n  line_start: 1\n  line_end: 5\n---\n# Escapes\n\n"
        "## 1. Terminal\n\nWombat terminal text \x1b[2J\x1b]0;pwned\x07 wombats are reported to the team.\n",
        encoding="utf-8",
    )
    _copy_frameworks(settings)
    build_index(settings)
    yield settings


@pytest.fixture
def cli_env(served_fixture, monkeypatch) -> Settings:
    monkeypatch.setenv("KB_CORPUS_DIR", str(served_fixture.corpus_dir))
    monkeypatch.setenv("KB_INDEX_DIR", str(served_fixture.index_dir))
    return served_fixture


def test_invalid_utf8_on_the_command_line_is_searched_not_a_crash(cli_env, capsys):
    code, out, _ = _cli(capsys, "search", "gang\udcff\udcfe colours", "--json", "-k", "1")
    assert code == 0 and json.loads(out)["results"]
    code, out, _ = _cli(capsys, "level", "a boy in a gang\udcff", "--area", "cambridgeshire-peterborough")
    assert code == 0 and "evel" in out


def test_a_batch_with_bad_lines_answers_the_others_with_an_error_in_place(cli_env, capsys, tmp_path):
    batch = tmp_path / "batch.jsonl"
    batch.write_bytes(
        b'{"question": "gang colours"}\n'
        b'{"question": "lone \\ud800 surrogate gang"}\n'
        b"{not json\n"
        b'{"question": null}\n'
        b'{"question": 7}\n'
        b"plain text line about gangs \xff\xfe\n"
    )
    code, out, _ = _cli(capsys, "search", "--batch", str(batch), "-k", "1")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(rows) == 6
    assert [r.get("line") for r in rows if "error" in r] == [3, 4, 5]
    assert all(r["results"] for r in rows if "error" not in r)
    assert "None" not in [r.get("query") for r in rows]


def test_a_level_batch_with_a_non_string_scenario_is_an_error_in_place(cli_env, capsys, tmp_path):
    batch = tmp_path / "cases.jsonl"
    batch.write_text(
        '{"scenario": null, "area": "cambridgeshire-peterborough"}\n'
        '{"scenario": "A boy, 14, carries a knife for older gang members \\ud800", "area": "bromley"}\n'
    )
    code, out, _ = _cli(capsys, "level", "--batch", str(batch))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and rows[0]["line"] == 1 and "error" in rows[0] and rows[1]["level"]


def test_escape_sequences_already_in_the_corpus_are_shown_escaped(cli_env, capsys):
    code, out, _ = _cli(capsys, "search", "wombat terminal text", "-k", "1")
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in out
    code, out, _ = _cli(capsys, "search", "wombat terminal text", "-k", "1", "--json")
    passage = json.loads(out)["results"][0]["passage_id"]
    code, out, _ = _cli(capsys, "show", passage)
    assert code == 0 and "\x1b" not in out and "\\x1b[2J" in out
    assert terminal_safe("tab\tnew\nline\r") == "tab\tnew\nline\\x0d"


# ------------------------------------------------------------------ 4 and 7. importer refusals


def _one(tmp_path: Path, path: Path, options: ImportOptions = AREA) -> tuple[Settings, list[str]]:
    settings = corpus_copy(tmp_path / "c")
    report = import_paths([path], options, settings.corpus_dir)
    return settings, report.errors


def test_a_symlink_is_refused_unless_follow_symlinks_is_given(tmp_path):
    target = tmp_path / "target.txt"
    target.write_text(GOOD)
    link = tmp_path / "passwd.txt"
    link.symlink_to("/etc/passwd")
    settings, errors = _one(tmp_path, link)
    assert errors and "symbolic link" in errors[0] and "--follow-symlinks" in errors[0]
    assert not (settings.corpus_dir / "_sources" / "passwd.txt").exists()
    good_link = tmp_path / "good.txt"
    good_link.symlink_to(target)
    report = import_paths(
        [good_link], ImportOptions(area="testshire", follow_symlinks=True), settings.corpus_dir
    )
    assert report.written and not report.errors


def test_a_fifo_or_a_folder_is_refused_as_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.md"
    folder.mkdir()
    for n, path in enumerate((fifo, folder)):
        _, errors = _one(tmp_path / str(n), path)
        assert errors and "not a regular file" in errors[0]


def test_a_nul_byte_after_the_first_64_kib_is_refused(tmp_path):
    late = tmp_path / "late.txt"
    late.write_bytes(GOOD.encode() + b"x" * 70_000 + b"\x00 hidden\n")
    _, errors = _one(tmp_path, late)
    assert errors and "binary content" in errors[0]


def test_a_control_character_is_refused_with_its_line_number(tmp_path):
    esc = tmp_path / "esc.txt"
    esc.write_bytes(GOOD.encode() + b"Line four \x1b]0;title\x07 here\n")
    _, errors = _one(tmp_path, esc)
    assert errors and "line 5" in errors[0] and "U+001B" in errors[0]


def test_utf16_with_a_bom_is_decoded(tmp_path):
    for encoding, bom in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")):
        path = tmp_path / f"wide-{encoding}.txt"
        path.write_bytes(bom + GOOD.replace("Bruising", "Brûising").encode(encoding))
        settings, errors = _one(tmp_path / encoding, path)
        assert not errors
        written = next((settings.corpus_dir / "testshire").glob("*br*ising*.md"))
        assert "Brûising in a baby" in written.read_text(encoding="utf-8")


def test_published_must_be_a_date_and_kb_check_flags_one_that_is_not(tmp_path, capsys, monkeypatch):
    source = tmp_path / "chapter.txt"
    source.write_text(GOOD)
    settings = corpus_copy(tmp_path / "c")
    monkeypatch.setenv("KB_CORPUS_DIR", str(settings.corpus_dir))
    code, _, err = _cli(capsys, "import", str(source), "--area", "testshire", "--published", "not-a-date")
    assert code == 2 and "not a date" in err
    report = import_paths([source], ImportOptions(area="testshire", published="2024-13"), settings.corpus_dir)
    assert report.errors and "not a date" in report.errors[0]
    gangs = settings.corpus_dir / "testshire" / "ts-gangs.md"
    gangs.write_text(gangs.read_text().replace("status: current", "status: current\npublished: soon"))
    code, out, _ = _cli(capsys, "check", "--json")
    findings = json.loads(out)["findings"]
    assert any(f["kind"] == "bad_date" and f["doc_id"] == "ts-gangs" for f in findings)


def test_an_area_with_a_path_or_a_new_area_without_new_area_is_refused(tmp_path):
    source = tmp_path / "chapter.txt"
    source.write_text(GOOD)
    settings, errors = _one(tmp_path, source, ImportOptions(area="../../etc"))
    assert errors and "not an area name" in errors[0]
    assert not (settings.corpus_dir / "etc").exists()
    report = import_paths([source], ImportOptions(area="newshire"), settings.corpus_dir)
    assert report.errors and "--new-area" in report.errors[0]
    report = import_paths([source], ImportOptions(area="newshire", new_area=True), settings.corpus_dir)
    assert report.written and (settings.corpus_dir / "newshire").is_dir()


# Kinds that already passed before issue 20, kept passing (each: a clean error naming the file).
ALREADY_REFUSED = {
    "empty.txt": (lambda p: p.write_bytes(b""), "file is empty"),
    "blank.txt": (lambda p: p.write_text("   \n\n  \n"), "file is empty"),
    "image.txt": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4), "binary"),
    "sheet.xlsx": (lambda p: p.write_bytes(b"PK\x03\x04"), "unsupported file type"),
    "noext": (lambda p: p.write_text(GOOD), "unsupported file type"),
    "renamed.docx": (lambda p: p.write_bytes(b"not a zip at all"), "not a Word (.docx) file"),
    "other.docx": (
        lambda p: zipfile.ZipFile(p, "w").writestr("readme.txt", "hello"),
        "without word/document.xml",
    ),
    "other.pptx": (lambda p: zipfile.ZipFile(p, "w").writestr("a.txt", "x"), "without ppt/presentation.xml"),
    "broken.pdf": (lambda p: p.write_bytes(b"%PDF-1.4 broken"), "PDF"),
    "broken.md": (
        lambda p: p.write_text("---\nid: [unclosed\ntitle: x\n---\n# X\n\nText.\n"),
        "front matter",
    ),
    "open.md": (lambda p: p.write_text("---\nid: x\ntitle: X\n# X\n\nText.\n"), "not closed"),
    "huge.txt": (lambda p: open(p, "wb").truncate(30 * 2**20), "larger than the 20 MB limit"),
    "missing.txt": (lambda p: None, "cannot be read"),
}


@pytest.mark.parametrize("name", sorted(ALREADY_REFUSED))
def test_kinds_that_already_passed_still_get_a_clean_error(tmp_path, name):
    make, said = ALREADY_REFUSED[name]
    path = tmp_path / name
    make(path)
    _, errors = _one(tmp_path, path)
    assert errors and said in errors[0] and name in errors[0], errors


def test_well_formed_files_of_every_kind_still_import(tmp_path):
    settings = corpus_copy(tmp_path / "c")
    docx = make_docx(tmp_path / "fostering.docx")
    pdf = make_pdf(tmp_path / "visits.pdf", ["Home visits", "1. Purpose", "Visits keep children safe."])
    text = tmp_path / "bruising.txt"
    text.write_text(GOOD)
    report = import_paths([docx, pdf, text], AREA, settings.corpus_dir)
    assert not report.errors and len(report.written) == 3


# ------------------------------------------------------------------ 5. I/O failures


def _fail_with(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(args[0]) if args else None)

    return fail


@pytest.mark.parametrize(("code", "said"), [(errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only")])
def test_ingest_on_a_full_or_read_only_disk_is_an_error_and_leaves_no_partial_build(
    tmp_path, monkeypatch, capsys, code, said
):
    settings = corpus_copy(tmp_path)
    build_index(settings)
    serving = (settings.index_dir / "current").read_text()
    import ingest.build

    monkeypatch.setattr(ingest.build.np, "save", _fail_with(code))
    with pytest.raises(BuildError, match=said):
        build_index(settings)
    assert not list((settings.index_dir / "builds").glob("*.partial"))
    assert (settings.index_dir / "current").read_text() == serving
    monkeypatch.setenv("KB_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("KB_INDEX_DIR", str(settings.index_dir))
    exit_code, _, err = _cli(capsys, "ingest")
    assert exit_code == 1 and said in err and "serving index is unchanged" in err


def test_ingest_into_an_index_folder_it_cannot_create_is_an_error(tmp_path, capsys, monkeypatch):
    settings = corpus_copy(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("KB_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("KB_INDEX_DIR", str(blocker / "index"))  # a folder under a file: ENOTDIR
    code, _, err = _cli(capsys, "ingest")
    assert code == 1 and "cannot write the index" in err


def test_pack_new_in_a_read_only_packs_folder_is_an_error(tmp_path, monkeypatch, capsys):
    import kb.packs.store

    monkeypatch.setenv("KB_PACKS_DIR", str(tmp_path / "packs"))
    monkeypatch.setattr(kb.packs.store.tempfile, "mkstemp", _fail_with(errno.EROFS))
    code, _, err = _cli(capsys, "pack", "new", "Session one")
    assert code == 1 and "read-only" in err and "cannot save the pack" in err


def test_import_and_rollback_on_a_read_only_disk_are_errors(tmp_path, monkeypatch, capsys):
    import ingest.importer
    import kb.retrieval.index

    settings = corpus_copy(tmp_path / "c")
    source = tmp_path / "chapter.txt"
    source.write_text(GOOD)
    monkeypatch.setattr(ingest.importer, "open", _fail_with(errno.EROFS), raising=False)
    report = import_paths([source], AREA, settings.corpus_dir)
    assert report.errors and "read-only" in report.errors[0] and not report.written
    monkeypatch.undo()
    build_index(settings)
    build_index(settings)
    monkeypatch.setenv("KB_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setattr(kb.retrieval.index.os, "replace", _fail_with(errno.EACCES))
    code, _, err = _cli(capsys, "rollback")
    assert code == 1 and "permission denied" in err


# ------------------------------------------------------------------ serving a corrupt build


def test_a_truncated_serving_build_falls_back_to_the_previous_one_and_kb_check_says_so(
    tmp_path, monkeypatch, capsys
):
    from kb.retrieval.index import read_pointer
    from kb.retrieval.search import get_searcher

    settings = corpus_copy(tmp_path)
    build_index(settings)
    first = read_pointer(settings.index_dir)
    gangs = settings.corpus_dir / "testshire" / "ts-gangs.md"
    gangs.write_text(gangs.read_text().replace("wearing one colour", "wearing one colour or gang tattoos"))
    build_index(settings)
    serving = read_pointer(settings.index_dir)
    assert serving != first
    passages = serving / "passages.jsonl"
    passages.write_bytes(passages.read_bytes()[: passages.stat().st_size // 2])  # cut mid-record
    searcher = get_searcher(settings)
    assert (
        searcher.index.build_dir == first
        and "answering from the previous valid build" in searcher.index.warning
    )
    assert searcher.search("gang colours", k=1)
    monkeypatch.setenv("KB_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("KB_INDEX_DIR", str(settings.index_dir))
    code, out, _ = _cli(capsys, "search", "gang colours", "-k", "1", "--json")
    assert code == 0 and json.loads(out)["results"]
    code, out, _ = _cli(capsys, "check", "--json")
    assert any(
        f["kind"] == "serving_build" and serving.name in f["path"] for f in json.loads(out)["findings"]
    )


# ------------------------------------------------------------------ 6. password guessing


def test_the_lockout_holds_for_60_s_after_5_wrong_passwords_per_key():
    from kb_app.lockout import Lockout

    now = [1000.0]
    lockout = Lockout(clock=lambda: now[0])
    session_a, session_b, address = ["session:a"], ["session:b"], "address:10.0.0.9"
    for _ in range(4):
        lockout.failed([*session_a, address])
    assert lockout.locked_for([*session_a, address]) == 0
    lockout.failed([*session_a, address])
    assert lockout.locked_for([*session_a, address]) == pytest.approx(60)
    assert lockout.locked_for([*session_b, address]) == pytest.approx(60)  # a new session, same address
    assert lockout.locked_for([*session_b, "address:10.0.0.10"]) == 0
    now[0] += 59
    assert lockout.locked_for(session_a) == pytest.approx(1)
    now[0] += 1.5
    assert lockout.locked_for([*session_a, address]) == 0


def test_maintain_locks_out_after_5_wrong_passwords_and_logs_no_password(tmp_path, monkeypatch, caplog):
    from streamlit.testing.v1 import AppTest

    from kb_app.pages import maintain
    from tests.app_helpers import APP

    settings = corpus_copy(tmp_path)
    build_index(settings)
    monkeypatch.setenv("KB_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("KB_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("KB_MAINTAINER_PASSWORD", "correct horse")
    maintain._lockout.clear()
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["page"] = "maintain"
    at.run()
    with caplog.at_level("WARNING"):
        for n in range(5):
            at.text_input[0].input(f"guess-{n}")
            at.button[0].click().run()
            assert any("Wrong password" in e.value for e in at.error)
        at.text_input[0].input("correct horse")
        at.button[0].click().run()
    assert any("Too many wrong passwords" in e.value for e in at.error)
    assert [i for i in at.text_input if i.label == "Maintainer password"]  # still signed out
    failures = [r.getMessage() for r in caplog.records if "wrong password" in r.getMessage()]
    assert len(failures) == 5
    assert not any("guess-" in m or "correct horse" in m for m in caplog.messages)
    maintain._lockout.clear()


def test_make_app_binds_to_localhost_unless_host_is_given():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert "HOST    ?= 127.0.0.1" in makefile and "--server.address $(HOST)" in makefile


# ------------------------------------------------------------------ 2. no outside fetch, in Chromium

CHROMIUM = Path("/usr/bin/chromium")


class _PixelHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()
        self.wfile.write(b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
                         b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")  # fmt: skip

    def log_message(self, *args) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


HOSTILE_LINE = (
    "Quokka colours :red[danger] and :material/warning: with background:red; and $x$ and "
    "<b>bold tag</b> and &amp; entity and :smile: too."
)


IMAGE_AND_LINKS = (
    "![the map]({pixel}/pixel.png?leak=quokka) and a [data link](data:text/html,<b>hi</b>) "
    "and [the guidance](https://www.gov.uk/quokka)."
)


def _hostile_doc(pixel: str) -> str:
    return f"""\
---
id: ts-hostile-verbatim
title: Quokka handling
area: cambridgeshire-peterborough
type: procedure
status: current
origin:
  file: testshire-manual.txt
  line_start: 1
  line_end: 12
---
# Quokka handling

## 1. Reporting quokkas

Quokka handling: report every quokka sighting at once. {IMAGE_AND_LINKS.format(pixel=pixel)}

{HOSTILE_LINE}

<img src="{pixel}/raw.png"> and ![ref image][pix] and <{pixel}/autolink.png>

[pix]: {pixel}/reference.png
"""


@pytest.fixture(scope="module")
def pixel_server() -> Iterator[str]:
    _PixelHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PixelHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory, pixel_server) -> Iterator[tuple[str, str]]:
    """`streamlit run` on the fixture corpus plus the hostile document; (app URL, passage id)."""
    from kb.retrieval.index import load_index
    from tests.app_helpers import APP, app_env

    root = tmp_path_factory.mktemp("hostile-app")
    settings = corpus_copy(root)
    (settings.corpus_dir / "testshire" / "ts-hostile-verbatim.md").write_text(_hostile_doc(pixel_server))
    _copy_frameworks(settings)
    build_index(settings)
    passage = next(p.id for p in load_index(settings.index_dir).passages if "pixel.png" in p.text)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", str(APP), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=PROJECT_ROOT, env=app_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.25)
        yield url, passage
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent: run scripts/install-system-deps.sh"
)
def test_no_page_fetches_a_url_from_corpus_text_and_the_text_shows_verbatim(hostile_app, pixel_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    app, passage = hostile_app
    outside: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(app) else None)
        visits = {
            "ask": lambda: _ask(page, app),
            "deep link": lambda: page.goto(f"{app}/?page=browse&passage={passage}"),
            "browse": lambda: page.goto(f"{app}/?page=browse&doc=ts-hostile-verbatim"),
        }
        for name, visit in visits.items():
            visit()
            try:
                page.get_by_text("background:red;", exact=False).first.wait_for()
            except Exception:
                (PROJECT_ROOT / "test-artifacts").mkdir(exist_ok=True)
                page.screenshot(
                    path=str(PROJECT_ROOT / "test-artifacts" / f"hostile-{name}.png"), full_page=True
                )
                raise
            page.wait_for_timeout(1500)  # let any image the page holds start loading
            main_text = page.locator('[data-testid="stMain"]').inner_text()
            shown = next((line for line in main_text.splitlines() if "background:red;" in line), "")
            assert HOSTILE_LINE in main_text, (name, shown)
            assert f"[image: the map] {pixel_server}/pixel.png?leak=quokka" in main_text, name
            assert page.locator('a[href^="data:"]').count() == 0, name
            assert page.locator('a[href="https://www.gov.uk/quokka"]').count() >= 1, name
            assert page.locator(f'img[src^="{pixel_server}"]').count() == 0, name
        browser.close()
    assert _PixelHandler.requests == [], _PixelHandler.requests
    assert outside == [], outside


def _ask(page, app: str) -> None:
    page.goto(app)
    box = page.get_by_label("What do I do if…")
    box.fill("how do I report a quokka sighting")
    box.press("Enter")
