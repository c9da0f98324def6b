"""End to end in a real browser: Debian's chromium driven by Playwright against `streamlit run`.

The app runs as a subprocess on a free port against the real corpus index (built once per
session by conftest's `real_settings`). Screenshots of each page go to test-artifacts/.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.config import PROJECT_ROOT, Settings
from tests.app_helpers import APP, app_env

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
READY_WITHIN = 90.0  # seconds for `streamlit run` to answer its health check
STREAMLIT = Path(sys.executable).parent / "streamlit"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is absent: run `bash scripts/install-system-deps.sh` (make test does)",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_healthy(url: str, process: subprocess.Popen, within: float) -> None:
    """Poll the health endpoint (bounded) until the server answers, or fail with its output."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"streamlit did not become healthy at {url} within {within} s")


@pytest.fixture(scope="module")
def server(real_settings: Settings) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        str(STREAMLIT),
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=app_env(real_settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_healthy(url, process, READY_WITHIN)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # Streamlit scrolls inside its main block, so a full-page shot needs a viewport that tall.
    size = page.viewport_size
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarContent]')]"
        ".map(e => e.scrollHeight), window.innerHeight)"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height), 12_000)})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def _ask(page, question: str, expected_first: str) -> float:
    """Type a question, press Enter (keyboard only); seconds until its first card is drawn."""
    box = page.get_by_label("What do I do if…")
    box.fill(question)
    started = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(
        r"""expected => {
            const cards = [...document.querySelectorAll('h3')].filter(h => /^\d+\. /.test(h.textContent));
            return cards.length > 0 && cards[0].textContent.startsWith(expected);
        }""",
        arg=f"1. {expected_first}",
    )
    return time.perf_counter() - started


QUESTIONS = [
    (
        "forced-marriage",
        "A 15 year old says her family are taking her abroad to marry a man she has never met",
        "Forced marriage",
    ),
    ("fgm", "What are the signs a girl is at risk of female genital mutilation?", "Honour based violence"),
    ("faith", "A child says a pastor told her family she is possessed by evil spirits", "Faiths"),
]
FIGURES = ARTIFACTS / "browser-figures.json"
# What a practitioner must not see on Ask: seed file names, corpus paths, passage ids, build ids.
SEED_OR_ID = re.compile(
    r"\d{3}_[0-9a-f]{16}\.txt|corpus/|\b[a-z]+(?:-[a-z0-9]+)+/[a-z0-9-]+/\d+\b|\d{8}T\d{6}"
)


def test_three_priority_questions_show_cited_passages_under_the_emergency_line(page, server) -> None:
    page.goto(server)
    banner = page.locator(".kb-emergency")
    banner.wait_for()
    timings = {}
    for name, question, chapter in QUESTIONS:
        timings[name] = _ask(page, question, chapter)
        citation = page.locator("p", has_text=re.compile(r"^Cite as: ")).first
        # Streamlit redraws an answer element by element: the first card's title can be the new
        # one while the citation under it is still the last answer's, so wait for it as well.
        cite = f"^Cite as: Cambridgeshire & Peterborough procedures manual, {re.escape(chapter)}, "
        expect = pytest.importorskip("playwright.sync_api").expect
        expect(citation).to_have_text(re.compile(cite), timeout=15_000)
        # the level card sits beside (on a phone: after) the passages, so it is drawn after them
        expect(page.get_by_role("heading", name="Suggested level of need")).to_be_visible(timeout=15_000)
        text = banner.inner_text()
        assert "If a child is in immediate danger, call 999." in text
        assert "0345 045 5203" in text and "01733 864180" in text and "234724" in text
        assert banner.is_visible()
        _shot(page, f"ask-{name}")
    # Latency is a measured figure (README, kb bench), not a pass/fail: CI machines are shared.
    FIGURES.write_text(json.dumps({"answer_seconds": timings}, indent=2))


def test_open_in_context_then_read_the_chapter(page, server) -> None:
    page.goto(server)
    _ask(page, QUESTIONS[2][1], "Faiths")
    page.get_by_text("Open in context (the whole section)").first.click()
    context = page.locator('[data-testid="stExpanderDetails"]:visible').first
    context.wait_for(state="visible")
    assert "Cambridgeshire & Peterborough procedures manual, Faiths" in context.inner_text()
    assert not SEED_OR_ID.search(context.inner_text())
    _shot(page, "ask-open-in-context")
    page.get_by_role("button", name=re.compile(r"^Read the chapter: Faiths")).first.click()
    page.get_by_role("heading", name="Browse the procedures").wait_for()
    # the chapter's own h2 (the Ask page's h4 "Faiths" can linger until Streamlit redraws it)
    chapter = page.get_by_role("heading", name="Faiths", exact=True, level=2)
    chapter.wait_for()  # drawn after the title
    assert chapter.is_visible()
    assert "page=browse" in page.url and "doc=cp-faiths" in page.url
    _shot(page, "browse-chapter")


def test_deep_link_opens_the_passage_cited_in_its_chapter(page, server) -> None:
    page.goto(f"{server}/?passage=cp-forced-marriage/3-indicators/1")
    page.get_by_role("heading", name="Linked passage").wait_for()
    page.get_by_role("heading", name="Forced marriage", exact=True).wait_for()
    cited = page.get_by_text(
        re.compile(
            r"Cite as: Cambridgeshire & Peterborough (SCP procedures|procedures manual), "
            r"Forced marriage, 3\. Indicators"
        )
    )
    cited.wait_for()
    assert cited.is_visible()
    assert page.get_by_role("heading", name="Forced marriage", exact=True).is_visible()
    # Streamlit draws the chapter progressively: the marked passage can come after the heading.
    page.get_by_text("The linked passage").wait_for()
    assert page.get_by_text("The linked passage").is_visible()
    assert "999" in page.locator(".kb-emergency").inner_text()
    _shot(page, "browse-deep-link")


def test_levels_and_glossary_pages_render(page, server) -> None:
    page.goto(f"{server}/?page=levels")
    page.get_by_role("heading", name="Level 4: Specialist / safeguarding").wait_for()
    page.get_by_label("Describe the situation").fill(
        "A 9 year old has a burn mark and says her father did it."
    )
    page.get_by_role("button", name="Check the level").click()
    page.get_by_role("heading", name="Suggested level for this case").wait_for()
    caveat = page.get_by_text("prompt for professional judgement").first
    caveat.wait_for()
    assert caveat.is_visible()
    _shot(page, "levels")
    page.goto(f"{server}/?page=glossary")
    page.get_by_role("heading", name="Glossary").wait_for()
    fgm = page.get_by_text("Female Genital Mutilation", exact=False).first
    fgm.wait_for()
    assert fgm.is_visible()
    _shot(page, "glossary")


def test_markup_in_a_query_never_runs_and_phone_width_stays_readable(browser, server) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(server)
        _ask(
            page,
            'forced marriage <script>window.kbPwned=1</script> <img src=x onerror="window.kbPwned=2">',
            "Forced marriage",
        )
        assert page.evaluate("window.kbPwned") is None
        assert page.locator("img[onerror]").count() == 0
        assert page.locator(".kb-emergency").is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"page is {overflow}px wider than a phone screen"
        _shot(page, "ask-phone")
    finally:
        context.close()


def _ask_any(page, question: str) -> None:
    """Type a question and wait until a result card (or the no-match note) is drawn for it."""
    box = page.get_by_label("What do I do if…")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        r"""() => [...document.querySelectorAll('h3')].some(h => /^\d+\. /.test(h.textContent))"""
    )
    page.wait_for_load_state("networkidle")


def _shown_text(page) -> str:
    """What a reader sees: the page's rendered text (closed expanders and details excluded)."""
    return page.locator("body").inner_text()


def test_bromley_question_offers_bromley_then_shows_bromley_numbers(page, server) -> None:
    page.goto(server)  # the default area is Cambridgeshire & Peterborough
    _ask_any(page, "what number do I ring in Bromley out of hours")
    notice = page.get_by_text("Your question is about Bromley")
    notice.wait_for()
    # a question that describes no child gets no level card
    assert page.get_by_role("heading", name=re.compile("Suggested level of need")).count() == 0
    _shot(page, "ask-bromley-notice")
    page.get_by_role("button", name=re.compile("Switch to Bromley")).click()
    banner = page.locator(".kb-emergency")
    expect = pytest.importorskip("playwright.sync_api").expect
    expect(banner).to_contain_text("020 8464 4848", timeout=30_000)
    text = banner.inner_text()
    assert "Bromley" in text and "0345 045 5203" not in text
    entries = banner.locator("ul").first.locator("li").all_inner_texts()
    # never an entry without a number
    assert entries and all(re.search(r"\d{3}", e) for e in entries), entries
    assert "Referral to MASH: Referral to MASH" not in text
    assert "area=bromley" in page.url
    page.get_by_role("heading", name=re.compile(r"^1\. ")).first.wait_for()
    _shot(page, "ask-bromley-numbers")


def test_no_seed_file_name_or_id_visible_on_ask(page, server) -> None:
    page.goto(server)
    _ask(page, QUESTIONS[0][1], QUESTIONS[0][2])
    page.get_by_text("Indicators and what to do at this level").first.click()  # sources in words too
    page.wait_for_load_state("networkidle")
    shown = _shown_text(page)
    assert not SEED_OR_ID.search(shown), SEED_OR_ID.search(shown)
    assert "(manual pages updated 2018–2020)" in shown
    page.locator("[data-testid=stExpander] summary", has_text="Details for maintainers").first.click()
    details = page.locator('[data-testid="stExpanderDetails"]:visible', has_text="seed ").first
    details.wait_for(state="visible")
    assert SEED_OR_ID.search(details.inner_text())  # the maintainers still have them
    _shot(page, "ask-no-ids")


def test_first_passage_is_above_the_fold_on_a_phone(browser, server) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(server)
        _ask(page, QUESTIONS[0][1], QUESTIONS[0][2])
        page.wait_for_load_state("networkidle")
        first = page.locator("h3", has_text=re.compile(r"^1\. ")).first.bounding_box()
        box = page.get_by_label("What do I do if…").bounding_box()
        assert box["y"] < first["y"], "the passage comes after the question box"
        bottom = first["y"] + first["height"]
        assert bottom <= 844, f"the first passage's title ends at {bottom:.0f}px"
        _shot(page, "ask-phone-above-the-fold")
    finally:
        context.close()


def test_pizza_question_is_flagged_as_a_weak_match_without_a_level(page, server, real_settings) -> None:
    from kb.answer import answer
    from kb.retrieval import Filters, get_searcher

    question = "what's the best pizza in Peterborough"
    page.goto(server)
    _ask_any(page, question)
    shown = _shown_text(page)
    assert "Suggested level of need" not in shown and "No level of need is suggested" not in shown
    assert "This level is a prompt" not in shown
    weak = answer(get_searcher(real_settings), question, filters=Filters(area="cambridgeshire-peterborough"))
    if not weak.weak_match:
        pytest.xfail("the library's weak_match (issue 17's tuning) does not flag this question yet")
    page.get_by_text("No good match").wait_for()
    _shot(page, "ask-pizza-weak")


def test_no_highlight_markup_inside_any_link(page, server) -> None:
    page.goto(f"{server}/?area=bromley")
    _ask_any(page, "how do I make a referral to bromley safeguarding children's social care")
    page.get_by_text("Open in context (the whole section)").first.click()
    page.wait_for_load_state("networkidle")
    links = page.eval_on_selector_all("a", "as => as.map(a => [a.getAttribute('href') || '', a.textContent])")
    assert links
    for href, text in links:
        assert "orange-background" not in href and ":orange-background[" not in text, (href, text)
    assert ":orange-background[" not in _shown_text(page)
    _shot(page, "ask-links")


def test_a_case_note_level_shows_the_dsl_reason_and_no_probability_outside_the_expander(page, server) -> None:
    """Issue 18: the level card says why in the framework's words and the note's ("Level 4: '…' — the
    note says: '…'"); probabilities, model names and thresholds only in "How this was worked out"."""
    page.goto(f"{server}/?page=levels")
    page.get_by_label("Describe the situation").fill(
        "Zac, 9, says his dad hit him with a belt on Sunday and he has a mark on his back."
    )
    page.get_by_role("button", name="Check the level").click()
    page.get_by_role("heading", name="Suggested level for this case").wait_for()
    page.get_by_text("— the note says:", exact=False).first.wait_for()
    expander = page.get_by_text("How this was worked out")
    expander.wait_for()
    outside = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid=stMain]').cloneNode(true);
            main.querySelectorAll('[data-testid=stExpander]').forEach(e => e.remove());
            return main.innerText;
        }"""
    )
    assert "the note says" in outside
    assert not re.search(r"P\(level|probabilit|p_level|raise_to_4_at|mpnet|embeddings|\b0\.\d{2,}\b", outside)
    expander.click()
    page.get_by_text("p_level", exact=False).first.wait_for()
    _shot(page, "levels-case-note")


def test_a_lowered_level_4_shows_its_words_as_questions_without_the_999_box(page, server) -> None:
    """Issue 18, eleventh round: a lesson the phrase rules read as a forced marriage about to happen is
    lowered by the learned model; the card keeps the level-4 and immediate-danger words as questions
    for the DSL, without "Immediate danger described" and without a probability outside the expander."""
    page.goto(f"{server}/?page=levels")
    page.get_by_label("Describe the situation").fill(
        "Y10 citizenship, Tues. We watched the Home Office film about a girl who is about to be taken "
        "abroad to be married. Sana (15) stayed behind to ask how the Forced Marriage Unit works and said "
        "she wants to do her speech on it. Settled, happy, good attendance, lives with mum and nan."
    )
    page.get_by_role("button", name="Check the level").click()
    page.get_by_role("heading", name="Suggested level for this case").wait_for()
    page.get_by_text("Consider whether level 4 applies", exact=False).first.wait_for()
    outside = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid=stMain]').cloneNode(true);
            main.querySelectorAll('[data-testid=stExpander]').forEach(e => e.remove());
            return main.innerText;
        }"""
    )
    assert "Check for immediate danger" in outside and "the note says" in outside
    assert "Immediate danger described" not in outside
    assert "If a child is in immediate danger, call 999" in outside  # the page's own line stays
    assert not re.search(r"P\(level|probabilit|p_level|raise_to_4_at|mpnet|embeddings|\b0\.\d{2,}\b", outside)
    _shot(page, "levels-lowered-level4")
