"""The Streamlit app, page by page, through streamlit.testing.v1.AppTest (no browser)."""

from __future__ import annotations

import re
import sys
import types
from importlib.machinery import ModuleSpec
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kb.config import Settings
from kb_app.render import display_markdown, highlight, md_escape, query_terms, tel_href
from tests.app_helpers import APP, app_env, hostile_corpus

TIMEOUT = 120


@pytest.fixture(scope="module")
def hostile_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from ingest.build import build_index

    root = tmp_path_factory.mktemp("app-hostile")
    settings = Settings(corpus_dir=hostile_corpus(root), index_dir=root / "index", seeds_dir=root)
    build_index(settings)
    return settings


def _serve(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    for key in ("KB_CORPUS_DIR", "KB_INDEX_DIR"):
        monkeypatch.setenv(key, app_env(settings)[key])


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _ask(at: AppTest, question: str) -> AppTest:
    at.text_input(key="question_input").input(question)
    return next(b for b in at.button if b.label == "Search").click().run()


def _texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown] + [c.value for c in at.caption]


def _page_text(at: AppTest) -> str:
    return "\n".join(_texts(at) + [h.value for h in (*at.title, *at.header, *at.subheader)])


def _unescaped_html(markdown: str) -> list[str]:
    """Raw tags Markdown would pass through (a `<` not preceded by a backslash)."""
    return re.findall(r"(?<!\\)<(?:script|img|b)\b", markdown, re.IGNORECASE)


# ------------------------------------------------------------------ rendering helpers (pure)


def test_md_escape_leaves_no_markup_or_directive_active() -> None:
    escaped = md_escape("<script>x</script> [link](http://e.vil) :red[alarm] $x$")
    assert "\\<script\\>" in escaped
    assert "\\[link\\]\\(http" in escaped
    assert "\\:red\\[alarm\\]" in escaped and "\\$x\\$" in escaped


def test_image_comment_becomes_a_muted_note_not_html() -> None:
    shown = display_markdown("Before\n<!-- image: A child on a <b>log</b> -->\nAfter")
    assert "<!--" not in shown
    assert ":gray[*\\[image: A child on a \\<b\\>log\\</b\\>\\]*]" in shown


def test_highlight_marks_query_words_but_not_link_targets() -> None:
    text = "Forced marriage is abuse. See [the guidance](https://gov.uk/forced-marriage)."
    shown = highlight(text, query_terms("What about forced marriage?"))
    assert ":orange-background[Forced marriage] is abuse" in shown
    assert "(https://gov.uk/forced-marriage)" in shown


def test_query_terms_drop_stop_words_and_short_words() -> None:
    assert query_terms("What do I do if a girl is at risk of FGM") == ["risk", "fgm"]
    # issue 19: the words every passage uses are not highlighted
    assert query_terms("her school says the girl in year 9 is being groomed") == ["groomed"]


def test_highlight_never_touches_inside_a_bare_web_or_email_address() -> None:
    terms = query_terms("bromley safeguarding referral")
    text = (
        "Download it from www.bromleysafeguarding.org . Email referral@bromley.gov.uk or see "
        "bromleysafeguarding.org/x for Bromley safeguarding referral forms."
    )
    shown = highlight(text, terms)
    assert ":orange-background[" in shown  # the words outside the addresses still are
    addresses = ("www.bromleysafeguarding.org", "referral@bromley.gov.uk", "bromleysafeguarding.org/x")
    for address in addresses:
        assert md_escape(address) in shown


def test_phone_numbers_become_tel_links() -> None:
    assert tel_href("Cambridgeshire child: 0345 045 5203") == "tel:03450455203"
    assert tel_href("EDT (Emergency Duty Team): (01733) 234724") == "tel:01733234724"
    assert tel_href("Referral to MASH") is None


# ------------------------------------------------------------------ Ask page


@pytest.mark.slow
def test_breast_ironing_question_shows_its_chapter_first_with_citation_and_level_4(
    monkeypatch: pytest.MonkeyPatch, real_settings: Settings
) -> None:
    _serve(monkeypatch, real_settings)
    at = _ask(_app(), "What should I do if I think a girl is having her breasts ironed at home?")
    assert not at.exception
    cards = [m.value for m in at.markdown if m.value.startswith("### ")]
    assert cards and cards[0].startswith("### 1. Breast Ironing")
    first_citation = next(m.value for m in at.markdown if m.value.startswith("**Cite as:**"))
    assert "Cambridgeshire \\& Peterborough procedures manual, Breast Ironing" in first_citation
    assert "**Level 4: Specialist Needs and Safeguarding**" in [m.value for m in at.markdown]
    assert any("prompt for professional judgement" in c.value for c in at.caption)
    text = _page_text(at)
    assert 'call <a href="tel:999">999</a>' in text
    assert "0345 045 5203" in text and "234724" in text  # MASH and out of hours, from the corpus


@pytest.mark.slow
def test_a_second_question_reuses_the_loaded_searcher(
    monkeypatch: pytest.MonkeyPatch, real_settings: Settings
) -> None:
    """The model and index load once per process, never per rerun (latency is measured by the
    browser test's figures and `kb bench`, not asserted here)."""
    _serve(monkeypatch, real_settings)
    from kb_app import resources

    at = _ask(_app(), "forced marriage")  # loads index and model
    first = resources.searcher()
    _ask(at, "A boy is being used by a gang to carry drugs")
    assert resources.searcher() is first
    assert not at.exception


def test_empty_question_asks_for_one_and_searches_nothing(
    monkeypatch: pytest.MonkeyPatch, hostile_settings: Settings
) -> None:
    _serve(monkeypatch, hostile_settings)
    at = _ask(_app(), "   ")
    assert not at.exception
    assert any("Type a question first" in i.value for i in at.info)
    assert not [m for m in at.markdown if m.value.startswith("### ")]


def test_question_with_no_matching_documents_says_so(
    monkeypatch: pytest.MonkeyPatch, hostile_settings: Settings
) -> None:
    _serve(monkeypatch, hostile_settings)
    at = _app()
    at.selectbox(key="doc_type").select("training")  # the fixture corpus has no training documents
    at = _ask(at, "forced marriage")
    assert any("Nothing in the procedures" in i.value for i in at.info)
    assert not [m for m in at.markdown if m.value.startswith("### ")]


def test_superseded_document_carries_a_badge(
    monkeypatch: pytest.MonkeyPatch, hostile_settings: Settings
) -> None:
    _serve(monkeypatch, hostile_settings)
    at = _app()
    at.checkbox(key="all_areas").check()  # the superseded fixture document is Bromley's
    at = _ask(at, "Child's Journey in Testshire indicators of need level 4 significant harm")
    # the successor is not in this corpus, so it cannot be named by its title; its id is only
    # for maintainers
    assert ":red-badge[:material/warning: Superseded]" in [m.value for m in at.markdown]
    cite_as = [m.value for m in at.markdown if m.value.startswith("**Cite as:**")]
    assert any(md_escape("— superseded") in c for c in cite_as)
    assert not any("ts-new-thresholds" in c for c in cite_as)


def test_hiding_superseded_documents_removes_them(
    monkeypatch: pytest.MonkeyPatch, hostile_settings: Settings
) -> None:
    _serve(monkeypatch, hostile_settings)
    at = _app()
    at.checkbox(key="all_areas").check()
    at.checkbox(key="current_only").check()
    at = _ask(at, "Child's Journey in Testshire indicators of need level 4 significant harm")
    assert not any("Superseded" in m.value for m in at.markdown)


def test_script_and_img_in_passage_and_query_are_shown_as_text(
    monkeypatch: pytest.MonkeyPatch, hostile_settings: Settings
) -> None:
    _serve(monkeypatch, hostile_settings)
    at = _ask(_app(), 'quarantined widgets <script>alert("q")</script> <img src=x onerror=alert(1)>')
    assert not at.exception
    cards = [m.value for m in at.markdown if m.value.startswith("### ")]
    assert cards and "Unsafe \\<b\\>markup\\</b\\> test" in cards[0]
    for element in at.markdown:
        assert not _unescaped_html(element.value), element.value
        if element.allow_html:
            assert "onerror" not in element.value and "<script" not in element.value
    shown = re.sub(r":orange-background\[([^\]]*)\]", r"\1", _page_text(at))  # highlights aside
    assert "\\<script\\>window\\.kbPwned = 1\\</script\\>" in shown
    assert '\\<img src="x" onerror="window\\.kbPwned = 2"\\>' in shown
    assert "\\[image: A slide showing \\<script\\>alert\\(1\\)\\</script\\> quarantined widgets\\]" in shown


def test_rebuilt_index_is_picked_up_without_restarting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ingest.build import build_index

    settings = Settings(corpus_dir=hostile_corpus(tmp_path), index_dir=tmp_path / "index", seeds_dir=tmp_path)
    build_index(settings)
    _serve(monkeypatch, settings)
    at = _ask(_app(), "zebra crossing patrols")
    assert not any("Zebra crossings" in m.value for m in at.markdown)
    doc = (tmp_path / "corpus" / "testshire" / "ts-gangs.md").read_text(encoding="utf-8")
    new = doc.replace("id: ts-gangs", "id: ts-zebra").replace("title: Gangs", "title: Zebra crossings")
    new = new.replace(
        "# Gangs", "# Zebra crossings\n\nZebra crossing patrols keep children safe near schools."
    )
    (tmp_path / "corpus" / "testshire" / "ts-zebra.md").write_text(new, encoding="utf-8")
    build_index(settings)
    at = _ask(at, "zebra crossing patrols")
    assert any(m.value.startswith("### 1. Zebra crossings") for m in at.markdown)


# ------------------------------------------------------------------ Browse, Levels, Glossary


def test_browse_reads_a_chapter_with_its_sections(
    monkeypatch: pytest.MonkeyPatch, hostile_settings: Settings
) -> None:
    _serve(monkeypatch, hostile_settings)
    at = _app(page="browse", doc="ts-forced-marriage")
    assert not at.exception
    assert [t.value for t in at.title] == ["Browse the procedures"]
    assert "Forced marriage" in [h.value for h in at.header]
    assert any(m.value.startswith("- [") and "](#" in m.value for m in at.markdown)  # on this page
    assert at.subheader  # numbered sections are headings with anchors
    labels = [b.label for b in at.button]
    assert "Gangs" in labels and "The Child's Journey in Testshire (superseded)" in labels


def test_browse_without_a_document_shows_the_contents(
    monkeypatch: pytest.MonkeyPatch, hostile_settings: Settings
) -> None:
    _serve(monkeypatch, hostile_settings)
    at = _app(page="browse")
    assert "Choose a document" in [h.value for h in at.header]


def test_deep_link_by_passage_id_opens_it_cited_in_its_chapter(
    monkeypatch: pytest.MonkeyPatch, hostile_settings: Settings, fixture_searcher
) -> None:
    _serve(monkeypatch, hostile_settings)
    passage = next(
        p
        for p in fixture_searcher.index.passages
        if p.doc_id == "ts-old-thresholds" and p.ordinal == 1 and len(p.heading_path) > 1
    )
    at = _app(passage=passage.id)
    assert not at.exception
    assert "Linked passage" in [s.value for s in at.subheader]
    assert any(m.value.startswith("**Cite as:**") and "SUPERSEDED" in m.value for m in at.markdown)
    assert "The Child's Journey in Testshire" in [h.value for h in at.header]
    assert "The linked passage" in [c.value for c in at.caption]


def test_deep_link_to_an_unknown_passage_says_so(
    monkeypatch: pytest.MonkeyPatch, hostile_settings: Settings
) -> None:
    _serve(monkeypatch, hostile_settings)
    at = _app(passage="no-such/passage/1")
    assert any("not in the current index" in w.value for w in at.warning)


def test_read_the_chapter_button_opens_browse_at_that_chapter(
    monkeypatch: pytest.MonkeyPatch, hostile_settings: Settings
) -> None:
    _serve(monkeypatch, hostile_settings)
    at = _ask(_app(), "forced marriage")
    button = next(b for b in at.button if b.label.startswith("Read the chapter: Forced marriage"))
    at = button.click().run()
    assert [t.value for t in at.title] == ["Browse the procedures"]
    assert "Forced marriage" in [h.value for h in at.header]


@pytest.mark.slow
def test_levels_page_sets_frameworks_side_by_side_and_checks_a_case(
    monkeypatch: pytest.MonkeyPatch, real_settings: Settings
) -> None:
    _serve(monkeypatch, real_settings)
    at = _app(page="levels")
    assert not at.exception
    headers = [h.value for h in at.header]
    assert headers[-4:] == [
        "Level 1: Universal",
        "Level 2: Additional / emerging needs",
        "Level 3: Complex / multiple needs",
        "Level 4: Specialist / safeguarding",
    ]
    assert "**Specialist Needs and Safeguarding**" in [m.value for m in at.markdown]
    at.text_input(key="level_search").input("housing").run()
    assert any("housing" in m.value.lower() and m.value.startswith("- ") for m in at.markdown)
    at.text_area(key="case_text").input(
        "A 15 year old says her father beats her with a belt and she has bruises."
    )
    at = next(b for b in at.button if b.label == "Check the level").click().run()
    assert "Suggested level for this case" in [s.value for s in at.subheader]
    assert "**Level 4: Specialist Needs and Safeguarding**" in [m.value for m in at.markdown]
    assert any("prompt for professional judgement" in w.value for w in at.warning)


def test_glossary_lists_the_search_terms_and_filters_them(
    monkeypatch: pytest.MonkeyPatch, hostile_settings: Settings
) -> None:
    _serve(monkeypatch, hostile_settings)
    at = _app(page="glossary")
    listing = "\n".join(m.value for m in at.markdown if m.value.startswith("**"))
    assert "**FGM** (Female Genital Mutilation)" in listing and "**LADO**" in listing
    at.text_input(key="glossary_filter").input("lado").run()
    listing = "\n".join(m.value for m in at.markdown if m.value.startswith("**"))
    assert "**LADO**" in listing and "**FGM**" not in listing


@pytest.mark.parametrize("page", ["ask", "browse", "levels", "glossary", "contacts", "amendments"])
def test_every_page_shows_the_emergency_line_for_the_chosen_area(
    monkeypatch: pytest.MonkeyPatch, hostile_settings: Settings, page: str
) -> None:
    _serve(monkeypatch, hostile_settings)
    at = _app(page=page)
    banner = next(m for m in at.markdown if "kb-emergency" in m.value and m.allow_html)
    assert 'call <a href="tel:999">999</a>' in banner.value
    assert "0345 045 5203" in banner.value and "01733 864180" in banner.value and "234724" in banner.value
    assert "004_d18c81112fe649f6.txt line 4260" in banner.value  # cited
    at.selectbox(key="area").select("bromley").run()
    banner = next(m for m in at.markdown if "kb-emergency" in m.value)
    assert "020 8464 4848" in banner.value and "Bromley" in banner.value


def test_optional_pages_join_the_navigation_when_their_module_exists(
    monkeypatch: pytest.MonkeyPatch, hostile_settings: Settings
) -> None:
    module = types.ModuleType("kb_app.pages.packs")
    module.__spec__ = ModuleSpec("kb_app.pages.packs", None)
    module.TITLE = "Session pack"
    module.render = lambda ctx: __import__("streamlit").title("Packs for " + ctx.area_name)
    monkeypatch.setitem(sys.modules, "kb_app.pages.packs", module)
    _serve(monkeypatch, hostile_settings)
    at = _app(page="packs")
    assert "Session pack" in at.radio(key="nav").options
    assert [t.value for t in at.title] == ["Packs for Cambridgeshire & Peterborough"]
