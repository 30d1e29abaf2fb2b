"""Showing text from the data inside Streamlit's Markdown (labels, headers, captions).

Every Streamlit label is Markdown: a name such as ``**Promo**``, ``[clic](javascript:…)``,
``:red[x]`` or ``<img onerror=…>`` would be formatted, linked or dropped instead of shown.
:func:`md` escapes it so the exact characters are displayed.
"""

from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation be backslash-escaped; Streamlit adds $ (LaTeX) and
# :colour[…] / :material/…: directives, so ':' is escaped too. '.', ':' and '@' break GFM's
# literal autolinks (www.x.fr, https://x.fr, a@b.fr): a URL in a description stays text.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'@])")


def md(text: object) -> str:
    """``text`` as Markdown that renders to exactly that text (newlines become spaces)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
