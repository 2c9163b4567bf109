"""The minutes page in Debian Chromium against a real server holding the recorded demo
meeting: the secretariat starts the verbatim record, corrects a statement, sees it in the
audit, exports the DOCX and the PDF (read back here) and issues the record."""

import io
import subprocess
from collections.abc import Iterator

import pytest
from docx import Document as read_docx
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import (
    browser,
    inside,
    log_in_with_the_form,
    namespace,
    playwright,
    policy_violations,
    watch_policy,
)
from tests.minutes.conftest import headings_of
from tests.support.netns import NetworkNamespace
from tests.support.server import PLENARY, REPO, ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]
# Debian's Chromium, in the module's network namespace (tests/e2e/conftest.py)
__all__ = ["browser", "namespace", "playwright"]
CORRECTED = "The fund must be operational in 2026, with new and additional resources"


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, namespace: NetworkNamespace | None
) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("minutes-e2e"))
    process.prepare()
    subprocess.run(
        [*PLENARY, "minutes", "demo"], env=process.env, cwd=REPO, check=True, capture_output=True
    )
    with inside(namespace):
        process.start()
    yield process
    process.stop()


def downloaded(page: Page, name: str) -> bytes:
    """Click an export button; the page says how it goes, then the file comes."""
    with page.expect_download() as download:
        page.get_by_role("link", name=name, exact=True).click()
    progress = page.get_by_test_id("export-progress")
    expect(progress).to_have_attribute("data-state", "ready")
    expect(progress).to_contain_text(f".{name.lower()} is ready")
    path = download.value.path()
    assert download.value.suggested_filename == f"CF-2026-PV.2-verbatim-en.{name.lower()}"
    return path.read_bytes()


def test_the_secretariat_corrects_exports_and_issues_the_record(
    browser: Browser, server: ServerProcess
) -> None:
    page = watch_policy(browser.new_context(accept_downloads=True)).new_page()
    log_in_with_the_form(page, server.url, "secretariat")
    page.locator("tr", has_text="2nd plenary meeting").get_by_role("link", name="Minutes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Minutes of the 2nd plenary meeting")
    page.get_by_label("Form").select_option(label="Verbatim record")
    page.get_by_label("Language").select_option("en")
    page.get_by_role("button", name="Start the draft").click()
    expect(page.get_by_test_id("messages")).to_contain_text("Draft verbatim record started.")
    expect(page.get_by_test_id("statement")).to_have_count(9)
    expect(page.get_by_test_id("state")).to_have_text("Draft")

    segment = page.get_by_test_id("segment").filter(has_text="The fund must be operational")
    segment.get_by_text("Correct the en text").click()
    segment.get_by_label("Corrected text").fill(
        "The fund must be operational in 2026, with new and additional resources and direct "
        "access for the most vulnerable communities."
    )
    segment.get_by_label("Why").fill("The speaker said 2026.")
    segment.get_by_role("button", name="Record the correction").click()
    expect(page.get_by_test_id("messages")).to_contain_text("Correction recorded.")
    expect(page.get_by_test_id("editor")).to_contain_text(CORRECTED)

    page.get_by_role("link", name="Corrections and history").click()
    corrections = page.get_by_test_id("corrections")
    expect(corrections).to_contain_text("The speaker said 2026.")
    expect(corrections).to_contain_text("Secretariat officer")
    expect(corrections.locator("ins")).to_have_text(["in", "2026,"])
    page.get_by_role("link", name="Back to the minutes").click()

    docx = read_docx(io.BytesIO(downloaded(page, "DOCX")))
    assert docx.sections[0].header.paragraphs[0].text == "CF/2026/PV.2"
    headings = headings_of(docx)
    assert "Agenda item 2: Operationalization of the fund for responding to loss and damage" in (
        headings
    )
    kenya = next(p for p in docx.paragraphs if p.text.startswith("3.\t"))
    assert [run.text for run in kenya.runs if run.bold] == ["Mr. David Otieno"]
    paragraphs = "\n".join(p.text for p in docx.paragraphs)
    assert f"4.\t{CORRECTED}" in paragraphs and "this year" not in paragraphs
    pdf = PdfReader(io.BytesIO(downloaded(page, "PDF")))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "CF/2026/PV.2" in text and CORRECTED in text
    assert "Mr. David Otieno (Kenya): Thank you, Madam Chair." in text

    page.get_by_role("button", name="Issue CF/2026/PV.2").click()
    expect(page.get_by_test_id("state")).to_have_text("Issued")
    expect(page.get_by_test_id("issued")).to_contain_text("This record does not change")
    expect(page.get_by_text("Correct the en text")).to_have_count(0)
    assert policy_violations(page.context) == []
