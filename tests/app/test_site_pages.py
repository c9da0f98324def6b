# ruff: noqa: F811  (pytest fixtures imported from test_browser are used as arguments)
"""The site's reference pages in Chromium: the chapter print view (no sidebar) and its PDF,
Browse's dates and section search, the Glossary's quoted definitions, Contacts and Amendments,
each with cited content. Screenshots go to test-artifacts/."""

from __future__ import annotations

import subprocess

import pytest

from tests.app.test_browser import _shot, browser, page, pytestmark, server  # noqa: F401

CHAPTER = "cp-breast-ironing"


def _main_text(page) -> str:
    return page.locator("[data-testid=stMain]").inner_text()


def test_print_view_is_the_chapter_alone_without_the_sidebar(page, server) -> None:
    page.goto(f"{server}/?page=browse&doc={CHAPTER}&view=print")
    page.get_by_role("heading", name="Breast Ironing").first.wait_for()
    page.get_by_text("Cite as:").wait_for()
    sidebar = page.locator("[data-testid=stSidebar]")
    assert sidebar.count() == 0 or not sidebar.first.is_visible()
    text = _main_text(page)
    assert "5. Indicators" in text and "Cambridgeshire & Peterborough SCP procedures" in text
    assert "Go to" not in page.locator("body").inner_text()  # no navigation on the page
    _shot(page, "print-view")


def test_chapter_shows_its_date_and_downloads_as_a_pdf(page, server, tmp_path) -> None:
    page.goto(f"{server}/?page=browse&doc={CHAPTER}")
    page.get_by_role("heading", name="Breast Ironing").first.wait_for()
    # the red box's source lines carry the same words, in a closed expander: wait for a shown one
    page.get_by_text("manual pages updated 2018").locator("visible=true").first.wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    pdf = tmp_path / "chapter.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Breast Ironing" in text and "Indicators" in text
    _shot(page, "browse-chapter-dates")


def test_browse_search_lists_every_matching_section_with_its_heading_path(page, server) -> None:
    page.goto(f"{server}/?page=browse")
    box = page.get_by_label("Search the procedures' text")
    box.fill("breast ironing")
    box.press("Enter")
    page.get_by_text("sections mention every word").wait_for()
    links = page.get_by_role("link", name="Breast Ironing › 5. Indicators")
    links.first.wait_for()
    assert page.get_by_role("link", name="Breast Ironing › 1. Introduction").count() == 1
    _shot(page, "browse-search")


def test_glossary_quotes_the_procedures_definition_with_its_source(page, server) -> None:
    page.goto(f"{server}/?page=glossary")
    page.get_by_role("heading", name="Glossary").wait_for()
    page.get_by_label("Filter terms").fill("CSE")
    page.get_by_label("Filter terms").press("Enter")
    page.get_by_text("Child Sexual Exploitation is a form of Child Sexual Abuse").wait_for()
    page.get_by_text("Source: Cambridgeshire & Peterborough SCP procedures").locator(
        "visible=true"
    ).first.wait_for()
    _shot(page, "glossary-definitions")


@pytest.mark.parametrize(
    ("area", "number"), [("bromley", "020 8461 7373"), ("cambridgeshire-peterborough", "01733 864180")]
)
def test_contacts_page_lists_the_areas_numbers_with_sources(page, server, area, number) -> None:
    page.goto(f"{server}/?page=contacts&area={area}")
    page.get_by_role("heading", name="Contacts:").wait_for()
    main = page.locator("[data-testid=stMain]")
    main.get_by_text(number).locator("visible=true").first.wait_for()
    main.get_by_text("Source:").locator(
        "visible=true"
    ).first.wait_for()  # Streamlit draws the list element by element
    _shot(page, f"contacts-{area}")


def test_amendments_page_lists_dated_entries_per_document(page, server) -> None:
    page.goto(f"{server}/?page=amendments&area=cambridgeshire-peterborough")
    page.get_by_role("heading", name="Amendments").wait_for()
    chapter = page.locator("[data-testid=stExpander]", has_text="Breast Ironing").first
    chapter.locator("summary").click()
    entry = chapter.get_by_text("first published").first
    entry.wait_for()
    assert entry.is_visible() and "5. Indicators" in chapter.inner_text()
    assert chapter.get_by_role("link", name="Read this chapter").is_visible()
    _shot(page, "amendments")
