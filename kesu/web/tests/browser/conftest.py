"""Playwright driving Debian's Chromium (never a downloaded browser) against pytest-django's live server."""

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-output" / "screenshots"
LAPTOP = {"width": 1366, "height": 900}
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}
LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/web/tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, started once. (Headless Chromium draws its own widgets — a file input's
    button, a date's placeholder — in English only; the pages' words follow the context's locale.)"""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)."
        if os.environ.get("CI") or os.environ.get("KESU_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the tests are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def queue():
    """Huey's queue, kept in memory and worked by the test itself (`queue.work()`), as the worker would."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import MemoryStorage

    kept = HUEY.storage
    HUEY.storage = MemoryStorage(HUEY.name)

    def work() -> int:
        done = 0
        while (task := HUEY.dequeue()) is not None:
            HUEY.execute(task)
            done += 1
        return done

    yield SimpleNamespace(work=work)
    HUEY.storage = kept


@pytest.fixture
def open_page(chromium, live_server):
    """`open_page(language="zh-hans", viewport=LAPTOP)`: a fresh browser tab (its own cookies) on the live server."""
    contexts = []

    def open_(language: str = "zh-hans", viewport: dict = LAPTOP):
        context = chromium.new_context(locale=LOCALES[language], viewport=viewport, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: pytest.fail(f"JavaScript error: {error}"))
        page.on("console", _fail_on_refused_content)
        return page

    yield open_
    for context in contexts:
        context.close()


def _fail_on_refused_content(message) -> None:
    """Every page keeps to its Content-Security-Policy: anything it refuses would break in production."""
    if message.type == "error" and "Content Security Policy" in message.text:
        pytest.fail(f"Refused by the Content-Security-Policy: {message.text}")


def sign_in(page, username: str) -> None:
    """Sign in through the form, by keyboard (the username field has the focus once the page is loaded;
    a busy machine may load it after the first keys, so wait for the focus before typing)."""
    page.goto("/sign-in/")
    expect(page.locator("input[name=username]")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(f"pw-{username}")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/sign-in/" not in url)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_step(page, action: str) -> None:
    """Click a step: the primary button, or the item of the "More steps" menu (opened first)."""
    step = page.locator(f"#complaint-actions [data-action={action}]")
    if not step.is_visible():
        page.click("#more-steps")
    step.click()


def take_step(page, action: str, fill=None, submit: bool = True) -> None:
    """Open a step's small form from its button, fill it (a function of the dialog), send it, wait for the page."""
    open_step(page, action)
    dialog = page.locator("#step-dialog")
    dialog.locator("#step-form").wait_for()
    if fill:
        fill(dialog)
    if submit:
        dialog.locator("button[type=submit]:not([form])").click()  # not "Assign to me", a form of its own
        page.locator("#step-dialog").wait_for(state="hidden")


def pick_person(dialog, field: str, typed: str, name: str) -> None:
    """Type part of a name into a step's people picker and click `name` in the list it shows."""
    dialog.locator(f"#id_{field}_search").fill(typed)
    dialog.locator(f"#id_{field}_options [role=option]", has_text=name).click()
