"""The seed converter: chapters found, every source line kept in order, output reproducible."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ingest.convert_seeds import convert
from ingest.manifest import load_specs
from kb.config import PROJECT_ROOT

SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"
CORPUS_DIR = PROJECT_ROOT / "corpus"
MANUAL_SEED = "004_d18c81112fe649f6.txt"

pytestmark = pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason=f"seed documents not present at {SEEDS_DIR}")

EXPECTED_CHAPTER_TITLES = [
    "Initial Action by Children’s Social Care on Receipt of a Referral",
    "Breast Ironing",
    "Bullying",
    "Child and family assessment",
    "Child death",
    "Child exploitation",
    "All Children Presenting Alone or with Adults who are Not Their Parents",
    "Communication difficulties",
    "Dangerous dogs",
    "Disabled children",
    "Faiths",
    "Forced marriage",
    "Gangs",
    "Honour based violence",
    "Hostile parents",
    "Information sharing",
    "LADO",
    "Identification of Individuals who Pose a Risk to Children",
    "Faith and Culture Safeguarding Children Checklist",
    "Misuse of substances",
    "Policy for the Education of Children with a Parent or Close Relative in Prison "
    "or at Risk of a Custodial Sentence",
    "Parents",
    "Responding to concerns about a child",
    "Safer recruitment",
    "Self-harm",
    "Suicide",
    "Significant harm",
    "The lived experience of the child",
    "Threshold policy",
    "Transfer of Responsibility for Children Who Move from One Local Authority’s Area to Another",
    "Violent extremism",
    "Whistleblowing",
]

REQUIRED_KEYS = {"id", "title", "collection", "area", "type", "status", "superseded_by", "origin"}
ALLOWED = {
    "type": {"procedure", "thresholds", "training"},
    "status": {"current", "superseded"},
    "area": {"cambridgeshire-peterborough", "bromley"},
}
BULLETS = "·•◉❖▶"
_LEADING_MARKUP = re.compile(rf"^(?:#{{1,6}} +|- +|[{BULLETS}](?: +|$))")
_IMAGE = re.compile(r"^<!-- image: (.*) -->$")
_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|>=~<])")


def plain(line: str) -> str:
    """A line as words only: whitespace collapsed, bullets, heading and list markup, escapes dropped."""
    text = " ".join(line.split())
    image = _IMAGE.match(text)
    if image:
        return image.group(1)
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_MARKUP.sub("", text).strip()
    return _ESCAPE.sub("", text)


def split_front_matter(path: Path) -> tuple[dict, list[str]]:
    text = path.read_text(encoding="utf-8")
    _, meta, body = text.split("---\n", 2)
    return yaml.safe_load(meta), body.split("\n")


def corpus_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.md"))


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    convert(SEEDS_DIR, out)
    return out


def test_manual_chapters_are_exactly_the_expected_titles(converted: Path) -> None:
    chapters = []
    for path in corpus_files(converted):
        meta, body = split_front_matter(path)
        if meta["origin"]["file"] == MANUAL_SEED:
            chapters.append((meta["origin"]["line_start"], meta["title"], body[0]))
    chapters.sort()
    assert [title for _, title, _ in chapters] == EXPECTED_CHAPTER_TITLES
    assert all(first == f"# {title}" for _, title, first in chapters)


def _source_lines(spec_seed: str, start: int, end: int) -> list[str]:
    lines = (SEEDS_DIR / spec_seed).read_text(encoding="utf-8").split("\n")[start - 1 : end]
    kept = (plain(line) for line in lines)
    return [line for line in kept if line and not re.fullmatch(r"-{3,}", line)]


def _missing_in_order(expected: list[str], actual: list[str]) -> str | None:
    """The first expected line not found, in order, among `actual`; None when all are."""
    position = 0
    for line in expected:
        try:
            position = actual.index(line, position) + 1
        except ValueError:
            return line
    return None


def test_every_seed_line_lands_in_the_corpus_in_order(converted: Path) -> None:
    covered: dict[str, set[int]] = {}
    for path in corpus_files(converted):
        meta, body = split_front_matter(path)
        origin = meta["origin"]
        expected = _source_lines(origin["file"], origin["line_start"], origin["line_end"])
        missing = _missing_in_order(expected, [plain(line) for line in body])
        assert missing is None, f"{path.name}: source line lost or out of order: {missing!r}"
        covered.setdefault(origin["file"], set()).update(range(origin["line_start"], origin["line_end"] + 1))
    for seed in sorted(p.name for p in SEEDS_DIR.glob("*.txt")):
        total = len((SEEDS_DIR / seed).read_text(encoding="utf-8").removesuffix("\n").split("\n"))
        assert covered.get(seed) == set(range(1, total + 1)), f"{seed}: lines not converted"


def test_converter_reproduces_the_committed_corpus(converted: Path) -> None:
    fresh = {p.relative_to(converted): p.read_bytes() for p in corpus_files(converted)}
    committed = {
        p.relative_to(CORPUS_DIR): p.read_bytes()
        for p in corpus_files(CORPUS_DIR)
        if p.relative_to(CORPUS_DIR) in fresh or p.stem in {s.id for s in load_specs()}
    }
    assert committed.keys() == fresh.keys()
    changed = [str(path) for path in fresh if fresh[path] != committed[path]]
    assert not changed, f"re-run `python -m ingest.convert_seeds`: {changed}"


def test_front_matter_has_required_keys_allowed_values_and_unique_ids(converted: Path) -> None:
    ids = []
    for path in corpus_files(converted):
        meta, body = split_front_matter(path)
        assert REQUIRED_KEYS <= meta.keys(), f"{path.name}: missing {REQUIRED_KEYS - meta.keys()}"
        for key, allowed in ALLOWED.items():
            assert meta[key] in allowed, f"{path.name}: {key}={meta[key]!r}"
        assert path.stem == meta["id"] and path.parent.name == meta["area"]
        assert {"file", "line_start", "line_end"} <= meta["origin"].keys()
        for key in ("published", "updated"):
            if key in meta:
                assert isinstance(meta[key], str) and re.fullmatch(r"\d{4}(-\d{2}){0,2}", meta[key])
        assert sum(line.startswith("# ") for line in body) == 1 and body[0].startswith("# ")
        ids.append(meta["id"])
    assert len(ids) == len(set(ids)) == len(load_specs())


def test_superseded_documents_name_their_replacement(converted: Path) -> None:
    metas = [split_front_matter(p)[0] for p in corpus_files(converted)]
    ids = {meta["id"] for meta in metas}
    for meta in metas:
        if meta["status"] == "superseded":
            assert meta["superseded_by"] in ids


def test_slide_image_descriptions_become_comments(converted: Path) -> None:
    _, body = split_front_matter(converted / "bromley" / "bromley-understanding-safeguarding-2019.md")
    images = [line for line in body if line.startswith("<!-- image: ")]
    assert len(images) == 5
    assert images[0].startswith("<!-- image: A young child is sitting on a large, weathered log")
    assert not any(line.startswith("---") for line in body)


@pytest.mark.parametrize(
    ("doc_id", "heading"),
    [
        ("cp-breast-ironing", "## 2. Definition"),
        ("cp-breast-ironing", "## 5. Indicators"),
        ("cp-forced-marriage", "## 4. Legal Position"),
        ("cp-forced-marriage", "## 7. Further Information"),
        ("cp-gangs", "## 4. Protection and Action to be Taken"),
        ("cp-honour-based-violence", "## 2. Risks"),
        ("cp-communication-difficulties", "## 4. Using Interpreters with Family Members"),
        ("cp-child-death", "### 2.3 Notifications to Coroners"),
        ("cp-child-death", "### 4.7 Third Case Management Discussion"),
        ("cp-lado", "## 6. LADO Allegation Management Meetings (AMM)"),
        ("cp-parental-mental-health", "## 5. Implications of Parent/Carer Mental Health Difficulty"),
        ("cp-whistleblowing", "## 3. What to do"),
        ("cp-faith-and-culture-checklist", "### 3.2 Competency 2: Listening to Children"),
        ("cp-initial-action-on-referral", "## Screening of Referrals by Children’s Social Care"),
        ("cp-breast-ironing", "### Health consequences"),
        ("bromley-childs-journey-2011", "## 5. INDICATORS OF NEED"),
    ],
)
def test_known_section_headings_are_reproduced(converted: Path, doc_id: str, heading: str) -> None:
    path = next(converted.rglob(f"{doc_id}.md"))
    assert heading in split_front_matter(path)[1]


@pytest.mark.parametrize(
    ("doc_id", "item"),
    [
        ("cp-gangs", "1. Consists of at least three people; and"),
        ("cp-dangerous-dogs", "1. Is the dog’s owner usually present?"),
        ("cp-child-exploitation", "1. The child’s best interests must be the top priority"),
    ],
)
def test_numbered_list_items_are_not_headings(converted: Path, doc_id: str, item: str) -> None:
    path = next(converted.rglob(f"{doc_id}.md"))
    assert item in split_front_matter(path)[1]


def test_suicide_appendix_heading_keeps_its_full_stop(converted: Path) -> None:
    _, body = split_front_matter(converted / "cambridgeshire-peterborough" / "cp-suicide.md")
    assert any(
        line.startswith("## Appendix 3: Tool for assessing vulnerability") and line.endswith(".")
        for line in body
    )


EXPECTED_SECTION_HEADINGS = {
    "cp-suicide": [
        "Scope of this chapter",
        "Target Audience:",
        "Other Safeguarding Partnership Board Guidance:",
        "1. The impact of a suicide on a school.",
        "2. Triggering a multi-agency response in the serious suicide attempt or death of a young person "
        "from suicide.",
        "3. Multi-Agency service offer to support schools and other young people.",
        "4. Ongoing assessment and escalation of risk and vulnerability within a school setting after a "
        "death by suicide.",
        "5. The debrief and support of staff involved in caring for schools and other young people in the "
        "event of a suicide.",
        "Appendix 1: Flow chart outlining the development of a co-ordinated response:",
        "Description automatically generated]Appendix 2: The role of the Lead Co-ordinator.",
        "Appendix 3: Tool for assessing vulnerability of individuals based on proximities to suicide victim.",
    ],
    "cp-self-harm": [
        "Suicidal behaviour",
        "Risks and indicators",
        "Warning signs",
        "Protective and Supportive action to be taken",
        "Referral to Children Social Care",
        "Young person presenting at hospital",
        "Information Sharing and Consent",
        "Further information",
        "Useful websites",
    ],
    "cp-significant-harm": [
        "The Concept of Significant Harm",
        "Categories of Abuse and Neglect",
        "Risk Indicators",
        "Recognising Physical Abuse",
        "Recognising Emotional Abuse",
        "Recognising Sexual Abuse",
        "Recognising Neglect",
        "Impact of Abuse and Neglect",
        "Non-recent (Historical) Abuse",
    ],
    "cp-threshold-policy": [
        "Principles",
        "THRIVE – a model for meeting children and families’ needs",
        "Early Help:",
        "Early Help Assessments:",
        "Parental Consent",
        "Information Sharing",
        "Emerging Needs",
        "Complex Needs",
        "Specialist Needs and Safeguarding",
        "Childrens Social Care",
        "What to do if you do not agree with the MASH decision:",
    ],
    "cp-children-presenting-alone": [
        "Introduction",
        "Issues and Challenges",
        "Age Assessments",
        "Immigration Issues",
        "Asylum Process – Possible Outcomes",
        "Independent Family Returns Panel",
        "Referring a Potential Victim of Modern Slavery to the National Referral Mechanism (NRM)",
        "Protection and Action to be Taken",
        "Assessment",
        "Part 2 – Child Victims of Trafficking and/or Modern Slavery",
    ],
    "cp-dangerous-dogs": [
        "Aims of this Guidance",
        "Dangerous Dogs",
        "The Dog and the Child: Family Context",
        "Owners and Families (including extended family and temporary carers)",
        "Practitioner Guidance",
        "Risk Factors: Dangerous Dogs",
        "Referral to Children’s Social Care:",
        "Significant Issues",
        "Further Information",
    ],
}


@pytest.mark.parametrize("doc_id", sorted(EXPECTED_SECTION_HEADINGS))
def test_chapter_sections_are_exactly_the_expected_headings(converted: Path, doc_id: str) -> None:
    _, body = split_front_matter(next(converted.rglob(f"{doc_id}.md")))
    assert [line[3:] for line in body if line.startswith("## ")] == EXPECTED_SECTION_HEADINGS[doc_id]


@pytest.mark.parametrize(
    ("doc_id", "heading"),
    [
        ("cp-significant-harm", "### Emotional Abuse"),
        ("cp-significant-harm", "### Parent / Carer and Child Relationship Factors"),
        ("cp-children-presenting-alone", "### Definitions"),
        ("cp-child-and-family-assessment", "### PARENTING CAPACITY"),
        ("cp-child-and-family-assessment", "#### Basic Care"),
        ("cp-child-exploitation", "### Responsibility of all agencies"),
        ("cp-transfer-of-responsibility", "## Child Subject To Section 47 Enquiries"),
        ("cp-whistleblowing", "### Definition:"),
    ],
)
def test_sub_headings_sit_below_their_section(converted: Path, doc_id: str, heading: str) -> None:
    assert heading in split_front_matter(next(converted.rglob(f"{doc_id}.md")))[1]


@pytest.mark.parametrize(
    ("doc_id", "line"),
    [
        ("cp-suicide", "Key people that should be part of that discussion:"),
        ("cp-dangerous-dogs", "Owners:"),
        ("cp-lado", "Working Together 2018 states:"),
        ("cp-bullying", "THE DETECTIVE:"),
        ("cp-threshold-policy", "If you are concerned that a child is at immediate risk of harm:"),
    ],
)
def test_lead_ins_and_table_labels_stay_body_text(converted: Path, doc_id: str, line: str) -> None:
    body = split_front_matter(next(converted.rglob(f"{doc_id}.md")))[1]
    assert line in body
