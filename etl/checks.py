"""Data tests on a freshly written database, run before it is swapped in.

Like dbt's tests next to each model: unique ids, required values present, coordinates
in range, every code in its vocabulary, links pointing at existing listings.
"""

from __future__ import annotations

import duckdb

from courtcircuit.vocab import CHANNELS, GEO_PRECISION, KINDS, LABELS, PRODUCTS, STATUS


class DataCheckFailed(RuntimeError):
    pass


def _codes(vocabulary_codes: list[str]) -> str:
    # Codes come from our own vocabulary module, never from data or users.
    return ", ".join("'" + c.replace("'", "''") + "'" for c in vocabulary_codes)


# Listings failing a condition, named by their sources and rows, so the message says where to look.
_WHERE = (
    "SELECT string_agg(DISTINCT s.source || ' ' || s.source_ref, ', ') FROM listings l "
    "JOIN listing_sources s ON s.listing_id = l.id WHERE {} GROUP BY l.id LIMIT 5"
)


def checks() -> dict[str, tuple[str, str | None]]:
    """French name of the check → (SQL counting offending rows, SQL naming up to 5 of them).

    0 offending rows means the check passes.
    """
    lists = {"channels": ("modes de vente", CHANNELS), "labels": ("labels", LABELS),
             "products": ("produits", PRODUCTS)}  # fmt: skip
    found: dict[str, tuple[str, str | None]] = {
        "identifiants de fiche uniques": (
            "SELECT count(*) - count(DISTINCT id) FROM listings",
            _WHERE.format("l.id IN (SELECT id FROM listings GROUP BY id HAVING count(*) > 1)"),
        ),
        "valeurs obligatoires présentes (id, nom, type, position, précision, statut)": (
            "SELECT count(*) FROM listings WHERE id IS NULL OR name IS NULL OR kind IS NULL "
            "OR lat IS NULL OR lon IS NULL OR geo_precision IS NULL OR status IS NULL",
            _WHERE.format(
                "l.name IS NULL OR l.kind IS NULL OR l.lat IS NULL OR l.lon IS NULL "
                "OR l.geo_precision IS NULL OR l.status IS NULL"
            ),
        ),
        "coordonnées dans les bornes": (
            "SELECT count(*) FROM listings WHERE lat NOT BETWEEN -90 AND 90 OR lon NOT BETWEEN -180 AND 180",
            _WHERE.format("l.lat NOT BETWEEN -90 AND 90 OR l.lon NOT BETWEEN -180 AND 180"),
        ),
        "types de lieu connus": (
            f"SELECT count(*) FROM listings WHERE kind NOT IN ({_codes(KINDS.codes())})",
            _WHERE.format(f"l.kind NOT IN ({_codes(KINDS.codes())})"),
        ),
        "précisions de position connues": (
            f"SELECT count(*) FROM listings WHERE geo_precision NOT IN ({_codes(GEO_PRECISION.codes())})",
            _WHERE.format(f"l.geo_precision NOT IN ({_codes(GEO_PRECISION.codes())})"),
        ),
        "statuts connus": (
            f"SELECT count(*) FROM listings WHERE status NOT IN ({_codes(STATUS.codes())})",
            _WHERE.format(f"l.status NOT IN ({_codes(STATUS.codes())})"),
        ),
        "liens vers des fiches existantes": (
            "SELECT count(*) FROM listing_links l WHERE l.producer_id NOT IN "
            "(SELECT id FROM listings) OR l.outlet_id NOT IN (SELECT id FROM listings)",
            "SELECT l.source || ' ' || l.source_ref FROM listing_links l WHERE l.producer_id NOT IN "
            "(SELECT id FROM listings) OR l.outlet_id NOT IN (SELECT id FROM listings) LIMIT 5",
        ),
        "chaque ligne de source une seule fois": (
            "SELECT count(*) - count(DISTINCT (source, source_ref)) FROM listing_sources",
            "SELECT source || ' ' || source_ref FROM listing_sources GROUP BY source, source_ref "
            "HAVING count(*) > 1 LIMIT 5",
        ),
    }
    for column, (label, vocab) in lists.items():
        found[f"{label} dans le vocabulaire"] = (
            f"SELECT count(*) FROM (SELECT unnest({column}) AS code FROM listings) "
            f"WHERE code NOT IN ({_codes(vocab.codes())})",
            _WHERE.format(
                f"EXISTS (SELECT 1 FROM (SELECT unnest(l.{column}) AS code) "
                f"WHERE code NOT IN ({_codes(vocab.codes())}))"
            ),
        )
    return found


def run_checks(con: duckdb.DuckDBPyConnection) -> None:
    failures = []
    for name, (count_sql, where_sql) in checks().items():
        bad = con.execute(count_sql).fetchone()[0]
        if bad:
            where = ""
            if where_sql:
                try:
                    rows = [r[0] for r in con.execute(where_sql).fetchall() if r[0]]
                except duckdb.Error:
                    rows = []  # naming the rows is a help; the failure stands without it
                if rows:
                    where = f" (source et ligne : {'; '.join(rows)})"
            failures.append(f"« {name} » : {bad} ligne(s) en défaut{where}")
    if failures:
        raise DataCheckFailed("contrôles de données en échec : " + " ; ".join(failures))
