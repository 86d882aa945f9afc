"""Browser-test fixtures: the real app under `streamlit run` on a free port, and Debian's Chromium.

The server starts on a database path that does not exist yet, so every run also proves the app
builds the sample database on first start. With SEND_SCREENSHOTS=1, screenshots go to
tests/e2e/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("Chromium is missing in CI: .ci/run must install it (apt-get chromium)")
    skip = pytest.mark.skip(reason="Chromium not installed (apt-get install -y chromium)")
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(skip)


@contextmanager
def serve(folder: Path, flags: Sequence[str] = (), **env_extra: str) -> Iterator[str]:
    """`streamlit run` on a free port with its database (not yet built) in `folder`, and any
    further command-line `flags` (e.g. `--secrets.files PATH`)."""
    port = _free_port()
    log = (folder / "streamlit.log").open("w")
    env = {**os.environ, "SEND_DB": str(folder / "send.duckdb"), "SEND_PSEUDONYM_KEY": "e2e-test-key",
           **env_extra}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", *flags],  # the rest as .streamlit/config.toml says
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            pytest.fail("streamlit did not start:\n" + (folder / "streamlit.log").read_text())
        time.sleep(0.3)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the synthetic samples, browsed without signing in."""
    with serve(tmp_path_factory.mktemp("e2e")) as url:
        yield url


E2E_PASSWORD = "e2e password that is long"


@pytest.fixture(scope="session")
def samples_with_users(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own whose database holds only the samples, with an admin (ada) and a DCO
    (dan) to sign in: the tests on it only read, so it is started once for all of them."""
    from pipelines import access

    folder = tmp_path_factory.mktemp("e2e-samples-users")
    users = folder / "users.json"
    access.add_user(users, "ada", "admin", E2E_PASSWORD)
    access.add_user(users, "dan", "dco", E2E_PASSWORD)
    with serve(folder, SEND_USERS_FILE=str(users)) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A page as a phone shows it: 390 px wide (an iPhone 12 to 15), touch, a mobile browser."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=1)
    page = context.new_page()
    yield page
    context.close()


# The sidebar's page list, which the app draws (dashboard/app.py `navigation`), and the page itself:
# look for a page's own text in MAIN, or a page's title would be found in the page list.
PAGE_LIST = ".st-key-page_list"
MAIN = '[data-testid="stMain"]'


def serious_accessibility_findings(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands, one line each (rule,
    impact, what it says, the elements it names); bundled axe-core, nothing downloaded."""
    found = []
    for v in Axe().run(page).response["violations"]:
        if v["impact"] not in ("serious", "critical"):
            continue
        targets = [n["target"][0] if isinstance(n["target"], list) else n["target"]
                   for n in v["nodes"]]
        found.append(f"{v['id']} ({v['impact']}): {v['help']}: " + "; ".join(targets[:3]))
    return found


def wait_for_app(page, timeout_ms: int = 90_000) -> None:
    """Wait until the script has finished running and nothing is still a loading skeleton."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
                           timeout=timeout_ms)
    page.wait_for_timeout(300)


# Screenshots are for a person to look at (`SEND_SCREENSHOTS=1 python -m pytest tests/e2e`); no
# test reads them, and a whole page at two widths costs seconds a page, so CI takes none.
TAKE_SCREENSHOTS = os.environ.get("SEND_SCREENSHOTS", "") not in ("", "0")


def whole_page_screenshot(page, width: int, name: str) -> Path | None:
    """A screenshot of all of the page at `width`: the page scrolls inside Streamlit's main frame,
    not the document, so the window is made as tall as the page first."""
    if not TAKE_SCREENSHOTS:
        return None
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(300)
    tall = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(max(int(tall), 900), 20_000)})
    page.wait_for_timeout(500)
    return screenshot(page, name)


def screenshot(page, name: str) -> Path | None:
    if not TAKE_SCREENSHOTS:
        return None
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
