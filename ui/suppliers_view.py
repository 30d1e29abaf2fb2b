"""The supplier table: distance, delivery, products, labels, organic state, readiness and contacts,
one page at a time (courtcircuit.supplier_pages), with « Précédent » / « Suivant » below it."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from typing import Any

import pandas as pd
import streamlit as st

from courtcircuit.export import readable_phone
from courtcircuit.supplier_pages import SupplierList
from courtcircuit.vocab import AB_STATUS, LABELS, PRODUCTS, Vocabulary
from ui.i18n import N_, _, current, term
from ui.shortlist import selectable_table

# courtcircuit.suppliers.DELIVERY's labels, marked here for the catalogue (the domain module has
# no translation layer); tests/test_i18n_buyers.py checks the two stay the same.
DELIVERY_LABELS = {
    "livre": N_("Livre votre établissement"),
    "trop_loin": N_("Livre, mais pas jusqu'ici"),
    "rayon_inconnu": N_("Rayon de livraison non renseigné"),
    "ne_livre_pas": N_("Ne livre pas"),
    "non_renseigne": N_("Livraison non renseignée"),
}


def delivery_label(code: Any) -> Any:
    """A DELIVERY code's label in the current language (other values unchanged)."""
    return _(DELIVERY_LABELS[code]) if isinstance(code, str) and code in DELIVERY_LABELS else code


def with_delivery_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``delivery_label`` in the current language (the query writes French)."""
    if "delivery" not in frame.columns:
        return frame
    return frame.assign(delivery_label=[delivery_label(c) for c in frame["delivery"]])


def _labels(codes: Iterable[str] | None, vocab: Vocabulary) -> str:
    return ", ".join(term(vocab, c) if c in vocab else str(c) for c in (codes if codes is not None else []))


def organic_state(labels: Iterable[str] | None, status: Any) -> str:
    """What a buyer must know before selling as organic: farms in conversion cannot be."""
    if isinstance(status, str) and status in AB_STATUS:
        return term(AB_STATUS, status)
    if labels is not None and "ab" in list(labels):
        return _("AB, état non renseigné")
    return "—"


def readiness(row: Any) -> str:
    """Short badges a buyer scans: what the producer has ready for retail."""
    marks = []
    if row.gtin_available is True:
        marks.append(_("code-barres"))
    if isinstance(row.sanitary_approval, str) and row.sanitary_approval.strip():
        marks.append(_("agrément CE"))
    if isinstance(row.siret, str) and row.siret:
        marks.append("SIRET")
    if isinstance(row.volumes, str) and row.volumes.strip():
        marks.append(_("volumes"))
    return " · ".join(marks) or "—"


def _columns() -> dict[str, str]:
    """The table's column titles in the current language (the keys name them in the code)."""
    return {
        "name": _("Producteur"),
        "distance": _("Distance (km)"),
        "delivery": _("Livraison"),
        "radius": _("Rayon (km)"),
        "products": _("Produits"),
        "labels": _("Labels"),
        "organic": _("Bio (AB)"),
        "ready": _("Prêt pour la distribution"),
        "volumes": _("Volumes"),
        "frequency": _("Fréquence"),
        "phone": _("Téléphone"),
        "email": _("E-mail"),
        "city": _("Commune"),
    }


def supplier_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The producers as the buyer reads them: titles in the reader's language, labels instead of codes."""
    title = _columns()
    return pd.DataFrame(
        {
            title["name"]: frame["name"],
            title["distance"]: frame["distance_km"].round(1),
            title["delivery"]: [delivery_label(c) for c in frame["delivery"]]
            if "delivery" in frame.columns
            else frame["delivery_label"],
            title["radius"]: frame["delivery_radius_km"],
            title["products"]: [_labels(p, PRODUCTS) for p in frame["products"]],
            title["labels"]: [_labels(p, LABELS) for p in frame["labels"]],
            title["organic"]: [
                organic_state(lb, s) for lb, s in zip(frame["labels"], frame["ab_status"], strict=True)
            ],
            title["ready"]: [readiness(r) for r in frame.itertuples()],
            title["volumes"]: frame["volumes"],
            title["frequency"]: frame["delivery_frequency"],
            title["phone"]: [readable_phone(p) if isinstance(p, str) else None for p in frame["phone"]],
            title["email"]: frame["email"],
            title["city"]: frame["city"],
        }
    )


def supplier_table(frame: pd.DataFrame, key: str) -> None:
    """The producers of one tab; a tick on a row puts the producer in « Ma sélection »."""
    if frame.empty:
        st.info(_("Aucun producteur ne correspond. Retirez un filtre ou élargissez la distance."))
        return
    st.caption(
        _(
            "Cochez la case d'une ligne pour ajouter le producteur à « Ma sélection », plus bas, "
            "qui se télécharge en Excel ou en CSV."
        )
    )
    title = _columns()
    # st.dataframe shows cell text as text (no HTML, no Markdown): partner data stays data.
    selectable_table(
        key,
        list(frame["id"]),
        supplier_frame(frame),
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config={
            # "localized": the reader's decimal sign, a comma in a French browser
            title["distance"]: st.column_config.NumberColumn(format="localized"),
            title["radius"]: st.column_config.NumberColumn(format="%d"),
        },
    )


# ------------------------------------------------------------------ paging


def page_key(base: str) -> str:
    """The session key of the page a table shows (1-based): ``cp_table_livrent_page``."""
    return f"{base}_page"


def _scope_key(base: str) -> str:
    return f"{base}_scope"  # what the list depended on when its page was chosen


def current_page(base: str, scope: Hashable) -> int:
    """The page table ``base`` shows (1 first). ``scope`` is what its list depends on (the
    store, the filters, the distance): when it changed, the list is another one and the buyer
    starts again from its nearest producers, page 1."""
    ss = st.session_state
    if ss.get(_scope_key(base)) != scope:
        ss[_scope_key(base)] = scope
        ss[page_key(base)] = 1
    return max(1, int(ss.get(page_key(base), 1)))


def offset_of(page: int, page_rows: int) -> int:
    """The rank of page ``page``'s first row (0 for page 1)."""
    return (page - 1) * page_rows


def page_count(total: int, page_rows: int) -> int:
    return max(1, math.ceil(total / page_rows))


def past_the_end(part: SupplierList, base: str) -> bool:
    """Whether the page asked for starts after the list's end (the directory was rebuilt with
    fewer producers, say): the table goes back to page 1 and the caller reruns."""
    if part.offset and part.offset >= part.total:
        st.session_state[page_key(base)] = 1
        return True
    return False


def _turn(base: str, step: int, pages: int) -> None:
    page = int(st.session_state.get(page_key(base), 1)) + step
    st.session_state[page_key(base)] = min(max(page, 1), pages)


def count(n: int) -> str:
    """A count as the reader writes it: 1 234 (a narrow space) in French, 1,234 in English."""
    text = f"{n:,}"
    return text if current() == "en" else text.replace(",", "\u202f")


def page_range(part: SupplierList) -> str:
    """« Producteurs 51–100 sur 1 234 »: which producers of the list the table shows."""
    return _(
        "Producteurs {first}–{last} sur {total}",
        first=count(part.offset + 1),
        last=count(part.offset + len(part.rows)),
        total=count(part.total),
    )


def table_pager(part: SupplierList, base: str, page_rows: int) -> None:
    """Below a table: which producers it shows, and buttons to the previous and next pages,
    when the list holds more than one page. The buttons keep the buyer's ticks: the shortlist
    holds producer ids, not rows (ui/shortlist.py)."""
    pages = page_count(part.total, page_rows)
    if pages <= 1:
        return
    page = part.offset // page_rows + 1
    back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
    back.button(
        _("Précédent"),
        key=f"{base}_precedent",
        icon=":material/chevron_left:",
        on_click=_turn,
        args=(base, -1, pages),
        disabled=page <= 1,
        width="stretch",
    )
    where.caption(page_range(part), text_alignment="center")  # numbers and our words: no data
    forward.button(
        _("Suivant"),
        key=f"{base}_suivant",
        icon=":material/chevron_right:",
        icon_position="right",
        on_click=_turn,
        args=(base, 1, pages),
        disabled=page >= pages,
        width="stretch",
    )
