"""Messages the domain says in French that the interface can still translate (no Streamlit).

A :class:`Message` *is* its French sentence (a ``str``: callers, tests, logs and the command line
keep working unchanged) and also carries what built it: its ``template`` (the French sentence
with ``{named}`` values, marked for the catalogue where it is written) and its ``values``. The
interface shows it with ``ui.i18n.said``, which translates the template, then fills in the
values (a value that is itself a Message is translated too; data stays as it is).

Build messages from whole sentences, never from fragments::

    raise AccountError(Message("aucun compte {email}", email=email))

``str()`` of a Message, or of an exception raised with one, gives the Message back, so
``str(exc)`` keeps it translatable. Any other operation (slicing, ``+``, an f-string around it)
gives a plain French ``str``. Extraction: ``make i18n`` reads the templates of ``courtcircuit/``
marked with ``Message(...)`` or :func:`N_`.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["N_", "Message", "capitalised"]

_LEADING_VALUE = re.compile(r"^\{(\w+)\}")


class Message(str):
    """A French sentence that remembers its template and values.

    ``Message(template, **values)`` equals ``template.format(**values)``; with no values the
    template is the sentence as it is (not formatted: braces stay), as ``ui.i18n._`` does."""

    __slots__ = ("template", "values")
    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Message:
        text = template.format(**values) if values else template
        self = super().__new__(cls, text)
        self.template = str.__str__(template)
        self.values = values
        return self

    def __str__(self) -> Message:  # str(exc) keeps the Message (see the module's docstring)
        return self

    def __repr__(self) -> str:
        return (
            f"Message({self.template!r}, **{self.values!r})" if self.values else f"Message({self.template!r})"
        )

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:  # copy and pickle
        return (self.template,), dict(self.values)


def N_(text: str) -> str:
    """Marks a template for the catalogue where it is defined (a module constant); does nothing."""
    return text


def capitalised(text: str) -> str:
    """``text`` with a capital first letter, still a Message if it was one: its template is
    capitalised (the interface looks the template up as written first, then as it was), or, when
    the sentence starts with a value, that value."""
    if not isinstance(text, Message):
        return text[:1].upper() + text[1:]
    if leading := _LEADING_VALUE.match(text.template):
        name = leading.group(1)
        value = text.values.get(name)
        if not isinstance(value, str):
            return text
        return Message(text.template, **(text.values | {name: capitalised(value)}))
    return Message(text.template[:1].upper() + text.template[1:], **text.values)
