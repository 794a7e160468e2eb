"""What the end-to-end tests do on pages, shared by every test module: log in, open a dossier from a queue,
decide, and the accessibility probe run on every page a test visits."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Download, Page, expect

from motcua.identity.tests.factories import PASSWORD

PHONE = {"width": 360, "height": 780}  # the citizen's cheap phone
DESK = {"width": 1280, "height": 900}  # officials work at a desk


def log_in(page: Page, username: str) -> None:
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def open_from_queue(page: Page, queue: str, link_text: str) -> None:
    """Go to one of the official's queues by the navigation and open the dossier listed as `link_text`."""
    page.get_by_role("navigation", name="Hàng đợi hồ sơ").get_by_role("link", name=queue).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hồ sơ chờ tiếp nhận" if queue == "Chờ tiếp nhận" else queue
    )
    assert_accessible(page)
    page.get_by_role("link", name=link_text, exact=True).click()
    page.wait_for_url(re.compile(r"/mot-cua/ho-so/[0-9a-f-]+/$"))
    assert_accessible(page)


def decide(page: Page, button: str, message: str) -> None:
    """Press a decision's button; the page comes back (post/redirect/get) saying what was done."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(message)
    assert_accessible(page)


# What a screen reader would miss on the page: inputs without a name, references to ids that are not
# there (a label's `for`, aria-describedby, aria-labelledby), and ids given twice.
ACCESSIBILITY_PROBLEMS = r"""() => {
  const problems = [];
  document.querySelectorAll("input, select, textarea").forEach((el) => {
    if (["hidden", "submit", "button", "reset", "image"].includes(el.type) || el.closest("[aria-hidden=true]")) return;
    if (!el.labels.length && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) {
      problems.push("no label: " + el.outerHTML);
    }
  });
  for (const attr of ["for", "aria-describedby", "aria-labelledby"]) {
    document.querySelectorAll("[" + attr + "]").forEach((el) => {
      for (const ref of el.getAttribute(attr).split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(ref)) problems.push(attr + " names a missing id: " + ref);
      }
    });
  }
  const seen = new Set();
  document.querySelectorAll("[id]").forEach((el) => {
    if (seen.has(el.id)) problems.push("id given twice: " + el.id);
    seen.add(el.id);
  });
  return problems;
}"""


def assert_accessible(page: Page) -> None:
    """Every input a person can reach has a label a screen reader reads out, and every label, hint and
    error is tied to an element that exists (WCAG 1.3.1, 4.1.2)."""
    assert page.evaluate(ACCESSIBILITY_PROBLEMS) == [], page.url


def pdf_of(download: Download) -> bytes:
    return Path(download.path()).read_bytes()


def off_the_loop(function, /, *args, **kwargs):
    """Call `function` in a thread of its own: Playwright's sync API keeps an asyncio loop running in the
    test's thread, and pyHanko's sync functions (signing, validating) start one with asyncio.run."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()
