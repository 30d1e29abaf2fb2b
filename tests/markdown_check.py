"""What a Markdown source shown by Streamlit would turn into, checked without a browser.

AppTest hands back the Markdown source of each element, not what the browser draws. These
helpers read that source the way CommonMark + GFM + Streamlit's extensions would, closely
enough to tell whether text from a URL or from the data became a link, an image, an autolink,
raw HTML, a coloured directive, emphasis, code or maths, and what text a reader would see.
"""

from __future__ import annotations

import re

# Backslash escapes: CommonMark's ASCII punctuation.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Constructs that only exist when their characters are NOT backslash-escaped. Each pattern is
# matched against the source with escaped characters blanked out (see _unescaped_view).
_ACTIVE = {
    "link or image": re.compile(r"\[[^\]]*\]\s*\("),
    "reference link": re.compile(r"\[[^\]]*\]\s*\["),
    "autolink or HTML": re.compile(r"<[A-Za-z/!?]"),
    "directive": re.compile(r":[A-Za-z][\w-]*(-badge|-background)?\["),
    "material icon": re.compile(r":material/"),
    "emoji shortcode": re.compile(r":[a-z0-9_+-]+:"),
    "emphasis": re.compile(r"(\*\*|__)\S|(?<![\w*])[*_]\S"),
    "code": re.compile(r"`"),
    "maths": re.compile(r"\$"),
    "strikethrough": re.compile(r"~~"),
    "HTML entity": re.compile(r"&#?\w+;"),
}
# GFM finds literal autolinks in the text once escapes are resolved (remark's
# mdast-util-gfm-autolink-literal; escaping does not stop it, as chromium showed): matched
# against the resolved text, where only an invisible joiner can break them.
_AUTOLINK = re.compile(r"(https?://|www\.|[\w.+-]@[\w-]+\.\w|:material/)", re.IGNORECASE)
_INVISIBLE = re.compile("[\u2060\u200b]")


def visible(text: str) -> str:
    """``text`` without the invisible characters a page does not show (zero-width, joiners)."""
    return _INVISIBLE.sub("", text)


def plain(source: str) -> str:
    """The text a reader sees for a Markdown source made of text and backslash escapes."""
    return _INVISIBLE.sub("", _ESCAPE.sub(r"\1", source))


def _unescaped_view(source: str) -> str:
    # An escaped character can start nothing: replace it (with its backslash) by a neutral
    # letter, so the patterns above only see characters that Markdown would act on.
    return _ESCAPE.sub("x", source)


def active_markdown(source: str) -> list[str]:
    """The Markdown constructs this source would turn on; [] for inert text."""
    view = _unescaped_view(source)
    found = [name for name, pattern in _ACTIVE.items() if pattern.search(view)]
    if _AUTOLINK.search(_ESCAPE.sub(r"\1", source)):
        found.append("literal autolink")  # or an icon: Streamlit finds both in resolved text
    return found
