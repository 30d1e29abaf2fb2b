"""Pieces of the listing page: contacts, vocabulary badges, linked listings."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, urlsplit

import streamlit as st

from courtcircuit.export import readable_phone
from courtcircuit.listing import LinkedListing, ListingDetail, directions
from courtcircuit.vocab import KINDS, Vocabulary
from ui.i18n import _, current, term
from ui.pages import LISTING
from ui.text import md


def _url(raw: str) -> str:
    """A URL safe to put inside Markdown's (…): spaces, parentheses and quotes percent-encoded."""
    return quote(raw, safe=":/?#[]@!$&*+,;=%~.-_")


def web_link(raw: str | None) -> str | None:
    """Only http(s) addresses become links; anything else is shown as text by the caller."""
    if not raw:
        return None
    parts = urlsplit(raw if "://" in raw else f"https://{raw}")
    return parts.geturl() if parts.scheme in ("http", "https") and parts.netloc else None


def contact_lines(listing: ListingDetail) -> None:
    f = listing.fields
    st.subheader(_("Contact"))
    lines = []
    if f["phone"]:
        lines.append(
            f":material/call: [{md(readable_phone(str(f['phone'])))}]({_url('tel:' + str(f['phone']))})"
        )
    if f["email"]:
        lines.append(f":material/mail: [{md(f['email'])}]({_url('mailto:' + str(f['email']))})")
    if f["website"]:
        link = web_link(str(f["website"]))
        lines.append(
            f":material/language: [{md(f['website'])}]({_url(link)})"
            if link
            else f":material/language: {md(f['website'])}"
        )
    if lines:
        st.markdown("  \n".join(lines))
    else:
        st.caption(_("Aucun contact renseigné."))
    if f["lat"] is not None and f["lon"] is not None:
        go = directions(float(f["lat"]), float(f["lon"]), listing.name)
        a, b = st.columns(2)
        a.link_button(_("Itinéraire (OpenStreetMap)"), go["osm"], icon=":material/directions:")
        b.link_button(_("Ouvrir dans mon appli de cartes"), go["geo"], icon=":material/map:")


def vocab_badges(title: str, codes: Iterable[str] | None, vocab: Vocabulary, colour: str) -> None:
    """``title`` (an interface text, already translated) and the codes' labels as badges."""
    codes = [c for c in (codes or []) if c]
    if not codes:
        st.caption(_("{title} : non renseigné.", title=title))
        return
    labels = [vocab.label(c, current()) if c in vocab else c for c in codes]
    badges = " ".join(
        f":{colour}-badge[{md(label)}]" for label in labels
    )  # codes outside the vocabulary are data
    st.markdown(_("**{title}** : {badges}", title=title, badges=badges))


def link_list(title: str, links: list[LinkedListing]) -> None:
    if not links:
        return
    st.subheader(title)
    for link in links:
        kind = term(KINDS, link.kind)
        st.page_link(
            LISTING, label=md(link.name), query_params={"id": link.id}, icon=":material/arrow_forward:"
        )
        detail = " · ".join(x for x in (kind, link.city or "", link.days or "") if x)
        st.caption(md(detail))
