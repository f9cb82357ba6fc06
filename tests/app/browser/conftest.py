"""Browser tests: the app served from a thread on a local port, driven by Debian's Chromium
through Playwright (never `playwright install`: it cannot download a browser here)."""

import dataclasses
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The inbox polls this often in the browser tests; Playwright's expect() waits up to 5 s.
POLL_SECONDS = 0.3


@pytest.fixture
def live_server(app):
    """The test app on a free local port, served by threads like a small gunicorn."""
    services = app.extensions["helpline"]
    services.settings = dataclasses.replace(services.settings, INBOX_POLL_SECONDS=POLL_SECONDS)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("browser tests need Debian's chromium: apt-get install chromium fonts-noto-cjk")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()
