"""The supplier table: distance, delivery, products, labels, organic state, readiness and contacts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st

from courtcircuit.export import readable_phone
from courtcircuit.vocab import AB_STATUS, LABELS, PRODUCTS, Vocabulary
from ui.shortlist import selectable_table


def _labels(codes: Iterable[str] | None, vocab: Vocabulary) -> str:
    return ", ".join(vocab.label(c) if c in vocab else str(c) for c in (codes if codes is not None else []))


def organic_state(labels: Iterable[str] | None, status: Any) -> str:
    """What a buyer must know before selling as organic: farms in conversion cannot be."""
    if isinstance(status, str) and status in AB_STATUS:
        return AB_STATUS.label(status)
    if labels is not None and "ab" in list(labels):
        return "AB, état non renseigné"
    return "—"


def readiness(row: Any) -> str:
    """Short badges a buyer scans: what the producer has ready for retail."""
    marks = []
    if row.gtin_available is True:
        marks.append("code-barres")
    if isinstance(row.sanitary_approval, str) and row.sanitary_approval.strip():
        marks.append("agrément CE")
    if isinstance(row.siret, str) and row.siret:
        marks.append("SIRET")
    if isinstance(row.volumes, str) and row.volumes.strip():
        marks.append("volumes")
    return " · ".join(marks) or "—"


def supplier_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The producers as the buyer reads them: French titles, labels instead of codes."""
    return pd.DataFrame(
        {
            "Producteur": frame["name"],
            "Distance (km)": frame["distance_km"].round(1),
            "Livraison": frame["delivery_label"],
            "Rayon (km)": frame["delivery_radius_km"],
            "Produits": [_labels(p, PRODUCTS) for p in frame["products"]],
            "Labels": [_labels(p, LABELS) for p in frame["labels"]],
            "Bio (AB)": [
                organic_state(lb, s) for lb, s in zip(frame["labels"], frame["ab_status"], strict=True)
            ],
            "Prêt pour la distribution": [readiness(r) for r in frame.itertuples()],
            "Volumes": frame["volumes"],
            "Fréquence": frame["delivery_frequency"],
            "Téléphone": [readable_phone(p) if isinstance(p, str) else None for p in frame["phone"]],
            "E-mail": frame["email"],
            "Commune": frame["city"],
        }
    )


def supplier_table(frame: pd.DataFrame, key: str) -> None:
    """The producers of one tab; a tick on a row puts the producer in « Ma sélection »."""
    if frame.empty:
        st.info("Aucun producteur ne correspond. Retirez un filtre ou élargissez la distance.")
        return
    st.caption(
        "Cochez la case d'une ligne pour ajouter le producteur à « Ma sélection », plus bas, "
        "qui se télécharge en Excel ou en CSV."
    )
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
            "Distance (km)": st.column_config.NumberColumn(format="localized"),
            "Rayon (km)": st.column_config.NumberColumn(format="%d"),
        },
    )
