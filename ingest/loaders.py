"""Source files (.md .txt .docx .pdf .html .pptx) -> text lines, each with where it came from.

Every loader returns the same shape, so the importer never cares about the format, and every
refusal is a LoadError naming the file and the reason a maintainer can act on.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import KBError

MAX_SOURCE_BYTES = 20 * 1024 * 1024
# A zip-based file (.docx, .pptx) is checked before any library opens it: a decompression bomb
# (a small file that expands to gigabytes) is refused by its members' declared sizes.
MAX_UNZIPPED_BYTES = 200 * 2**20
MAX_ZIP_RATIO = 100
TEXT_KINDS = {".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html"}
BINARY_KINDS = {".docx": "docx", ".pdf": "pdf", ".pptx": "pptx"}
SUPPORTED = tuple(sorted({**TEXT_KINDS, **BINARY_KINDS}))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Characters refused in imported text (tab, newline, carriage return and form feed are layout).
_REFUSED_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class LoadError(KBError):
    """A source file cannot be turned into text; the message names the file and why."""


@dataclass(frozen=True)
class SourceText:
    """A source file as text lines. `locations[i]` says where line i+1 came from in the original
    (`line 12`, `page 3`, `paragraph 40`, `slide 7`); `markdown` means the lines already carry
    Markdown headings (`#`), so the importer keeps them rather than guessing headings."""

    path: Path
    kind: str
    lines: tuple[str, ...]
    locations: tuple[str, ...]
    markdown: bool
    notes: tuple[str, ...] = ()
    front_matter: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def safe_name(name: str) -> str:
    """A file name safe to write under corpus/_sources: no folders, no `..`, plain characters.
    `../../x.md` becomes `x.md`; a name with nothing left becomes `upload`."""
    base = re.split(r"[\\/]", name.strip())[-1]
    base = _SAFE_NAME.sub("-", base).strip(".-")
    return base[:120] or "upload"


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    kind = TEXT_KINDS.get(suffix) or BINARY_KINDS.get(suffix)
    if kind is None:
        shown = suffix or "no extension"
        raise LoadError(f"{path}: unsupported file type ({shown}); supported: {', '.join(SUPPORTED)}")
    return kind


def decode_text(path: Path, raw: bytes) -> tuple[str, tuple[str, ...]]:
    """UTF-8 (BOM allowed), UTF-16 with a BOM; otherwise Windows-1252, then Latin-1, with a note
    to check the characters. Binary content (NUL or many control bytes anywhere in the file) is
    refused rather than decoded; so is a control character (ESC, ...) on a line, naming the line."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _refuse_controls(path, raw.decode("utf-16")), ()
        except UnicodeDecodeError as exc:
            raise LoadError(f"{path}: UTF-16 byte-order mark but not valid UTF-16 ({exc.reason})") from exc
    if b"\x00" in raw or len(_CONTROL.findall(raw.decode("latin-1"))) > max(8, len(raw) // 100):
        raise LoadError(f"{path}: binary content, not text (check the file type)")
    try:
        return _refuse_controls(path, raw.decode("utf-8-sig")), ()
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        note = f"{path.name}: not UTF-8; read as {encoding}, check quotes and accented letters"
        return _refuse_controls(path, text), (note,)
    raise LoadError(f"{path}: text in an unknown encoding")  # latin-1 decodes anything: unreachable


def _refuse_controls(path: Path, text: str) -> str:
    """The text, unless a line holds a control character other than tab/newline (an ESC
    sequence could clear a terminal or retitle a window when the passage is printed)."""
    match = _REFUSED_CONTROL.search(text)
    if match is None:
        return text
    line = text.count("\n", 0, match.start()) + 1
    raise LoadError(
        f"{path}: line {line}: control character U+{ord(match.group()):04X} in the text; "
        "remove it and import again"
    )


def _numbered(lines: list[str], unit: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(lines), tuple(f"{unit} {n}" for n in range(1, len(lines) + 1))


def _split_front_matter(path: Path, text: str) -> tuple[dict, int]:
    from kb.corpus import split_front_matter
    from kb.errors import CorpusError

    if not text.startswith("---"):
        return {}, 1
    try:
        return split_front_matter(path, text)
    except CorpusError as exc:
        raise LoadError(str(exc)) from exc


def _load_md(path: Path, raw: bytes) -> SourceText:
    text, notes = decode_text(path, raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, body_start = _split_front_matter(path, text)
    all_lines = text.split("\n")
    lines = all_lines[body_start - 1 :]
    locations = tuple(f"line {n}" for n in range(body_start, len(all_lines) + 1))
    return SourceText(path, "md", tuple(lines), locations, True, notes, meta)


def _load_txt(path: Path, raw: bytes) -> SourceText:
    text, notes = decode_text(path, raw)
    lines, locations = _numbered(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), "line")
    return SourceText(path, "txt", lines, locations, False, notes)


def _load_html(path: Path, raw: bytes) -> SourceText:
    import io

    from markitdown import MarkItDown, StreamInfo

    text, notes = decode_text(path, raw)
    result = MarkItDown().convert_stream(
        io.BytesIO(text.encode("utf-8")), stream_info=StreamInfo(extension=".html", charset="utf-8")
    )
    lines, locations = _numbered(result.markdown.split("\n"), "converted line")
    return SourceText(path, "html", lines, locations, True, notes)


def _open_zip(path: Path, member: str, what: str) -> zipfile.ZipFile:
    """The Office package, refusing a zip that is not one (a renamed archive of something else)
    or one that would expand past the limits (checked from the zip directory, nothing inflated)."""
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, ValueError) as exc:
        raise LoadError(f"{path}: not a {what} file (not a valid Office package)") from exc
    try:
        check_zip_sizes(path, package)
        if member not in package.namelist():
            raise LoadError(f"{path}: not a {what} file (a zip archive without {member})")
    except LoadError:
        package.close()
        raise
    return package


def check_zip_sizes(
    path: Path,
    package: zipfile.ZipFile,
    max_total: int = MAX_UNZIPPED_BYTES,
    max_ratio: int = MAX_ZIP_RATIO,
) -> None:
    """LoadError when the members' declared sizes exceed `max_total` in all or one member expands
    more than `max_ratio` times (a decompression bomb). Declared sizes are what the loaders'
    zip readers trust when inflating, so checking them bounds memory before any loader runs."""
    total = 0
    for info in package.infolist():
        total += info.file_size
        if total > max_total:
            raise LoadError(
                f"{path}: expands to more than {max_total // 2**20} MB when unzipped "
                f"(the limit for {path.suffix} files); refused as a possible decompression bomb"
            )
        if info.file_size > 2**20 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise LoadError(
                f"{path}: member {info.filename} expands {info.file_size // max(info.compress_size, 1)} "
                f"times (limit {max_ratio}); refused as a possible decompression bomb"
            )


def _load_docx(path: Path, raw: bytes) -> SourceText:
    """Paragraphs in order: Heading N styles become `#`s, list styles `- `, table rows one line."""
    import docx
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _open_zip(path, "word/document.xml", "Word (.docx)").close()
    try:
        document: DocxDocument = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for damaged packages
        raise LoadError(f"{path}: not a readable Word document ({type(exc).__name__}: {exc})") from exc
    lines: list[str] = []
    locations: list[str] = []
    for number, item in enumerate(document.iter_inner_content(), start=1):
        if isinstance(item, Paragraph):
            text = " ".join(item.text.split())
            style = (item.style.name if item.style is not None else "") or ""
            heading = re.match(r"(?:Heading|Title)\s*(\d?)", style)
            if text and heading:
                level = 1 if style.startswith("Title") else min(int(heading.group(1) or 1), 6)
                text = f"{'#' * level} {text}"
            elif text and "List" in style:
                text = f"- {text}"
            lines.extend([text, ""] if text else [])
            locations.extend([f"paragraph {number}"] * (2 if text else 0))
        elif isinstance(item, Table):
            for row_number, row in enumerate(item.rows, start=1):
                cells = [" ".join(c.text.split()) for c in row.cells]
                if any(cells):
                    lines.extend([" | ".join(dict.fromkeys(cells)), ""])
                    locations.extend([f"table at paragraph {number}, row {row_number}"] * 2)
    return SourceText(path, "docx", tuple(lines), tuple(locations), True)


def _load_pdf(path: Path, raw: bytes) -> SourceText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise LoadError(f"{path}: not a readable PDF ({exc})") from exc
    if not any(page.strip() for page in pages):
        raise LoadError(f"{path}: the PDF has no text layer (a scan?); run OCR on it first, then import")
    lines: list[str] = []
    locations: list[str] = []
    for number, page in enumerate(pages, start=1):
        page_lines = page.split("\n") + [""]
        lines.extend(page_lines)
        locations.extend([f"page {number}"] * len(page_lines))
    return SourceText(path, "pdf", tuple(lines), tuple(locations), False)


def _load_pptx(path: Path, raw: bytes) -> SourceText:
    """Each slide: its title as `##`, then its text frames line by line (slide order kept)."""
    from pptx import Presentation

    _open_zip(path, "ppt/presentation.xml", "PowerPoint (.pptx)").close()
    try:
        deck = Presentation(str(path))
    except Exception as exc:
        raise LoadError(f"{path}: not a readable PowerPoint file ({type(exc).__name__}: {exc})") from exc
    lines: list[str] = []
    locations: list[str] = []
    for number, slide in enumerate(deck.slides, start=1):
        title_shape = slide.shapes.title
        title = " ".join(title_shape.text.split()) if title_shape is not None else ""
        title_id = title_shape.shape_id if title_shape is not None else None
        slide_lines = [f"## {title}", ""] if title else []
        for shape in slide.shapes:
            if shape.shape_id == title_id or not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                text = " ".join("".join(run.text for run in paragraph.runs).split())
                if text:
                    slide_lines.extend([f"- {text}" if paragraph.level else text, ""])
        lines.extend(slide_lines)
        locations.extend([f"slide {number}"] * len(slide_lines))
    return SourceText(path, "pptx", tuple(lines), tuple(locations), True)


LOADERS: dict[str, Callable[[Path, bytes], SourceText]] = {
    "md": _load_md,
    "txt": _load_txt,
    "html": _load_html,
    "docx": _load_docx,
    "pdf": _load_pdf,
    "pptx": _load_pptx,
}


def load_source(path: Path, max_bytes: int = MAX_SOURCE_BYTES) -> SourceText:
    """The file as text lines with a line map; LoadError (file + reason) for anything unusable."""
    kind = kind_of(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(
                f"{path}: file is {size / 2**20:.0f} MB, larger than the {max_bytes // 2**20} MB limit"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if not raw.strip():
        raise LoadError(f"{path}: file is empty")
    source = LOADERS[kind](path, raw)
    if not any(line.strip() for line in source.lines):
        raise LoadError(f"{path}: no text found in the file")
    return source
