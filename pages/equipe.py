"""Territory staff: accept or reject buyers' needs before they are public (password-guarded)."""

from __future__ import annotations

import streamlit as st

from courtcircuit.staff import MAX_LENGTH, StaffNotConfigured, configured_hash, sign_in
from courtcircuit.vocab import PRODUCTS, STORE_KINDS
from ui.chrome import needs_store
from ui.client import client_key, throttle
from ui.pages import routed
from ui.text import md

routed()

st.title("Espace équipe : besoins des acheteurs")


def _secrets() -> dict:
    try:
        return dict(st.secrets)
    except (FileNotFoundError, KeyError, ValueError):  # no secrets.toml: configuration comes from the env
        return {}


try:
    stored = configured_hash(_secrets())
except StaffNotConfigured as exc:
    st.warning(str(exc))
    st.stop()

if not st.session_state.get("staff_ok"):
    with st.form("staff_login"):
        password = st.text_input("Mot de passe de l'équipe", type="password", max_chars=MAX_LENGTH)
        if st.form_submit_button("Entrer"):
            attempt = sign_in(password, stored, throttle(), client_key())  # throttled before hashing
            if attempt.ok:
                st.session_state["staff_ok"] = True
                st.rerun()
            st.error(attempt.message)
    st.stop()

needs = needs_store()


def decide(need_id: int, status: str) -> None:
    needs.review(need_id, status)
    st.toast(f"Besoin n° {need_id} {'publié' if status == 'accepted' else 'refusé'}.")


pending = needs.list("pending")
st.subheader(f"À valider ({len(pending)})")
if not pending:
    st.caption("Aucun besoin en attente.")
for need in pending:
    with st.container(border=True):
        st.markdown(
            f"**n° {need.id} · {md(PRODUCTS.label(need.product))}** : {md(need.volume)}, {md(need.frequency)}"
        )
        st.caption(
            f"{STORE_KINDS.label(need.store_kind)} · {md(need.place_label)} · reçu le {need.created_at[:10]}"
        )
        if need.constraints:
            st.write(md(need.constraints))
        st.caption(
            "Contact : "
            + " · ".join(md(x) for x in (need.contact_name, need.contact_email, need.contact_phone) if x)
        )
        accept, reject = st.columns(2)
        accept.button(
            "Publier", key=f"accept_{need.id}", on_click=decide, args=(need.id, "accepted"), type="primary"
        )
        reject.button("Refuser", key=f"reject_{need.id}", on_click=decide, args=(need.id, "rejected"))

with st.expander("Déjà traités"):
    for need in needs.list("accepted") + needs.list("rejected"):
        state = "publié" if need.status == "accepted" else "refusé"
        st.caption(
            f"n° {need.id} · {md(need.title)} · {md(need.place_label)} · {state} le {(need.reviewed_at or '')[:10]}"
        )
