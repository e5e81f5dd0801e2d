"""Browser tests: Debian's Chromium driven by Playwright against a live server on 127.0.0.1."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db
from tests.conftest import base_config, empty_tables
from tests.live_server import serve

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
REAL_COURSE = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config, items):
    """Skip browser tests where Chromium is missing, except in CI, where that is a failure."""
    here = Path(__file__).parent
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists() and os.environ.get("CI") != "true":
                item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: apt-get install -y chromium"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium; Playwright's own browser download is not reachable here."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"CI=true but Chromium is missing at {CHROMIUM}; .ci/run installs it with apt-get")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_app(database_url: str):
    """The app under test, serving the real course content."""
    return create_app(
        {
            **base_config(database_url),
            "LESSONS_DIR": str(REAL_COURSE / "lessons"),
            "QUESTION_BANK": str(REAL_COURSE / "question_bank.yaml"),
            # Every journey logs in from 127.0.0.1 against one server; the limits have their own tests.
            "LOGIN_RATE_LIMIT": "100 per minute;1000 per hour",
        }
    )


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """Serve the app from a thread on a free port (closing responses on dropped connections)."""
    with serve(live_app) as url:
        yield url
    with live_app.app_context():
        empty_tables()
        db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """Let page.goto take paths."""
    return live_server


@pytest.fixture()
def check_page(request):
    """Run axe on the current page (zero violations) and save a screenshot named after it."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    SCREENSHOTS.mkdir(exist_ok=True)
    backend = "pg" if "postgresql" in request.node.name else "sqlite"

    def _check(name: str, page=None) -> None:
        page = page or request.getfixturevalue("page")
        page.screenshot(path=str(SCREENSHOTS / f"{backend}-{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"), full_page=True)
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
        # Every page a journey checks fits its viewport: on a phone nothing may push the page sideways
        # (wide tables scroll inside their own box instead).
        width = page.viewport_size["width"] if page.viewport_size else None
        if width is not None:
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{name}: the page is {scroll} px wide in a {width} px viewport"

    return _check
