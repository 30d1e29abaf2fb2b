"""The embed address and snippet (courtcircuit/embed.py): parameters encoded, the snippet's
attributes escaped, a territory's search circle covering its communes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from courtcircuit.communes.territory import communes_of
from courtcircuit.embed import embed_url, iframe_snippet, territory_circle
from courtcircuit.geo import haversine_km
from courtcircuit.workspace.accounts import Territory


def test_the_address_carries_the_title_territory_and_filters():
    url = embed_url("https://annuaire.example.fr/", 'Le "Parc" & <vous>', "63003 63341", kinds=["producteur", "marche"],
                    products=["miel"])  # fmt: skip
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("annuaire.example.fr", "/")
    assert parse_qs(parts.query) == {
        "embed": ["1"], "titre": ['Le "Parc" & <vous>'], "territoire": ["63003 63341"],
        "type": ["producteur,marche"], "produit": ["miel"],
    }  # fmt: skip


def test_the_address_carries_a_language_other_than_french():
    assert "lang" not in parse_qs(urlsplit(embed_url("https://a.example", "Titre")).query)
    english = parse_qs(urlsplit(embed_url("https://a.example", "Where to buy", lang="en")).query)
    assert english["lang"] == ["en"] and english["embed"] == ["1"]


def test_the_snippet_has_an_escaped_title_and_source():
    title = 'Le "Parc" & <script>'
    snippet = iframe_snippet(embed_url("https://a.example", title), title)
    assert 'title="Le &quot;Parc&quot; &amp; &lt;script&gt;"' in snippet
    assert "<script>" not in snippet and snippet.count('"') % 2 == 0
    assert 'src="https://a.example/?embed=1&amp;titre=' in snippet


def test_a_territory_circle_reaches_every_town_hall(communes):
    territory = Territory.parse("200070761", communes=communes)  # CC Ambert Livradois Forez
    lat, lon, radius = territory_circle(territory, communes)
    points = [c.point for c in communes_of(communes, territory.codes) if c.point]
    assert len(points) > 50
    assert max(haversine_km(lat, lon, *p) for p in points) <= radius < 60
