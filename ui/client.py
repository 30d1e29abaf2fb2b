"""Who is asking: the key the throttle counts attempts under, and the shared throttle store."""

from __future__ import annotations

import uuid

import streamlit as st

from courtcircuit.throttle import Throttle, default_throttle_path

_SESSION_KEY = "cc_client_id"


def client_key() -> str:
    """The client's IP address when Streamlit knows it, else this browser session.

    Streamlit gives no address for localhost (and, behind a reverse proxy, the proxy's): the
    session is then the client, and the per-account limit still bounds what many sessions
    can try together.
    """
    try:
        ip = st.context.ip_address
    except Exception:  # outside a real server (AppTest) there may be no client context
        ip = None
    if isinstance(ip, str) and ip:  # AppTest's mock client hands back a MagicMock
        return f"ip:{ip}"
    if _SESSION_KEY not in st.session_state:
        st.session_state[_SESSION_KEY] = uuid.uuid4().hex
    return f"session:{st.session_state[_SESSION_KEY]}"


@st.cache_resource(show_spinner=False)
def _throttle(path: str) -> Throttle:
    return Throttle(path)


def throttle() -> Throttle:
    """The throttle shared by every session (its counters are in SQLite, next to the needs)."""
    return _throttle(str(default_throttle_path()))
