"""The « Données ouvertes » page: the files the last build published (courtcircuit/open_data.py),
their licence, and each source with its licence and whether its listings are in the files.

Source names, labels and licences come from the sources file: shown through `md` or a table,
never as Markdown of their own.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from courtcircuit.db import default_db_path
from courtcircuit.open_data import FILES, MEDIA_TYPES, Published, published
from ui.text import md

FORMATS = (
    ("geojson", "GeoJSON", "pour les SIG et les cartes web (QGIS, uMap, Leaflet)"),
    ("csv", "CSV", "pour les tableurs (UTF-8, séparateur virgule)"),
    ("parquet", "GeoParquet", "pour l'analyse (DuckDB, pandas, geopandas, R)"),
    ("sources", "Sources et licences (JSON)", "la date, la licence et chaque source"),
)


@st.cache_data(max_entries=8, show_spinner=False)
def _file_bytes(path: str, _identity: tuple[int, int]) -> bytes:
    """The file's bytes, read once per build (the identity changes with each swap)."""
    return Path(path).read_bytes()


def _download(fmt: str, title: str, why: str, about: Published) -> None:
    path = about.files.get(fmt)
    if path is None:
        return
    stat = path.stat()
    data = _file_bytes(str(path), (stat.st_ino, stat.st_mtime_ns))
    size = f"{stat.st_size / 1_000_000:.1f} Mo".replace(".", ",") if stat.st_size >= 100_000 else "< 0,1 Mo"
    st.download_button(
        f"Télécharger {title} ({size})",
        data,
        file_name=FILES[fmt],
        mime=MEDIA_TYPES[fmt],
        key=f"open-data-{fmt}",
        icon=":material/download:",
        help=why,
        on_click="ignore",
    )


def show_open_data() -> None:
    st.title("Données ouvertes")
    st.write(
        "L'annuaire est publié en données ouvertes à chaque mise à jour : réutilisez-le dans vos cartes, "
        "vos études ou votre site, en citant les sources ci-dessous."
    )
    about = published(default_db_path())
    if about is None:
        st.info(
            "Les fichiers ouverts n'ont pas encore été produits : ils le seront à la prochaine construction."
        )
        return
    built = about.built_at.replace("T", " à ")[:19]
    st.markdown(f"**{about.listings} lieux**, données du {md(built)}. Licence : **{md(about.licence)}**.")
    for fmt, title, why in FORMATS:
        _download(fmt, title, why, about)

    st.subheader("Sources et licences")
    st.write(
        "Une fiche n'est publiée que si toutes ses sources permettent la rediffusion. Les fiches des "
        "autres sources restent visibles dans l'annuaire, mais ne sont pas dans les fichiers."
    )
    table = pd.DataFrame(
        [
            {
                "Source": s.label,
                "Licence": s.licence or "non précisée",
                "Attribution": s.attribution,
                "Dans les fichiers": "oui" if s.included else "non (rediffusion non permise)",
            }
            for s in about.sources
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.subheader("Schéma")
    st.write(
        "Chaque champ, ses valeurs possibles et les règles de licence sont décrits dans le document "
        "« OPEN-DATA.md » du projet (dossier docs). Les textes qui commencent par =, +, - ou @ sont "
        "précédés d'une apostrophe dans le CSV pour qu'un tableur ne les exécute pas."
    )
