"""The source generator: same seed same bytes, files as docs/FORMATS.md says, a manifest that tells the truth.

The files are read back here with csv/openpyxl/json only (not the ETL adapters), so a bug in
the generator and one in an adapter cannot hide each other.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import tomllib
from pathlib import Path

import phonenumbers
import pytest
from openpyxl import load_workbook
from pyproj import Transformer

from courtcircuit.communes import CommuneIndex
from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS
from etl.demo import Manifest, generate

FORMATS = (Path(__file__).resolve().parents[1] / "docs" / "FORMATS.md").read_text(encoding="utf-8")
Row = dict[str, str]
Key = tuple[str, str]


# ---------------------------------------------------------------- reading the files back


def sources(out: Path) -> list[dict]:
    return tomllib.loads((out / "sources.toml").read_text(encoding="utf-8"))["source"]


def mapping(out: Path, source: dict) -> dict:
    return tomllib.loads((out / source["mapping"]).read_text(encoding="utf-8")) if "mapping" in source else {}


def table(out: Path, source: dict) -> list[Row]:
    path = out / source["path"]
    if path.suffix == ".xlsx":
        book = load_workbook(path, read_only=True)
        rows = list(book[mapping(out, source).get("sheet", book.sheetnames[0])].iter_rows(values_only=True))
        book.close()
        return [
            {str(h): "" if v is None else str(v) for h, v in zip(rows[0], r, strict=True)} for r in rows[1:]
        ]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def records(out: Path) -> dict[Key, dict]:
    """(source, ref) → {"name", "kind", "coords" (or None), "row"} for every row of every file."""
    to_wgs84 = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
    found: dict[Key, dict] = {}
    for s in sources(out):
        if s["format"] == "osm-overpass":
            for e in json.loads((out / s["path"]).read_text(encoding="utf-8"))["elements"]:
                where, tags = e if e["type"] == "node" else e["center"], e["tags"]
                found[(s["name"], f"{e['type']}/{e['id']}")] = {
                    "name": tags.get("name") or tags.get("operator", ""), "kind": osm_kind(tags),
                    "coords": (where["lat"], where["lon"]), "row": tags,
                }  # fmt: skip
            continue
        cols = mapping(out, s).get("columns", {})
        get = {f: cols.get(f, f) for f in ("ref", "name", "kind", "lat", "lon", "x", "y")}
        get |= {
            "name": cols.get("name", "nom"),
            "lat": cols.get("lat", "latitude"),
            "lon": cols.get("lon", "longitude"),
        }
        for row in table(out, s):
            coords = None
            if row.get(get["x"]):
                lon, lat = to_wgs84.transform(*(float(row[get[c]].replace(",", ".")) for c in ("x", "y")))
                coords = (lat, lon)
            elif row.get(get["lat"]):
                coords = (float(row[get["lat"]]), float(row[get["lon"]]))
            kind = {"amap-table": "amap", "markets-table": "marche"}.get(s["format"])
            term = KINDS.lookup(row.get(get["kind"], "") or "producteur")
            found[(s["name"], row[get["ref"]])] = {
                "name": row[get["name"]], "kind": kind or (term.code if term else "?"), "coords": coords, "row": row,
            }  # fmt: skip
    return found


def osm_kind(tags: dict[str, str]) -> str:
    if tags.get("amenity") == "marketplace":
        return "marche"
    if tags.get("amenity") == "vending_machine":
        return "distributeur"
    return (
        "producteur" if tags.get("shop") == "farm" or tags.get("craft") == "beekeeper" else "point_de_vente"
    )


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def luhn(digits: str) -> bool:
    total = sum(int(c) * (2 if i % 2 else 1) - (9 if int(c) * (2 if i % 2 else 1) > 9 else 0)
                for i, c in enumerate(reversed(digits)))  # fmt: skip
    return len(digits) == 14 and digits.isdigit() and total % 10 == 0


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory, communes: CommuneIndex
) -> tuple[Path, Manifest, dict[Key, dict]]:
    out = tmp_path_factory.mktemp("demo")
    manifest = generate(out, territory="livradois", scale=1, seed=42)
    return out, manifest, records(out)


def bad(manifest: Manifest, reason: str) -> set[Key]:
    return {(b["source"], b["ref"]) for b in manifest.bad_rows if b["reason"] == reason}  # type: ignore[misc]


# ---------------------------------------------------------------- tests


def test_same_seed_same_bytes(demo: tuple, tmp_path: Path) -> None:
    out, _, _ = demo
    generate(tmp_path / "again", territory="livradois", scale=1, seed=42)
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(p.name for p in (tmp_path / "again").iterdir())
    for name in files:
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    generate(tmp_path / "other", territory="livradois", scale=1, seed=7)
    assert (tmp_path / "other" / "expected.json").read_bytes() != (out / "expected.json").read_bytes()
    for run in ("f1", "f2"):
        generate(tmp_path / run, territory="france", scale=3000, seed=42)
    for p in (tmp_path / "f1").iterdir():
        assert p.read_bytes() == (tmp_path / "f2" / p.name).read_bytes(), p.name


def test_sources_toml_lists_every_file_as_formats_md_says(demo: tuple) -> None:
    out, manifest, _ = demo
    entries = sources(out)
    assert {e["name"] for e in entries} == set(manifest.sources)
    for e in entries:
        assert e["format"] in ("osm-overpass", "producers-table", "amap-table", "markets-table")
        assert (out / e["path"]).is_file() and isinstance(e["precedence"], int)
        assert e["demo"] is (e["name"] != "initiatives-reelles")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", e["date"])
        assert ("mapping" in e) is (e["format"] == "producers-table")
    fields = set(re.findall(r"^(\w+) = ", FORMATS.split("[columns]")[1].split("```")[0], re.M)) | {"x", "y"}
    for e in entries:
        if "mapping" in e:
            m = mapping(out, e)
            assert set(m["columns"]) <= fields and "name" in m["columns"]
            assert m.get("crs", "EPSG:4326") in ("EPSG:4326", "EPSG:2154")


def test_tables_have_the_contract_headers_separators_and_encodings(demo: tuple) -> None:
    out, manifest, _ = demo
    fixed = dict(
        zip(("amap-table", "markets-table"), re.findall(r"Fixed headers: `([^`]+)`", FORMATS), strict=True)
    )
    for e in sources(out):
        path = out / e["path"]
        if e["format"] == "osm-overpass":
            data = json.loads(path.read_text(encoding="utf-8"))
            assert {"version", "generator", "osm3s", "elements"} <= set(data)
            for el in data["elements"]:
                assert ({"lat", "lon"} <= set(el)) if el["type"] == "node" else ("center" in el)
            with_address = sum("addr:city" in el["tags"] for el in data["elements"])
            assert with_address < len(data["elements"]) / 2  # as in OSM: most elements have no address
            continue
        rows = table(out, e)
        assert len(rows) == manifest.totals[e["name"]]
        if path.suffix == ".xlsx":
            assert list(rows[0]) == list(mapping(out, e)["columns"].values())
            continue
        raw = path.read_bytes()
        header = raw.splitlines()[0]
        if e["name"] == "pnr-livradois-forez":  # Latin-1, as a partner's Excel export: not UTF-8
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            assert "é".encode("latin-1") in raw
        if e["format"] in fixed:
            assert header.decode("utf-8") == fixed[e["format"]]
        else:
            text = header.decode("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "latin-1")
            assert text.split(";") == list(mapping(out, e)["columns"].values())


def test_counts_per_source_and_kind(demo: tuple) -> None:
    _, manifest, recs = demo
    for name, info in manifest.sources.items():
        kinds = [r["kind"] for (s, _), r in recs.items() if s == name]
        assert len(kinds) == info["rows"] and sum(info["kinds"].values()) == info["rows"]  # type: ignore[arg-type]
    assert 400 <= sum(manifest.totals.values()) <= 700
    assert set(manifest.sources["pnr-livradois-forez"]["kinds"]) >= {  # type: ignore[arg-type]
        "producteur", "point_de_vente", "magasin_producteurs", "drive", "distributeur", "transformation", "logistique"
    }  # fmt: skip


def test_every_ref_of_the_manifest_is_a_row(demo: tuple) -> None:
    _, manifest, recs = demo
    refs = [k for g in manifest.duplicate_groups for k in g]
    refs += [tuple(p[side]) for p in manifest.apart for side in ("a", "b")]  # type: ignore[misc]
    refs += [(b["source"], b["ref"]) for b in manifest.bad_rows + manifest.notes]  # type: ignore[misc]
    refs += [tuple(link[side]) for link in manifest.links for side in ("producer", "outlet")]  # type: ignore[misc]
    assert [r for r in refs if tuple(r) not in recs] == []


def test_duplicates_are_one_place(demo: tuple) -> None:
    _, manifest, recs = demo
    assert len(manifest.duplicates) >= 90
    assert len({frozenset(p) for p in manifest.duplicates}) == len(manifest.duplicates)
    for a, b in manifest.duplicates:
        ra, rb = recs[a], recs[b]
        assert ra["kind"] == rb["kind"], (a, b)
        if ra["coords"] and rb["coords"]:
            assert metres(ra["coords"], rb["coords"]) <= 200, (a, b)
    sources_per_group = [len({s for s, _ in g}) for g in manifest.duplicate_groups]
    assert all(n == len(g) for n, g in zip(sources_per_group, manifest.duplicate_groups, strict=True))
    spelled_otherwise = sum(recs[a]["name"] != recs[b]["name"] for a, b in manifest.duplicates)
    assert spelled_otherwise > len(manifest.duplicates) / 2


def test_apart_pairs_are_far_or_different(demo: tuple) -> None:
    _, manifest, recs = demo
    whys = {p["why"] for p in manifest.apart}
    assert whys == {"distance", "kind", "operator"}
    for pair in manifest.apart:
        a, b = recs[tuple(pair["a"])], recs[tuple(pair["b"])]  # type: ignore[arg-type]
        if pair["why"] == "distance":
            assert pair["distance_m"] > 200  # type: ignore[operator]
            if a["coords"] and b["coords"]:
                assert metres(a["coords"], b["coords"]) > 200
        elif pair["why"] == "kind":
            assert a["kind"] != b["kind"]
        else:  # two machines of two farms side by side
            assert a["kind"] == b["kind"] == "distributeur" and a["name"] != b["name"]
            assert metres(a["coords"], b["coords"]) < 200


def test_phones_parse_except_the_bad_one(demo: tuple) -> None:
    _, manifest, recs = demo
    columns = ("Téléphone", "Tél.", "telephone", "phone", "contact:phone")
    checked = 0
    for key, rec in recs.items():
        for value in (rec["row"].get(c) for c in columns):
            if value:
                number = phonenumbers.parse(value, "FR") if len(value) > 5 else None
                ok = number is not None and phonenumbers.is_valid_number(number)
                assert ok is (key not in bad(manifest, "phone")), (key, value)
                checked += 1
    assert checked > 300
    real = [r for (s, _), r in recs.items() if s == "initiatives-reelles"]
    assert len(real) == 14 and not any(r["coords"] for r in real)  # geocoded to their commune by the build


def test_vocabulary_cells_are_understood(demo: tuple) -> None:
    _, manifest, recs = demo
    unknown_ok = bad(manifest, "unknown_vocabulary")
    cells = {CHANNELS: ("Circuits de vente", "Modes de commercialisation", "Circuits"),
             LABELS: ("Signes de qualité", "Labels et marques", "Labels"),
             PRODUCTS: ("Produits", "Productions", "produits")}  # fmt: skip
    for key, rec in recs.items():
        assert rec["kind"] != "?", key
        for vocabulary, columns in cells.items():
            for column in columns:
                _, unknown = vocabulary.parse_list(rec["row"].get(column))
                assert not unknown or key in unknown_ok, (key, column, unknown)


def test_bad_rows_are_what_they_say(demo: tuple, communes: CommuneIndex) -> None:
    _, manifest, recs = demo
    reasons = {b["reason"] for b in manifest.bad_rows}
    assert reasons >= {"phone", "coordinates_swapped", "coordinates_sea", "html_name", "missing_name",
                       "unknown_commune", "ambiguous_commune", "opening_hours", "unknown_vocabulary"}  # fmt: skip
    for b in manifest.bad_rows:
        rec = recs[(b["source"], b["ref"])]  # type: ignore[index]
        row, coords = rec["row"], rec["coords"]
        match b["reason"]:
            case "html_name":
                assert "<script>" in rec["name"]
            case "missing_name":
                assert rec["name"] == ""
            case "coordinates_swapped":
                assert coords[0] < 10 < coords[1]
            case "coordinates_sea":
                assert communes.containing(*coords) is None
            case "unknown_commune" | "ambiguous_commune":
                assert coords is None and not row.get("Code postal")
            case "siret":
                assert not luhn(row["SIRET"])
    sirets = [r["row"].get("SIRET") or r["row"].get("N° SIRET") for r in recs.values()]
    assert sum(map(luhn, filter(None, sirets))) == len(list(filter(None, sirets))) - 1


def test_france_at_scale_writes_that_many_records_in_metropolitan_france(tmp_path: Path) -> None:
    manifest = generate(tmp_path, territory="france", scale=20_000, seed=42)
    assert sum(manifest.totals.values()) == 20_000
    recs = records(tmp_path)
    assert len(recs) == 20_000
    swapped = bad(manifest, "coordinates_swapped")
    coords = [r["coords"] for k, r in recs.items() if r["coords"] and k not in swapped]
    assert len(coords) > 18_000
    assert all(41.3 <= lat <= 51.15 and -5.25 <= lon <= 9.65 for lat, lon in coords)
    assert all(recs[k]["coords"][0] < 10 < recs[k]["coords"][1] for k in swapped)
    assert (tmp_path / "chambre-agriculture.csv").is_file()  # XLSX only for small tables
    assert manifest.sources["chambre-departement"]["file"] == "chambre-departement.xlsx"
    for a, b in manifest.duplicates:
        assert metres(recs[a]["coords"] or recs[b]["coords"], recs[b]["coords"]) <= 200


def test_france_at_scale_plants_each_kind_of_bad_row_apart_from_the_duplicates(tmp_path: Path) -> None:
    manifest = generate(tmp_path, territory="france", scale=5_000, seed=3)
    recs = records(tmp_path)
    planted = [(b["source"], b["ref"]) for b in manifest.bad_rows]
    assert len(planted) == len(set(planted))  # one error per row
    assert not set(planted) & {k for pair in manifest.duplicates for k in pair}
    for b in manifest.bad_rows:
        row = recs[(b["source"], b["ref"])]["row"]  # type: ignore[index]
        match b["reason"]:
            case "missing_name":
                assert recs[(b["source"], b["ref"])]["name"] == ""  # type: ignore[index]
            case "html_name":
                assert "<script>" in recs[(b["source"], b["ref"])]["name"]  # type: ignore[index]
            case "unknown_commune":
                assert row["Ville"] == "Trifouilly-les-Oies" and not row["X (L93)"]
            case "siret":
                assert not luhn(row["SIRET"])
    assert {b["reason"] for b in manifest.bad_rows} >= {
        "missing_name",
        "coordinates_swapped",
        "phone",
        "unknown_link",
    }
