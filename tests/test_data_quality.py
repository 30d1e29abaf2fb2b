"""Data quality per source and territory, on the directory built from the fixture sources:
each percentage recomputed here from the listings themselves, rejected rows counted per reason."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from courtcircuit.data_quality import COMPLETENESS, missing, quality
from courtcircuit.db import connect


def test_completeness_per_source_matches_the_listings(small_build) -> None:
    with connect(small_build.db) as con:
        report = quality(con, ("63",), today=date(2026, 11, 30))
        rows = con.execute(
            "SELECT s.source, coalesce(src.label, s.source), l.phone, l.opening_hours, l.geo_precision, l.labels "
            "FROM listings l JOIN (SELECT DISTINCT listing_id, source FROM listing_sources) s ON s.listing_id = l.id "
            "LEFT JOIN sources src ON src.name = s.source WHERE l.status <> 'closed' AND l.commune_insee LIKE '63%'"
        ).fetchall()
        rejected = con.execute("SELECT source, reason FROM rejected").fetchall()
        labels = dict(con.execute("SELECT name, coalesce(label, name) FROM sources").fetchall())
    assert list(report.completeness.columns) == ["source", "listings", *COMPLETENESS]
    table = report.completeness.set_index("source")
    for label in {r[1] for r in rows}:
        mine = [r for r in rows if r[1] == label]
        assert table.loc[label, "listings"] == len(mine)
        assert table.loc[label, "Téléphone"] == pytest.approx(
            round(100 * sum(r[2] is not None for r in mine) / len(mine), 1)
        )
        assert table.loc[label, "Horaires"] == pytest.approx(
            round(100 * sum(r[3] is not None for r in mine) / len(mine), 1)
        )
        assert table.loc[label, "Position exacte"] == pytest.approx(
            round(100 * sum(r[4] == "exact" for r in mine) / len(mine), 1)
        )
        assert table.loc[label, "Labels"] == pytest.approx(
            round(100 * sum(bool(r[5]) for r in mine) / len(mine), 1)
        )
    counted = Counter((labels.get(s, s), reason) for s, reason in rejected)
    shown = {(r.source, r.reason): r.rows for r in report.rejected.itertuples()}
    assert shown == {k: v for k, v in counted.items() if k[0] in set(table.index)}
    assert len(report.rejected_rows) == sum(shown.values())


def test_a_territory_without_listings_has_empty_tables(small_build) -> None:
    with connect(small_build.db) as con:
        report = quality(con, ("2A",))
        everywhere = quality(con, None)
    assert report.completeness.empty and report.rejected.empty and report.rejected_rows.empty
    assert everywhere.completeness["listings"].sum() >= 10


def test_listings_missing_a_field_are_listed_for_the_territory(small_build) -> None:
    with connect(small_build.db) as con:
        no_phone = missing(con, ("63",), "Téléphone")
        expected = con.execute(
            "SELECT id FROM listings WHERE status <> 'closed' AND phone IS NULL AND commune_insee LIKE '63%'"
        ).fetchall()
        stale = missing(con, ("63",), "Vérifiée depuis un an")
    assert sorted(no_phone["id"]) == sorted(i for (i,) in expected) and len(no_phone) > 0
    assert len(stale) > 0
    with pytest.raises(KeyError):
        missing(con, None, "phone IS NULL OR 1=1")
