"""The row each Livradois source writes for each of its entries (its columns, its spelling of
phones, hours and lists), and the manifest of what was planted.
"""

from __future__ import annotations

from datetime import date, timedelta

from courtcircuit.communes import CommuneIndex
from etl.demo import names as gn
from etl.demo.listings import AMAPS, CHAMBRE, MARKETS, OSM, PNR, REAL, Demo, Entry, demo_tables
from etl.demo.model import Coords, Manifest, Table, lambert93, metres
from etl.demo.territory import DemoPlace

PREFIX = {
    CHAMBRE: "CA63-{:04d}",
    PNR: "PNRLF-{:03d}",
    AMAPS: "AMAP-{:02d}",
    MARKETS: "MARCHE-{:02d}",
    OSM: "",
}


def render(demo: Demo) -> list[Table]:
    tables = demo_tables()
    n = len(demo.entries[OSM])
    nodes = iter(sorted(demo.rng.sample(range(3_000_000_000, 12_000_000_000), n)))
    ways = iter(sorted(demo.rng.sample(range(100_000_000, 1_300_000_000), n)))
    for t in tables:
        entries = demo.entries[t.name]
        if t.demo and t.format != "osm-overpass":
            entries = demo.rng.sample(entries, len(entries))  # partners' files follow no useful order
        for k, e in enumerate(entries, start=1):
            ref = str(e.overrides.pop("ref", "") or PREFIX[t.name].format(k))
            if t.format == "osm-overpass":
                ref = f"way/{next(ways)}" if e.way else f"node/{next(nodes)}"
            e.place.refs.setdefault(t.name, ref)
            t.rows.append(ROWS[t.format](demo, e, ref, t))
            t.kinds[e.place.kind] += 1
    return tables


def producers_table_row(demo: Demo, e: Entry, ref: str, t: Table) -> dict[str, object]:
    p, rng = e.place, demo.rng
    row = {
        "ref": ref,
        "name": e.name,
        "street": p.street,
        "postcode": p.town.postcode,
        "city": p.town.name,
    }
    if t.name == REAL:
        return row | e.overrides
    verified = date(2024, 1, 1) + timedelta(days=rng.randint(0, 880))
    row |= {
        "description": f"{gn.PROFILE_TEXT[p.profile]}." if p.profile else "", "email": p.email,
        "website": p.website, "siret": p.siret, "labels": ", ".join(p.labels), "ab_status": p.ab_status,
        "products": ", ".join(p.products), "sells_at": " | ".join(o.name for o in p.sells_at), **p.buyer,
    }  # fmt: skip
    if t.name == CHAMBRE:
        lat, lon = e.coords or ("", "")
        row |= {"insee": p.town.commune.insee if rng.random() < 0.9 else "", "lat": lat, "lon": lon}
        row |= {"phone": "" if p.phone_no is None else gn.phone(p.phone_no, "spaces")}
        row |= {
            "opening_hours": p.hours[1] if rng.random() < 0.7 else p.hours[0],
            "channels": ", ".join(p.channels),
        }
        return row | {"last_verified": verified, "status": "actif"} | e.overrides
    x, y = lambert93().transform(e.coords[1], e.coords[0]) if e.coords else ("", "")
    style = rng.choice(("dots", "compact", "spaces"))
    kind = p.category if p.kind != "producteur" else rng.choice(("Producteur", "Exploitation", "Ferme"))
    row |= {
        "kind": kind,
        "x": f"{x:.1f}".replace(".", ",") if x else "",
        "y": f"{y:.1f}".replace(".", ",") if y else "",
    }
    row |= {
        "phone": "" if p.phone_no is None else gn.phone(p.phone_no, style),
        "opening_hours": p.hours[1],
    }
    row |= {
        "channels": " / ".join(p.channels),
        "labels": " / ".join(p.labels),
        "products": " ; ".join(p.products),
    }
    if p.siret and rng.random() < 0.4:
        row["siret"] = ""  # the Parc does not always keep it
    if p.buyer.get("delivery_radius_km"):
        row["delivery_radius_km"] = f"{p.buyer['delivery_radius_km']} km"
    return row | {"last_verified": verified.strftime("%d/%m/%Y")} | e.overrides


def amap_table_row(demo: Demo, e: Entry, ref: str, t: Table) -> dict[str, object]:
    p = e.place
    lat, lon = e.coords or ("", "")
    products = list(dict.fromkeys(x for f in p.producers for x in f.products[:1]))[:5]
    return {
        "ref": ref, "nom": e.name, "adresse": p.street, "code_postal": p.town.postcode, "commune": p.town.name,
        "latitude": lat, "longitude": lon, "jour": p.hours[0], "horaires": p.hours[1],
        "producteurs": "|".join(f.name for f in p.producers), "produits": ", ".join(products),
        "contact_email": p.email, "telephone": "" if p.phone_no is None else gn.phone(p.phone_no, "spaces"),
        "site": p.website,
    } | e.overrides  # fmt: skip


def markets_table_row(demo: Demo, e: Entry, ref: str, t: Table) -> dict[str, object]:
    p = e.place
    lat, lon = e.coords or ("", "")
    return {
        "ref": ref, "nom": e.name, "adresse": p.street, "code_postal": p.town.postcode, "commune": p.town.name,
        "latitude": lat, "longitude": lon, "jours": p.hours[1], "saison": p.season[0], "type": p.category,
        "producteurs": "|".join(f.name for f in p.producers),
    } | e.overrides  # fmt: skip


def osm_overpass_row(demo: Demo, e: Entry, ref: str, t: Table) -> dict[str, object]:
    p, rng, over = e.place, demo.rng, dict(e.overrides)
    tags = ({"name": e.name} if e.name else {}) | (
        p.osm if p.kind != "marche" else {"amenity": "marketplace"}
    )
    hours = " ".join(filter(None, (p.season[1], p.hours[0])))
    if hours and rng.random() < (0.9 if p.kind == "marche" else 0.7):
        tags["opening_hours"] = hours
    if p.ab_status:
        tags["organic"] = "only" if p.ab_status == "certifié" else "yes"
    if p.phone_no is not None and rng.random() < 0.4:
        tags[rng.choice(("phone", "contact:phone"))] = gn.phone(p.phone_no, "osm")
    if p.website and rng.random() < 0.6:
        tags["website"] = p.website
    if p.siret and rng.random() < 0.15:
        tags["ref:FR:SIRET"] = p.siret
    # Most OSM elements carry no address; shops more often than farms.
    if over.pop("_address", True) and rng.random() < {"producteur": 0.25, "point_de_vente": 0.6}.get(
        p.kind, 0
    ):
        tags |= {"addr:street": p.street, "addr:postcode": p.town.postcode, "addr:city": p.town.name}
    if rng.random() < 0.3:
        tags["check_date"] = (date(2024, 3, 1) + timedelta(days=rng.randint(0, 900))).isoformat()
    tags |= {k: str(v) for k, v in over.items()}
    kind, oid = ref.split("/")
    where = dict(zip(("lat", "lon"), e.coords or (p.lat, p.lon), strict=True))
    return {
        "type": kind,
        "id": int(oid),
        **(where if kind == "node" else {"center": where}),
        "tags": tags,
    }


ROWS = {
    "producers-table": producers_table_row,
    "amap-table": amap_table_row,
    "markets-table": markets_table_row,
    "osm-overpass": osm_overpass_row,
}


# ---------------------------------------------------------------------------- the manifest


def fill(demo: Demo, manifest: Manifest) -> None:
    places = list({id(e.place): e.place for es in demo.entries.values() for e in es}.values())
    manifest.duplicate_groups = sorted([sorted(p.refs.items()) for p in places if len(p.refs) > 1])
    for a_src, a, b_src, b, why in demo.apart:
        d = round(metres(position(demo, a_src, a), position(demo, b_src, b)))
        manifest.apart.append(
            {"a": [a_src, a.refs[a_src]], "b": [b_src, b.refs[b_src]], "why": why, "distance_m": d}
        )
    for src, p, reason, effect in demo.bad:
        planted = src != REAL  # the real CIVAM hours are true, only not expressible in OSM syntax
        row = {"source": src, "ref": p.refs[src], "reason": reason, "effect": effect, "planted": planted}
        manifest.bad_rows.append(row)
    for e in demo.entries[MARKETS]:  # a day with no hour: the build says which hours it assumed
        if str(e.overrides.get("jours", e.place.hours[1])).endswith("du mois"):
            ref = e.place.refs[MARKETS]
            manifest.notes.append(
                {"source": MARKETS, "ref": ref, "field": "opening_hours", "why": "heure supposée"}
            )
    for p in places:
        manifest.links += [
            {"producer": list(p.home()), "outlet": list(o.home()), "name": o.name} for o in p.sells_at
        ]


def position(demo: Demo, source: str, p: DemoPlace) -> Coords:
    """Where a source puts the place: its coordinates, else its commune's town hall."""
    return next(e.coords for e in demo.entries[source] if e.place is p) or p.town.commune.point or (0.0, 0.0)


def livradois(communes: CommuneIndex, manifest: Manifest, scale: int, seed: int) -> list[Table]:
    demo = Demo(communes, scale, seed)
    demo.build()
    tables = render(demo)
    fill(demo, manifest)
    return tables
