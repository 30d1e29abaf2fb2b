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
# rerunRequested, notRunning), which its own browser tests wait on. It cannot tell that a rerun
# happened, though: a quick rerun's messages (running, its elements, finished) can reach a busy
# browser together, and React then renders « running » and « notRunning » in one commit, so the
# attribute never changes (seen in CI, and with a probe recording the websocket's frames: the
# clicked tab's run came and went in 17 ms without one change of the attribute). The pages made
# by chromium_browser therefore count the app's messages themselves (RUN_COUNTER): the reruns the
# page asked for (BackMsg.rerun_script) and the runs that ended (ForwardMsg.script_finished, not
# counting a run cut short by another). An interaction is done when it asked for a rerun and a
# run has ended since the last rerun asked, and the app is idle.
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RUN_COUNTER = """(() => {
    if (window.__ccCounting) return;
    window.__ccCounting = true;
    window.__ccAsked = 0;        // reruns this page asked the server for
    window.__ccEnded = 0;        // runs the server finished (not cut short by another)
    window.__ccAnswered = 0;     // how many reruns had been asked when the last run ended
    // The top-level fields of a protobuf message: [field number, varint value or null].
    const fields = (bytes) => {
        const found = [];
        let i = 0;
        const varint = () => {
            let value = 0, shift = 0, byte;
            do { byte = bytes[i++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; }
            while (byte & 0x80 && i < bytes.length);
            return value;
        };
        while (i < bytes.length) {
            const tag = varint(), number = Math.floor(tag / 8), wire = tag & 7;
            if (wire === 0) found.push([number, varint()]);
            else if (wire === 2) {
                const length = varint();  // read first: « i += varint() » adds to the old i
                i += length;
                found.push([number, null]);
            }
            else if (wire === 1) { i += 8; found.push([number, null]); }
            else if (wire === 5) { i += 4; found.push([number, null]); }
            else break;
        }
        return found;
    };
    const asBytes = (data) => data instanceof ArrayBuffer ? new Uint8Array(data)
        : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : null;
    const RERUN_SCRIPT = 11, SCRIPT_FINISHED = 6, FINISHED_EARLY_FOR_RERUN = 2;
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener("message", (event) => {
                const bytes = asBytes(event.data);
                if (!bytes) return;
                const ended = fields(bytes).some(
                    ([n, v]) => n === SCRIPT_FINISHED && v !== FINISHED_EARLY_FOR_RERUN);
                // Counted after the app's own handling of the message (it decodes asynchronously).
                if (ended) setTimeout(() => {
                    window.__ccEnded += 1;
                    window.__ccAnswered = window.__ccAsked;
                }, 0);
            });
        }
        send(data) {
            const bytes = asBytes(data);
            if (bytes && fields(bytes).some(([n]) => n === RERUN_SCRIPT)) window.__ccAsked += 1;
            return super.send(data);
        }
    };
})()"""
ASKED = "() => window.__ccAsked"
ANSWERED = "() => window.__ccAnswered === window.__ccAsked && window.__ccEnded > 0"
# A map's frame is hidden while it loads, then shown at height 0 and sized by its script: the
# page below it moves down by the map's height (a probe saw a listing's links jump 282 px a second
# after the run ended, and a click aimed at one landed on nothing). A frame in a closed tab or
# expander has no offsetParent and is left alone.
MAPS_DRAWN = """() => [...document.querySelectorAll('iframe[title^="streamlit_folium"]')].every(
    (f) => getComputedStyle(f).display !== 'none'
        && (f.offsetParent === null || f.getBoundingClientRect().height > 0))"""
NEXT_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def runs_ended(page) -> int:
    """How many runs of the app this page has seen end (pages made by chromium_browser)."""
    return page.evaluate("() => window.__ccEnded")


def settle(page, timeout: int = LONG) -> None:
    """Wait until every rerun the page asked for has been answered by a finished run, the app is
    idle, its maps have their size and the browser has drawn it."""
    page.wait_for_function(ANSWERED, timeout=timeout)
    page.locator(IDLE).wait_for(timeout=timeout)
    page.wait_for_function(MAPS_DRAWN, timeout=timeout)
    page.evaluate(NEXT_FRAMES)


def rerun(page, action: Callable[[], object], timeout: int = LONG) -> None:
    """Do `action` (which must make the app rerun) on a settled page and wait until that rerun
    is over."""
    asked = page.evaluate(ASKED)
    if asked is None:
        raise RuntimeError("page not made by tests.browser.chromium_browser: its runs are not counted")
    settle(page, timeout)
    asked = page.evaluate(ASKED)
    action()
    try:
        page.wait_for_function("(n) => window.__ccAsked > n", arg=asked, timeout=timeout)
    except Exception as exc:
        raise AssertionError("the interaction asked the app for no rerun") from exc
    settle(page, timeout)


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
        counting(browser)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def chromium_page(tmp_home: Path):
    with chromium_browser(tmp_home) as browser:
        yield browser.new_page(viewport={"width": 1280, "height": 900})


def counting(browser) -> None:
    """Every page and context this browser makes counts the app's runs (RUN_COUNTER)."""

    def with_counter(make: Callable[..., object]) -> Callable[..., object]:
        def made(*args: object, **kwargs: object) -> object:
            target = make(*args, **kwargs)
            target.add_init_script(RUN_COUNTER)
            return target

        return made

    browser.new_page = with_counter(browser.new_page)
    browser.new_context = with_counter(browser.new_context)
