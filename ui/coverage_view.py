"""Where local supply is missing: product families × distance bands, as a heat map and a table."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from courtcircuit.vocab import PRODUCTS
from ui.i18n import _, term


def coverage_view(cov: pd.DataFrame) -> None:
    """``cov``: one row per product family and distance band (suppliers, delivering)."""
    st.caption(
        _(
            "Nombre de producteurs par famille de produits et par distance (chaque tranche inclut les plus "
            "proches). Les cases rouges sont des manques : aucun producteur."
        )
    )
    # The query labels the families in French: labelled again here in the reader's language.
    cov = cov.assign(
        band=cov["band_km"].map(lambda b: f"≤ {b} km"),
        product_label=[term(PRODUCTS, c) for c in cov["product"]],
    )
    producers = _("Producteurs")
    base = alt.Chart(cov).encode(
        x=alt.X("band:N", title=_("Distance"), sort=[f"≤ {b} km" for b in sorted(cov["band_km"].unique())]),
        y=alt.Y(
            "product_label:N",
            title=_("Famille de produits"),
            sort=[term(PRODUCTS, c) for c in PRODUCTS.codes()],
        ),
    )
    heat = base.mark_rect().encode(
        color=alt.condition(
            "datum.suppliers == 0",
            alt.value("#e57373"),
            alt.Color("suppliers:Q", title=producers, scale=alt.Scale(scheme="greens")),
        ),
        tooltip=[
            alt.Tooltip("product_label:N", title=_("Produits")),
            alt.Tooltip("band:N", title=_("Distance")),
            alt.Tooltip("suppliers:Q", title=producers),
            alt.Tooltip("delivering:Q", title=_("dont livrent ici")),
        ],
    )
    text = base.mark_text().encode(text="suppliers:Q")
    chart = (
        (heat + text)
        .properties(
            height=28 * len(PRODUCTS.codes()),
            description=_(
                "Producteurs par famille de produits et par distance : le tableau suivant donne les nombres."
            ),
        )
        # Vega describes axes and marks to screen readers in English ("X-axis titled…"): the
        # table below says the same, so the chart keeps only its own description.
        .configure_axis(aria=False)
        .configure_legend(aria=False)
        .configure_mark(aria=False)
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(coverage_table(cov).style.map(_gap), hide_index=True, width="stretch")


def _gap(value: object) -> str:
    return "background-color: #ffcdd2" if value == 0 else ""


def coverage_table(cov: pd.DataFrame) -> pd.DataFrame:
    """One row per product family (vocabulary order), one column per band, nearest first."""
    bands = sorted(cov["band_km"].unique())
    table = (
        cov.pivot(index="product", columns="band_km", values="suppliers")
        .reindex(index=PRODUCTS.codes(), columns=bands)
        .fillna(0)
        .astype(int)
    )
    table.columns = [f"≤ {b} km" for b in bands]
    table.insert(0, _("Famille de produits"), [term(PRODUCTS, c) for c in table.index])
    return table.reset_index(drop=True)
