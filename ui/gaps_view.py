"""The "where local food is missing" dashboard: shares of the population far from each kind of
outlet, a map of communes by distance, the most deprived communes and the product families no
producer offers nearby (``courtcircuit.food_gaps``). Shown to the public per département and in
the staff space for the member's territory.

Charts are Altair (Vega-Lite specs rendered by Streamlit, never a template); the map is a
Vega-Lite geoshape, so commune names travel as JSON data. Each table is also the text
alternative of its chart, and each downloads as CSV (French Excel: ``;``, decimal comma).
"""

from __future__ import annotations

import io

import altair as alt
import pandas as pd
import streamlit as st

from courtcircuit.communes.model import Commune
from courtcircuit.communes.territory import commune_shapes
from courtcircuit.db import default_db_path, file_identity
from courtcircuit.export import neutralise
from courtcircuit.food_gaps import ACCESS, PRODUCT_KM, THRESHOLDS_KM, GapReport, food_gaps
from ui.chrome import communes, cursor
from ui.text import md

BANDS = ("moins de 5 km", "5 à 10 km", "10 à 20 km", "20 à 40 km", "plus de 40 km")
BAND_COLOURS = ("#edf8e9", "#bae4b3", "#74c476", "#238b45", "#00441b")  # light = close (prints in grey)


def band(km: float | None) -> str:
    if km is None or pd.isna(km):
        return BANDS[-1]
    for limit, name in zip((5, 10, 20, 40), BANDS, strict=False):
        if km <= limit:
            return name
    return BANDS[-1]


def km_text(km: float | None) -> str:
    return "plus de 40 km" if km is None or pd.isna(km) else f"{km:.1f} km".replace(".", ",")


@st.cache_data(show_spinner="Calcul des distances…", max_entries=32)
def _report(codes: tuple[str, ...], db_key: str) -> GapReport:  # db_key: recompute after a rebuild
    index = communes()
    return food_gaps(cursor(), [index.get(c) for c in codes])


def _db_key() -> str:
    """Changes with every build or staff publication (the file is swapped in)."""
    return str(file_identity(default_db_path()))


def french_csv(frame: pd.DataFrame) -> bytes:
    """CSV for French Excel; text cells neutralised against formulas."""
    shown = frame.apply(lambda col: col if pd.api.types.is_numeric_dtype(col) else col.map(neutralise))
    buffer = io.StringIO()
    shown.to_csv(buffer, sep=";", decimal=",", index=False, float_format="%.1f")
    return buffer.getvalue().encode("utf-8-sig")


def _png(chart: alt.Chart) -> bytes:
    import vl_convert  # a second to load: only when someone asks for an image

    return vl_convert.vegalite_to_png(chart.to_json(), scale=2)


def _share_chart(report: GapReport, threshold: int) -> tuple[alt.Chart, pd.DataFrame]:
    rows = report.shares[report.shares["threshold_km"] == threshold]
    table = pd.DataFrame(
        {
            "Accès": list(rows["label"]),
            f"Habitants à plus de {threshold} km": [int(v) for v in rows["population_beyond"]],
            "Part de la population": [round(100 * v, 1) for v in rows["share_beyond"]],
        }
    )
    chart = (
        alt.Chart(table)
        .mark_bar(color="#2e7d32")
        .encode(
            y=alt.Y("Accès:N", sort=None, title=None),
            x=alt.X(
                "Part de la population:Q",
                title=f"% de la population à plus de {threshold} km",
                scale=alt.Scale(domain=[0, 100]),
            ),
            tooltip=list(table.columns),
        )
        .properties(height=40 * len(table), title=f"Part des habitants à plus de {threshold} km")
    )
    labels = chart.mark_text(align="left", dx=4).encode(
        text=alt.Text("Part de la population:Q", format=".1f")
    )
    return (chart + labels).properties(height=40 * len(table)), table


def _map_chart(report: GapReport, access: str) -> alt.Chart:
    data = report.communes.assign(
        bande=[band(v) for v in report.communes[f"km_{access}"]],
        distance=[km_text(v) for v in report.communes[f"km_{access}"]],
    )[["insee", "name", "population", "bande", "distance"]]
    shapes = commune_shapes(communes(), list(data["insee"]))
    return (
        alt.Chart(alt.Data(values=shapes["features"]))
        .mark_geoshape(stroke="#555", strokeWidth=0.3)
        .transform_lookup(
            lookup="properties.insee",
            from_=alt.LookupData(data, "insee", ["name", "population", "bande", "distance"]),
        )
        .encode(
            color=alt.Color(
                "bande:N", title="Distance", scale=alt.Scale(domain=list(BANDS), range=list(BAND_COLOURS))
            ),
            tooltip=[
                alt.Tooltip("name:N", title="Commune"),
                alt.Tooltip("population:Q", title="Habitants", format=",d"),
                alt.Tooltip("distance:N", title="Au plus proche"),
            ],
        )
        .project("mercator")
        .properties(height=520, title=f"Distance de la mairie au plus proche : {ACCESS[access][0].lower()}")
    )


def gaps_dashboard(territory: list[Commune], name: str, key: str) -> None:
    """The dashboard for the communes of ``territory`` (``key``: a prefix for widget keys)."""
    if not territory:
        st.info("Aucune commune dans ce territoire.")
        return
    report = _report(tuple(c.insee for c in territory), _db_key())
    people = f"{report.population:,}".replace(",", "\u202f")  # French thousands: a narrow space
    st.caption(
        f"{md(name)} : {len(report.communes)} communes, {people} habitants (INSEE, population municipale), "
        "chacune comptée à sa mairie."
    )
    left, right = st.columns(2)
    threshold = left.segmented_control("Distance", THRESHOLDS_KM, default=10, key=f"{key}_threshold",
                                       format_func=lambda v: f"{v} km") or 10  # fmt: skip
    access = right.selectbox("Sur la carte", list(ACCESS), format_func=lambda a: ACCESS[a][0],
                             key=f"{key}_access", placeholder="Choisissez un type de lieu")  # fmt: skip
    chart, table = _share_chart(report, threshold)
    st.altair_chart(chart, width="stretch")
    st.dataframe(table, hide_index=True, width="stretch")
    map_chart = _map_chart(report, access)
    st.altair_chart(map_chart, width="stretch")
    st.caption(
        "Plus la commune est foncée, plus le lieu le plus proche est loin. Le tableau ci-dessous donne les mêmes distances."
    )

    st.subheader(f"Communes les plus peuplées sans rien à moins de {threshold} km")
    deprived = report.most_deprived(threshold)
    st.dataframe(
        pd.DataFrame({"Commune": deprived["name"], "Habitants": deprived["population"],
                      "Lieu le plus proche": [km_text(v) for v in deprived["km_nearest"]]}),
        hide_index=True, width="stretch",
    )  # fmt: skip
    st.subheader(f"Familles de produits sans producteur à moins de {PRODUCT_KM:g} km")
    products = report.products[report.products["population_beyond"] > 0]
    st.dataframe(
        pd.DataFrame({"Produits": products["label"], "Habitants sans producteur proche": products["population_beyond"],
                      "Part de la population (%)": [round(100 * v, 1) for v in products["share_beyond"]]}),
        hide_index=True, width="stretch",
    )  # fmt: skip

    by_commune = pd.DataFrame({"Code INSEE": report.communes["insee"], "Commune": report.communes["name"],
                               "Habitants": report.communes["population"]})  # fmt: skip
    for a, (label, _) in ACCESS.items():
        by_commune[f"{label} (km)"] = report.communes[f"km_{a}"].round(1)
    one, two, three = st.columns(3)
    one.download_button("Distances par commune (CSV)", french_csv(by_commune), f"{key}-communes.csv",
                        "text/csv", key=f"{key}_csv")  # fmt: skip
    two.download_button("Parts de la population (CSV)", french_csv(table), f"{key}-parts.csv", "text/csv",
                        key=f"{key}_shares_csv")  # fmt: skip
    if three.button("Préparer les graphiques en PNG", key=f"{key}_png"):
        st.download_button("Graphique des parts (PNG)", _png(chart), f"{key}-parts.png", "image/png",
                           key=f"{key}_png_shares")  # fmt: skip
        st.download_button("Carte des communes (PNG)", _png(map_chart), f"{key}-carte.png", "image/png",
                           key=f"{key}_png_map")  # fmt: skip
