"""The interface in Arabic in Debian Chromium: a browser that prefers Arabic gets every main
page right to left, nothing wider than the window, English text inside kept left to right in
its own direction, and the Arabic face served by Plenary itself. Screenshots of each page
are saved under the test's base temporary directory (the path is printed)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.server import ServerProcess

from .conftest import PASSWORD, policy_violations, watch_policy

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Elements that stand outside the window on purpose: the skip link until focused, text for
# screen readers only.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const hidden = (e) => e.closest(".visually-hidden, .skip, [hidden]") !== null;
  const wide = [...document.body.querySelectorAll("*")].filter((e) => {
    if (hidden(e) || e.getClientRects().length === 0) return false;
    const box = e.getBoundingClientRect();
    return box.width > 0 && (box.left < -1 || box.right > width + 1);
  });
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width,
    wide: wide.slice(0, 5).map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`),
  };
}"""


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("arabic-screenshots")
    print(f"\nArabic interface screenshots: {folder}")
    return folder


def log_in_in_arabic(browser: Browser, server: ServerProcess, width: int) -> Page:
    context = watch_policy(
        browser.new_context(locale="ar", viewport={"width": width, "height": 900})
    )
    page = context.new_page()
    page.goto(f"{server.url}/login/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("تسجيل الدخول")
    page.get_by_label("اسم المستخدم").fill("chair")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url(f"{server.url}/")
    return page


def check_right_to_left(page: Page, name: str, screenshots: Path) -> None:
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    path = screenshots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"  {name}: {path}")
    layout = page.evaluate(OVERFLOWING)
    assert layout["scrollWidth"] <= layout["width"], (name, layout)
    assert layout["wide"] == [], (name, layout)


@pytest.mark.parametrize("width", [1280, 800])
def test_the_main_pages_read_right_to_left_and_nothing_overflows(
    browser: Browser, server: ServerProcess, screenshots: Path, width: int
) -> None:
    page = log_in_in_arabic(browser, server, width)
    check_right_to_left(page, f"meetings-{width}", screenshots)
    expect(page.get_by_role("heading", level=1)).to_have_text("جلساتي")  # My meetings

    page.get_by_role("link", name="1st plenary meeting").click()
    expect(page.get_by_test_id("connection")).to_have_text("مباشر")  # Live, from the catalog
    expect(page.get_by_role("heading", name="قائمة المتكلمين")).to_be_visible()
    expect(page.get_by_test_id("floor-holder")).to_have_text("لا أحد يملك الكلمة.")
    check_right_to_left(page, f"room-{width}", screenshots)
    # The page's Arabic text in the face Plenary serves, fetched from Plenary only.
    loaded = page.evaluate(
        "async () => (await document.fonts.load('16px \"Plenary Arabic\"', 'قائمة')).length"
    )
    assert loaded >= 1
    for face in ("amiri/Amiri-Regular.ttf", "amiri/Amiri-Bold.ttf", "wqy/wqy-microhei.ttc"):
        served = page.request.get(f"{server.url}/static/vendor/fonts/{face}")
        assert served.ok and len(served.body()) > 100_000, face

    page.go_back()
    page.locator("tr", has_text="1st plenary meeting").get_by_role("link", name="المحاضر").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("محاضر")
    check_right_to_left(page, f"minutes-{width}", screenshots)

    page.goto(f"{server.url}/")
    page.get_by_test_id("texts").get_by_role("link").first.click()
    expect(page.get_by_test_id("text-body")).to_be_visible()
    check_right_to_left(page, f"negotiation-{width}", screenshots)
    # The clauses are English: each keeps its own language and direction in the Arabic page.
    words = page.get_by_test_id("words").first
    expect(words).to_have_attribute("lang", "en")
    expect(words).to_have_attribute("dir", "ltr")
    assert policy_violations(page.context) == []
    page.context.close()


def test_a_caption_line_keeps_its_own_language_and_direction(
    browser: Browser, server: ServerProcess, screenshots: Path
) -> None:
    """The captions panel draws each line with its language's direction (captions-view.js):
    English captions read left to right inside the Arabic page, Arabic ones right to left."""
    page = log_in_in_arabic(browser, server, 1280)
    page.get_by_role("link", name="1st plenary meeting").click()
    expect(page.get_by_test_id("connection")).to_have_text("مباشر")
    directions = page.evaluate(
        """async () => {
          const { CaptionsView } = await import("/static/js/captions-view.js");
          const view = new CaptionsView({ meetingId: 0, pick: () => {} });
          const speaker = { id: 1, name: "Mr. Otieno", delegation: "KEN",
            delegation_name: "Kenya" };
          const line = (segment, language, text) => ({ segment, turn: 1, seq: segment, speaker,
            language, text, translations: {}, final: true });
          view.render([line(1, "en", "We support the draft."), line(2, "ar", "نؤيد المشروع.")]);
          return [...document.querySelectorAll("#captions-list li")].map((li) => [li.lang, li.dir]);
        }"""
    )
    assert directions == [["en", "ltr"], ["ar", "rtl"]]
    page.screenshot(path=str(screenshots / "captions.png"))
    page.context.close()


def test_the_login_page_in_chinese(
    browser: Browser, server: ServerProcess, screenshots: Path
) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    page.screenshot(path=str(screenshots / "login-zh-hans.png"))
    # Choosing Arabic on the login page turns it right to left at once (language.js).
    page.get_by_role("combobox").select_option("ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("button", name=re.compile("تسجيل الدخول"))).to_be_visible()
    context.close()
