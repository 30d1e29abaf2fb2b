"""The interface's one translation layer: French is the source language, English comes from
the catalogue ``locale/en/LC_MESSAGES/messages.po`` (gettext format, read with Babel; ``make
i18n`` extracts new strings into it).

The language is the URL's ``?lang=en`` (shared links keep it), else French. :func:`_` is the
gettext call pages and ui modules wrap their text in; named values are filled after
translation (``_("{n} lieux", n=3)``), so the catalogue holds whole sentences, never fragments.
Vocabulary labels are not in the catalogue: each term carries its English label
(``courtcircuit.vocab``), read through :func:`term`.
"""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st
from babel.messages.pofile import read_po

from courtcircuit.messages import Message
from courtcircuit.vocab import Vocabulary

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGS = {"fr": "Français", "en": "English"}
PARAM = "lang"


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid → msgstr of a language's catalogue (empty for French, the source language).

    Every ``.po`` file of the language's folder is read, ``messages.po`` last, so an area may
    keep its own file while its texts are being written; the first translation found wins."""
    if lang == "fr":
        return {}
    found: dict[str, str] = {}
    for path in catalogue_files(lang):
        with path.open("rb") as handle:
            for m in read_po(handle, locale=lang):
                if m.id and isinstance(m.id, str) and m.string and not m.fuzzy:
                    found.setdefault(m.id, m.string)
    return found


def catalogue_files(lang: str) -> list[Path]:
    """The language's ``.po`` files, ``messages.po`` (the one ``make i18n`` updates) last."""
    folder = LOCALE / lang / "LC_MESSAGES"
    return sorted(folder.glob("*.po"), key=lambda path: (path.name == "messages.po", path.name))


def current() -> str:
    """The language of this run: the URL's, else French."""
    try:
        lang = st.query_params.get(PARAM, "fr")
    except Exception:  # outside a Streamlit run (a script, a test of a pure function)
        return "fr"
    return lang if lang in LANGS else "fr"


def _(text: str, **values: object) -> str:
    """``text`` in the current language, with ``values`` filled in."""
    translated = catalogue(current()).get(text, text) if current() != "fr" else text
    return translated.format(**values) if values else translated


def N_(text: str) -> str:
    """Marks text for the catalogue where it is defined (a module constant), translated later
    with :func:`_` when shown."""
    return text


def said(message: str) -> str:
    """What the domain said (``courtcircuit.messages.Message``), in the current language: its
    template translated, then its values filled in (values that are Messages translated too,
    other values as they are). A plain text is looked up as a constant sentence. Never fails: a
    text the catalogue does not know comes back as it is (in French).

    A template or text whose first letter was capitalised to start a message (``capitalised``)
    is also looked up as it was written, and its translation capitalised."""
    if isinstance(message, Message):
        values = {k: said(v) if isinstance(v, Message) else v for k, v in message.values.items()}
        template = message.template
    else:
        values, template = {}, message
    known = catalogue(current()) if current() != "fr" else {}
    lowered = template[:1].lower() + template[1:]
    try:
        if template not in known and lowered != template and lowered in known:
            english = _(lowered, **values)
            return english[:1].upper() + english[1:]
        return _(template, **values)
    except (KeyError, IndexError, ValueError):  # a translation naming other values: the French
        return str.__str__(message)


def term(vocabulary: Vocabulary, code: str) -> str:
    """A vocabulary code's label in the current language (the code itself if unknown)."""
    return vocabulary.label(code, current()) if code in vocabulary else code


def keep_language() -> None:
    """Put the language back in the URL when a page rewrote its query string without it."""
    lang = st.session_state.get("cc_lang")
    if lang and lang != "fr" and st.query_params.get(PARAM) != lang:
        st.query_params[PARAM] = lang


def remember_language() -> str:
    """Read the URL's language at the start of a run and remember it for :func:`keep_language`.
    The session's language stays when a link of ours drops the parameter."""
    asked = st.query_params.get(PARAM)
    if asked in LANGS:
        st.session_state["cc_lang"] = asked
    elif st.session_state.get("cc_lang", "fr") != "fr":
        st.query_params[PARAM] = st.session_state["cc_lang"]
    return current()


def language_switch() -> None:
    """The sidebar's language choice (a radio: the selected option is said by more than a colour)."""
    st.session_state["cc_lang_switch"] = current()  # the URL decides, e.g. a shared English link
    st.sidebar.radio(
        "Langue / Language",
        list(LANGS),
        format_func=LANGS.get,
        key="cc_lang_switch",
        on_change=_switch,
        horizontal=True,
        label_visibility="collapsed",
    )


def _switch() -> None:
    chosen = st.session_state.get("cc_lang_switch") or "fr"
    st.session_state["cc_lang"] = chosen
    if chosen == "fr":
        st.query_params.pop(PARAM, None)
    else:
        st.query_params[PARAM] = chosen
