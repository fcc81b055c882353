"""Browser tests: Debian's chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from smartunion.core.testing import PASSWORD

CHROMIUM = os.environ.get("SMARTUNION_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags chromium keeps dialling Google on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000


def launch_chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test still reads the
    # database from here, which Django otherwise refuses inside an event loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def log_in(page, live_server, username: str) -> None:
    """Through the login form, as a person would; waits for the home page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))


def screenshot(page, name: str) -> None:
    """With ``SMARTUNION_SCREENSHOTS=DIR`` set, the whole page as DIR/name.png (the guides'
    screenshots: ``SMARTUNION_SCREENSHOTS=docs/images pytest -m browser`` renews them)."""
    directory = os.environ.get("SMARTUNION_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)
