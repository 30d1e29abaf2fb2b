"""The supplier table: distance, delivery, products, labels, readiness and contacts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from courtcircuit.export import readable_phone
from courtcircuit.vocab import AB_STATUS, LABELS, PRODUCTS


def _labels(codes, vocab) -> str:
    return ", ".join(vocab.label(c) if c in vocab else str(c) for c in (codes if codes is not None else []))


def readiness(row) -> str:
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


def supplier_table(frame: pd.DataFrame, key: str) -> None:
    if frame.empty:
        st.info("Aucun producteur ne correspond. Retirez un filtre ou élargissez la distance.")
        return
    labels = []
    for row in frame.itertuples():
        text = _labels(row.labels, LABELS)
        if isinstance(row.ab_status, str) and row.ab_status in AB_STATUS:
            text += f" ({AB_STATUS.label(row.ab_status).lower()})"
        labels.append(text)
    table = pd.DataFrame(
        {
            "Producteur": frame["name"],
            "Distance (km)": frame["distance_km"].round(1),
            "Livraison": frame["delivery_label"],
            "Rayon (km)": frame["delivery_radius_km"],
            "Produits": [_labels(p, PRODUCTS) for p in frame["products"]],
            "Labels": labels,
            "Prêt pour la distribution": [readiness(r) for r in frame.itertuples()],
            "Volumes": frame["volumes"],
            "Fréquence": frame["delivery_frequency"],
            "Téléphone": [readable_phone(p) if isinstance(p, str) else None for p in frame["phone"]],
            "E-mail": frame["email"],
            "Commune": frame["city"],
        }
    )
    # st.dataframe shows cell text as text (no HTML, no Markdown): partner data stays data.
    st.dataframe(table, hide_index=True, width="stretch", key=key)
