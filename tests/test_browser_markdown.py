"""ui.text.md in a real browser: Streamlit's Markdown renderer, not a reading of its source.

AppTest only sees Markdown sources (tests/markdown_check.py reads them); this test asks
chromium what Streamlit actually draws. It found that backslash escapes do not stop GFM's
literal autolinks (``https\\://x``, ``a\\@b\\.fr`` were still links), hence md's word joiner.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, REPO, free_port

pytestmark = pytest.mark.browser

PAYLOADS = [
    "Voir https://ev.il/promo, www.ev.il ou contact@ev.il",
    "HTTP://EV.IL x@y.fr",
    "[Connexion](//ev.il)",
    "![](//host/img.png)",
    ":red[**ALERTE**] :material/warning: :smile:",
    "<b>gras</b> <img src=x> `code` $x^2$ ~~barré~~ &amp;",
]
SCRIPT = """
import sys
sys.path.insert(0, {repo!r})
import streamlit as st
from ui.text import md
payloads = {payloads!r}
for i, p in enumerate(payloads):
    with st.container(key=f"esc{{i}}"):
        st.markdown(md(p))
    with st.container(key=f"raw{{i}}"):
        st.markdown(p)
"""


def test_escaped_text_is_drawn_as_typed_with_no_link_image_or_colour(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    script = tmp_path / "md_app.py"
    script.write_text(SCRIPT.format(repo=str(REPO), payloads=PAYLOADS))
    port = free_port()
    env = {**os.environ, "HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "streamlit did not start"
                time.sleep(0.3)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}")
            page.wait_for_selector(f".st-key-raw{len(PAYLOADS) - 1} p", timeout=90_000)
            raw_active = 0
            for i, payload in enumerate(PAYLOADS):
                escaped, raw = page.locator(f".st-key-esc{i}"), page.locator(f".st-key-raw{i}")
                drawn = escaped.inner_text().replace("\u2060", "").strip()
                assert drawn == payload
                assert escaped.locator("a, img, code, [style*=color], .katex").count() == 0, payload
                raw_active += raw.locator("a, img, code, [style*=color], .katex").count()
            assert raw_active >= len(PAYLOADS), "the same payloads unescaped are active (the test can fail)"
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
