"""A headless Chromium for the end-to-end tests, driven by Playwright; skipped where Chromium is missing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.pages import DESK, PHONE, log_in

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium không có trên máy này: bỏ qua kiểm thử trình duyệt (cài gói chromium để chạy)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM then refuses to run here
    # unless told that this is a test.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desk(browser, live_server):
    """desk(official): a browser of the official's own at a desk, logged in at the back office."""
    from playwright.sync_api import expect

    contexts = []

    def open_for(official):
        context = browser.new_context(viewport=DESK, locale="vi-VN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + "/mot-cua/")
        page.wait_for_url(re.compile(r"/dang-nhap/\?next="))
        log_in(page, official.username)
        page.wait_for_url(re.compile(r"/mot-cua/$"))
        expect(page.get_by_text(official.display_name)).to_be_visible()
        return page

    expect.set_options(timeout=15_000)
    yield open_for
    for context in contexts:
        context.close()


@pytest.fixture
def stranger(browser, live_server):
    """A phone of someone with no account and no login (a new browser context: no cookies)."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
