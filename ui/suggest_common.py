"""What the public suggestion forms share: the workspace store (opened only when someone sends,
so a page view never touches it), the hidden honeypot field, the limits' keys, and sending.

A suggestion is checked three ways before it is stored: sizes and HTML
(``suggestions.clean_submission``), then the ETL's own steps (``ui.staff_backend.check``: a phone
that is not one is said at once, not found by a moderator later), then duplicates and rate limits
in the store. A filled honeypot skips the checks and gets the same thanks as anyone."""

from __future__ import annotations

import json
import uuid
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from courtcircuit.workspace import suggestions as sg
from courtcircuit.workspace.store import Store, StoreUnavailable, default_url
from ui.client import client_key, throttle
from ui.i18n import N_, _, said
from ui.staff_backend import check
from ui.text import md

_SESSION = "cc_suggest_session"
_HIDE = "<style>{} {{position: absolute; left: -10000px; height: 1px; overflow: hidden;}}</style>"
THANKS = N_(
    "Merci ! Votre suggestion n° {number} est transmise à l'équipe du territoire, qui la vérifiera avant "
    "de la publier. Votre e-mail, si vous l'avez donné, n'est jamais publié."
)  # shown with _(THANKS, number=…)


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    return _store(default_url())


def session_key() -> str:
    """This browser session, for the per-session limit (the client may be a shared address)."""
    if _SESSION not in st.session_state:
        st.session_state[_SESSION] = uuid.uuid4().hex
    return str(st.session_state[_SESSION])


def honeypot(key: str) -> str:
    """A text box people never see (moved off-screen) and bots fill in."""
    st.html(_HIDE.format(f".st-key-{key}"))  # a constant rule: no text from anyone
    return st.text_input(_("Laissez ce champ vide"), key=key, max_chars=200, label_visibility="collapsed")


def email_box(key: str) -> str:
    return st.text_input(
        _("Votre e-mail (facultatif, jamais publié)"), key=key, max_chars=sg.LIMITS["email"],
        help=_("Seulement pour que l'équipe puisse vous poser une question. Il n'est jamais publié."),
    )  # fmt: skip


def send(
    listing_id: str | None, field: str, value: Any, email: str, trap: str, current: dict[str, Any]
) -> int | None:
    """Store the suggestion; its number, or None after showing why not (what was typed stays)."""
    try:
        if not trap.strip():
            stored, _kept = sg.clean_submission(listing_id, field, value, email)
            new_place = json.loads(stored) | {"status": "active"} if listing_id is None else None
            changes = new_place or {field: stored}
            result = check(current, changes)
            if result.errors:
                labels = {k: _(v) for k, v in sg.FIELDS.items()}  # French in the domain, English here
                labels |= {"name": _("Nom"), "kind": _("Type de lieu"), "commune": _("Commune")}
                raise sg.InvalidSuggestion(
                    [
                        _("{field} : {problem}", field=labels.get(k, k), problem=said(v))
                        for k, v in result.errors.items()
                    ]
                )
            if current and all(v == current.get(k) for k, v in result.values.items()):
                raise sg.InvalidSuggestion([_("la fiche indique déjà cette valeur")])
        return sg.submit(
            store(), listing_id, field, value, email=email, client=client_key(), session=session_key(),
            honeypot=trap, throttle=throttle(),
        )  # fmt: skip
    except sg.InvalidSuggestion as exc:
        # The domain's problems are Messages (ours are translated already); md() after translation:
        # the problems may quote what was typed.
        problems = " ; ".join(said(p) for p in exc.problems)
        st.error(md(_("La suggestion n'est pas envoyée : {problems}.", problems=problems)))
    except (StoreUnavailable, SQLAlchemyError):
        st.error(
            _(
                "La suggestion n'est pas envoyée : le serveur ne peut pas l'enregistrer pour le moment. "
                "Réessayez plus tard."
            )
        )
    return None
