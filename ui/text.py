"""Showing text from the data inside Streamlit's Markdown (labels, headers, captions).

Every Streamlit label is Markdown: a name such as ``**Promo**``, ``[clic](javascript:…)``,
``:red[x]`` or ``<img onerror=…>`` would be formatted, linked or dropped instead of shown.
:func:`md` escapes it so the exact characters are displayed.
"""

from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation be backslash-escaped; Streamlit adds $ (LaTeX) and
# :colour[…] / :material/…: directives, so ':' is escaped too.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'@])")
# GFM's literal autolinks (https://x.fr, www.x.fr, a@b.fr) and Streamlit's :material/icon:
# are found in the text *after* escapes are resolved (checked in chromium, see
# tests/test_browser_markdown.py: escaping alone leaves them clickable or drawn as an icon), so
# an invisible WORD JOINER (U+2060) is put where their patterns need two characters side by side.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?<=@)|(?<=:)(?=material/)")


def md(text: object) -> str:
    """``text`` as Markdown that renders to exactly that text (newlines become spaces), with no
    link, image, directive or formatting, and URLs or e-mail addresses not made clickable."""
    flat = _AUTOLINK.sub(WORD_JOINER, " ".join(str(text).split()))
    return _MD_SPECIAL.sub(r"\\\1", flat)
