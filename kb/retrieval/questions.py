"""Questions written per passage (`corpus/<area>/<doc>.questions.yaml`): load, validate, find stale.

Each file maps passage ids to the content hash of the passage the questions were written for and
the questions themselves (docs/questions-brief.md). They are corpus data: reviewed in git, read
at ingest (keyword text, question index) and by training (kb.retrieval.train).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from kb.errors import CorpusError

SUFFIX = ".questions.yaml"
HEADER = "# Questions practitioners might ask that each passage answers (docs/questions-brief.md).\n"
# The share of passages whose questions are kept out of training, to choose fusion weights and
# check training on questions the models never saw (decided by a hash of each passage id).
VALIDATION_SHARE = 0.15
VALIDATION_SALT = "kb-questions-validation"


class QuestionsError(CorpusError):
    """A questions file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class PassageQuestions:
    """The questions written for one passage, and the passage text's hash when they were written."""

    passage_id: str
    hash: str
    questions: tuple[str, ...]
    file: Path
    line: int


def questions_path(document_path: Path) -> Path:
    """Where a corpus document's questions live: beside it, `<doc>.questions.yaml`."""
    return document_path.with_name(document_path.name.removesuffix(".md") + SUFFIX)


def question_files(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in corpus_dir.rglob(f"*{SUFFIX}") if p.is_file())


def read_questions_file(path: Path) -> list[PassageQuestions]:
    """Every entry of one file, checked for shape; raises QuestionsError naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionsError(f"{path}: cannot be read ({exc})") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise QuestionsError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        raise QuestionsError(f"{path} line {root.start_mark.line + 1}: expected passage ids as keys")
    entries: list[PassageQuestions] = []
    seen: set[str] = set()
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        passage_id = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
        if not passage_id.strip():
            raise QuestionsError(f"{path} line {line}: a passage id is empty")
        if passage_id in seen:
            raise QuestionsError(f"{path} line {line}: passage {passage_id} is listed twice")
        seen.add(passage_id)
        entries.append(_entry(path, passage_id, line, value_node))
    return entries


def _entry(path: Path, passage_id: str, line: int, node: yaml.Node) -> PassageQuestions:
    where = f"{path} line {line}: {passage_id}"
    if not isinstance(node, yaml.MappingNode):
        raise QuestionsError(f"{where}: expected 'hash' and 'questions'")
    fields = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    unknown = sorted(set(fields) - {"hash", "questions"})
    if unknown:
        raise QuestionsError(f"{where}: unknown key {', '.join(unknown)}")
    hash_node = fields.get("hash")
    if not isinstance(hash_node, yaml.ScalarNode) or not hash_node.value.strip():
        raise QuestionsError(f"{where}: 'hash' (the passage's content hash) is missing")
    questions_node = fields.get("questions")
    if questions_node is None:
        raise QuestionsError(f"{where}: 'questions' is missing")
    if not isinstance(questions_node, yaml.SequenceNode):
        raise QuestionsError(f"{where}: 'questions' must be a list")
    questions: list[str] = []
    for item in questions_node.value:
        item_line = item.start_mark.line + 1
        if not isinstance(item, yaml.ScalarNode) or item.tag != "tag:yaml.org,2002:str":
            raise QuestionsError(f"{path} line {item_line}: {passage_id}: a question must be text")
        question = " ".join(item.value.split())
        if not question:
            raise QuestionsError(f"{path} line {item_line}: {passage_id}: a question is empty")
        if question.casefold() in {q.casefold() for q in questions}:
            raise QuestionsError(f"{path} line {item_line}: {passage_id}: duplicate question {question!r}")
        questions.append(question)
    return PassageQuestions(passage_id, hash_node.value.strip(), tuple(questions), path, line)


def load_questions(corpus_dir: Path, passage_ids: set[str] | None = None) -> dict[str, PassageQuestions]:
    """Every passage's questions under `corpus_dir`, keyed by passage id; the first bad file raises.

    With `passage_ids` (the passages of the corpus), an id that names no passage is an error
    naming the file and line: questions must never silently stop being used."""
    found, errors = load_questions_reporting(corpus_dir, passage_ids)
    if errors:
        raise QuestionsError(errors[0])
    return found


def load_questions_reporting(
    corpus_dir: Path, passage_ids: set[str] | None = None
) -> tuple[dict[str, PassageQuestions], list[str]]:
    """As load_questions, but a bad file is reported (file, line, reason) and skipped whole while
    every other file's questions load: what `kb ingest` uses, so one typo loses nothing else."""
    found: dict[str, PassageQuestions] = {}
    errors: list[str] = []
    for path in question_files(corpus_dir):
        try:
            entries = read_questions_file(path)
            for entry in entries:
                if passage_ids is not None and entry.passage_id not in passage_ids:
                    raise QuestionsError(
                        f"{path} line {entry.line}: no passage {entry.passage_id} in the corpus"
                    )
                if entry.passage_id in found:
                    other = found[entry.passage_id]
                    raise QuestionsError(
                        f"{path} line {entry.line}: passage {entry.passage_id} already has questions "
                        f"in {other.file.name} line {other.line}"
                    )
        except QuestionsError as exc:
            errors.append(str(exc))
            continue
        found.update({entry.passage_id: entry for entry in entries})
    return found, errors


def is_stale(entry: PassageQuestions, content_hash: str) -> bool:
    """The passage's text changed since its questions were written."""
    return entry.hash != content_hash


def in_validation(passage_id: str) -> bool:
    """Whether a passage's questions belong to the validation split (about 15 %, never trained on).

    Decided by a hash of the id alone, so adding a document never moves other passages between
    the splits."""
    digest = hashlib.sha256(f"{VALIDATION_SALT}:{passage_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < VALIDATION_SHARE


def dump_questions(entries: dict[str, tuple[str, list[str]]]) -> str:
    """YAML text for one file: {passage id: (hash, questions)} in the order given."""
    body = yaml.safe_dump(
        {pid: {"hash": h, "questions": list(qs)} for pid, (h, qs) in entries.items()},
        sort_keys=False,
        allow_unicode=True,
        width=1000,
    )
    return HEADER + body


@dataclass(frozen=True)
class QuestionRow:
    """One passage as `kb questions` lists it: what a writer needs to write or review questions."""

    passage_id: str
    doc_id: str
    document: str
    heading_path: tuple[str, ...]
    hash: str  # the passage's content hash now
    state: str  # "ok", "missing" (no entry) or "stale" (written for an older text)
    questions: tuple[str, ...]
    questions_file: str
    text: str

    def to_json(self) -> dict:
        data = asdict(self)
        data["heading_path"] = list(self.heading_path)
        data["questions"] = list(self.questions)
        return data


def question_rows(corpus_dir: Path) -> list[QuestionRow]:
    """Every passage of the corpus with the state of its questions, in corpus order."""
    from kb.config import relative_to_root
    from kb.corpus import load_corpus
    from kb.sections import passages_of

    rows: list[QuestionRow] = []
    documents = load_corpus(corpus_dir).documents
    passages = [(doc, p) for doc in documents for p in passages_of(doc)]
    found = load_questions(corpus_dir, {p.id for _, p in passages})
    for doc, passage in passages:
        entry = found.get(passage.id)
        state = "missing" if entry is None else ("stale" if is_stale(entry, passage.content_hash) else "ok")
        rows.append(
            QuestionRow(
                passage_id=passage.id,
                doc_id=doc.id,
                document=doc.title,
                heading_path=passage.heading_path,
                hash=passage.content_hash,
                state=state,
                questions=entry.questions if entry else (),
                questions_file=relative_to_root(questions_path(doc.path)),
                text=passage.text,
            )
        )
    return rows


def save_passage_questions(
    document_path: Path, passage_id: str, content_hash: str, questions: list[str]
) -> Path:
    """Write one passage's questions into its document's questions file (the Maintain page's
    editor): other entries keep their order, a new one is appended; an empty list removes it.
    The file is validated before it replaces the old one, so a bad edit never reaches ingest."""
    path = questions_path(document_path)
    entries: dict[str, tuple[str, list[str]]] = {}
    if path.is_file():
        entries = {e.passage_id: (e.hash, list(e.questions)) for e in read_questions_file(path)}
    cleaned = [" ".join(q.split()) for q in questions]
    cleaned = [q for q in cleaned if q]
    if cleaned:
        entries[passage_id] = (content_hash, cleaned)
    else:
        entries.pop(passage_id, None)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(dump_questions(entries), encoding="utf-8")
    try:
        read_questions_file(tmp)
    except QuestionsError:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)
    return path
