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


def checks() -> dict[str, str]:
    """Check name → SQL counting offending rows (0 means the check passes)."""
    lists = {"channels": CHANNELS, "labels": LABELS, "products": PRODUCTS}
    found = {
        "unique ids": "SELECT count(*) - count(DISTINCT id) FROM listings",
        "required values": "SELECT count(*) FROM listings WHERE id IS NULL OR name IS NULL OR kind IS NULL "
        "OR lat IS NULL OR lon IS NULL OR geo_precision IS NULL OR status IS NULL",
        "coordinates in range": "SELECT count(*) FROM listings WHERE lat NOT BETWEEN -90 AND 90 "
        "OR lon NOT BETWEEN -180 AND 180",
        "kinds in vocabulary": f"SELECT count(*) FROM listings WHERE kind NOT IN ({_codes(KINDS.codes())})",
        "precision in vocabulary": "SELECT count(*) FROM listings WHERE geo_precision NOT IN "
        f"({_codes(GEO_PRECISION.codes())})",
        "status in vocabulary": "SELECT count(*) FROM listings WHERE status NOT IN "
        f"({_codes(STATUS.codes())})",
        "links to listings": "SELECT count(*) FROM listing_links l WHERE l.producer_id NOT IN "
        "(SELECT id FROM listings) OR l.outlet_id NOT IN (SELECT id FROM listings)",
        "every source record once": "SELECT count(*) - count(DISTINCT (source, source_ref)) "
        "FROM listing_sources",
    }
    for column, vocab in lists.items():
        found[f"{column} in vocabulary"] = (
            f"SELECT count(*) FROM (SELECT unnest({column}) AS code FROM listings) "
            f"WHERE code NOT IN ({_codes(vocab.codes())})"
        )
    return found


def run_checks(con: duckdb.DuckDBPyConnection) -> None:
    failures = []
    for name, sql in checks().items():
        bad = con.execute(sql).fetchone()[0]
        if bad:
            failures.append(f"{name}: {bad} ligne(s) en défaut")
    if failures:
        raise DataCheckFailed("contrôles de données en échec : " + "; ".join(failures))
