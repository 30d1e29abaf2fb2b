"""Running the real app and Debian's chromium for browser tests (shared by the browser test files)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LONG = 60_000  # ms: a cold Streamlit start, or a rerun, on a loaded 2-core machine

# Streamlit's app root carries the script state (data-test-script-state: initial, running,
# rerunRequested, notRunning), which its own browser tests wait on. A widget shows its new value
# before the server has rerun the script with it, so an interaction is followed by waiting for a
# rerun to start (seen by a MutationObserver armed before the interaction) and then to end.
# Every mutation record counts: the observer's callback is batched, so by the time it runs a
# quick rerun may already be back to notRunning, and reading the attribute then would miss it.
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ARM = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__ccRuns = 0;
    if (window.__ccObserved === app) return;
    window.__ccObserved = app;
    new MutationObserver((records) => { window.__ccRuns += records.length; })
        .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def rerun(page, action: Callable[[], object], timeout: int = LONG) -> None:
    """Do `action` (which must make the app rerun) and wait until the rerun is over. The app is
    idle before the observer is armed, so any change of its script state is this rerun."""
    page.locator(IDLE).wait_for(timeout=timeout)
    page.evaluate(ARM)
    action()
    page.wait_for_function("() => window.__ccRuns > 0", timeout=timeout)
    page.locator(IDLE).wait_for(timeout=timeout)


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_app(db: Path, tmp_home: Path) -> Iterator[str]:
    """`streamlit run app.py` on a free loopback port; yields its URL once healthy. The server's
    output goes to ``tmp_home/streamlit.log``: in an unread pipe, warnings logged on every run
    (a stack each) filled its 64 kB and froze the server under load."""
    with streamlit_process(db, tmp_home, log=tmp_home / "streamlit.log") as (url, _proc):
        yield url


@contextmanager
def streamlit_process(
    db: Path, tmp_home: Path, *, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """The app (``python -m ui.serve``: ``streamlit run app.py`` after loading the interface, as
    ``make run`` starts it) on a free loopback port; yields its URL once healthy and the
    process (its pid for /proc, in the benchmarks). ``env`` adds variables; ``log`` takes the
    server's output (a long run would otherwise fill an unread pipe)."""
    port = free_port()
    env = {**os.environ, "COURT_CIRCUIT_DB": str(db), "HOME": str(tmp_home), **(env or {})}
    out = log.open("ab") if log is not None else subprocess.PIPE
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.serve", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                said = proc.stdout.read().decode() if proc.stdout else log.read_text(errors="replace")
                raise RuntimeError(f"streamlit did not start:\n{said}")
            time.sleep(0.1)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log is not None:
            out.close()


@contextmanager
def chromium_browser(tmp_home: Path):
    """Debian's chromium through Playwright; open pages or contexts (geolocation, viewport…) on it."""
    from playwright.sync_api import sync_playwright

    os.environ["HOME"] = str(tmp_home)  # chromium writes its profile under $HOME
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def chromium_page(tmp_home: Path):
    with chromium_browser(tmp_home) as browser:
        yield browser.new_page(viewport={"width": 1280, "height": 900})
