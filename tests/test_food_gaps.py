"""Where local food is missing, checked against an independent computation: for the communes
around Ambert, each town hall's distance to the nearest outlet of each kind is recomputed here
in Python over the fixture directory (haversine, every listing), and the population shares
beyond 5, 10 and 20 km are summed by hand from those distances."""

from __future__ import annotations

import math

import pytest

from courtcircuit.communes import CommuneIndex
from courtcircuit.communes.model import CommuneNotFound
from courtcircuit.communes.territory import communes_of, departements
from courtcircuit.db import connect
from courtcircuit.food_gaps import ACCESS, food_gaps
from courtcircuit.geo import haversine_km

# Ambert, Job, Arlanc, Marsac-en-Livradois, Thiers, Le Puy-en-Velay (43): from next door to 80 km.
CODES = ("63003", "63180", "63010", "63211", "63430", "43157")


def serves(access: str, kind: str, channels: list[str]) -> bool:
    """ACCESS's definitions, restated independently of its SQL."""
    return {
        "ferme": kind == "magasin_producteurs" or (kind == "producteur" and "vente_ferme" in channels),
        "marche": kind == "marche",
        "amap": kind == "amap",
        "distributeur": kind == "distributeur",
    }[access]


def test_distances_and_shares_match_an_independent_computation(small_build, communes: CommuneIndex) -> None:
    territory = communes_of(communes, CODES)
    with connect(small_build.db) as con:
        listings = con.execute(
            "SELECT kind, coalesce(channels, []), coalesce(products, []), lat, lon FROM listings "
            "WHERE status = 'active' AND lat IS NOT NULL"
        ).fetchall()
        report = food_gaps(con, territory)
    assert set(ACCESS) == {"ferme", "marche", "amap", "distributeur"}
    total = sum(c.population or 0 for c in territory)
    assert report.population == total > 0
    by_insee = report.communes.set_index("insee")
    for access in ACCESS:
        expected = {}
        for c in territory:
            lat, lon = c.point
            km = min((haversine_km(lat, lon, la, lo) for k, ch, _, la, lo in listings if serves(access, k, ch)),
                     default=math.inf)  # fmt: skip
            expected[c.insee] = km if km <= 40 else math.nan
            got = by_insee.loc[c.insee, f"km_{access}"]
            assert (math.isnan(got) and math.isnan(expected[c.insee])) or got == pytest.approx(
                expected[c.insee]
            )
        for threshold in (5, 10, 20):
            beyond = sum((c.population or 0) for c in territory if not expected[c.insee] <= threshold)
            row = report.shares.query("access == @access and threshold_km == @threshold").iloc[0]
            assert row.population_beyond == beyond
            assert row.share_beyond == pytest.approx(beyond / total)
    # Le Puy (43157) is 60 km from every fixture listing: beyond the cap, first of the deprived.
    assert math.isnan(by_insee.loc["43157", "km_marche"])
    deprived = report.most_deprived(10)
    assert "43157" in set(deprived["insee"]) and "63003" not in set(deprived["insee"])
    assert list(deprived["population"]) == sorted(deprived["population"], reverse=True)
    # Honey: the fixture's beekeeper (Rucher du Forez) serves Ambert; Le Puy is beyond 30 km.
    honey = {c.insee: min((haversine_km(*c.point, la, lo) for k, _, p, la, lo in listings
                           if k == "producteur" and "miel" in p), default=math.inf) for c in territory}  # fmt: skip
    row = report.products.set_index("product").loc["miel"]
    assert row.population_beyond == sum(c.population or 0 for c in territory if honey[c.insee] > 30)


def test_a_territory_is_its_departements_and_communes(communes: CommuneIndex) -> None:
    assert departements(communes)["63"] == "Puy-de-Dôme"
    puy = communes_of(communes, ["63"])
    assert len(puy) > 400 and all(c.departement == "63" for c in puy)
    both = communes_of(communes, ["63", "63003", "43157"])
    assert len(both) == len(puy) + 1  # Ambert once
    with pytest.raises(CommuneNotFound):
        communes_of(communes, ["99999"])


def test_an_empty_territory_gives_empty_tables(small_build) -> None:
    with connect(small_build.db) as con:
        report = food_gaps(con, [])
    assert report.population == 0 and report.communes.empty and report.shares.empty
