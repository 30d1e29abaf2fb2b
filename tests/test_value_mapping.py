"""A partner's value choices and yes/no columns, read into records (courtcircuit/value_mapping.py,
courtcircuit/normalise/terms.py), and checked where the mapping file is read."""

from __future__ import annotations

import pytest

from courtcircuit.normalise import require_kind
from courtcircuit.normalise.coordinates import check_coordinates, lambert93_in_degrees
from courtcircuit.normalise.terms import apply_flags, match_codes, read_kind, read_terms
from courtcircuit.record import Record, RejectRecord
from courtcircuit.value_mapping import ValueMappingError, parse_value_mapping, yes_no
from courtcircuit.vocab import PRODUCTS
from etl.adapters import producers_table
from etl.adapters.producers_table import load_mapping
from etl.adapters.tables import SourceFileError
from etl.sources import SourceConfig


def rec(**values) -> Record:
    r = Record(source="test", ref="1", kind="producteur", name="Ferme test")
    for k, v in values.items():
        setattr(r, k, v)
    return r


def reasons(r: Record) -> list[str]:
    return [i.reason for i in r.issues]


# --- reading vocabulary cells -------------------------------------------------------------
def test_goat_cheese_is_cheese_and_the_goat_stays_in_the_description():
    r = rec(description="Élevage de chèvres.")
    read_terms(r, "products", "Fromages de chèvre, fromage fermier, Œufs")
    assert r.products == ["fromages", "oeufs"]
    # The description does not hold the value yet: it is added on a line of its own.
    assert r.description == "Élevage de chèvres.\nProduits : Fromages de chèvre."
    assert reasons(r) == [
        "« Fromages de chèvre » lu comme « Fromages » ; « chèvre » hors vocabulaire : la valeur est gardée "
        "dans la description",
        "« fromage fermier » lu comme « Fromages »",
    ]


def test_aop_comte_is_an_aop_and_comte_is_kept_as_the_product_name():
    r = rec()
    read_terms(r, "labels", "AOP Comté")
    assert (r.labels, r.products, r.description) == (["aop"], [], "Signes de qualité : AOP Comté.")


def test_label_rouge_poultry_gives_the_label_and_the_product_family():
    r = rec()
    read_terms(r, "labels", "Label Rouge volailles")
    assert (r.labels, r.products, r.description) == (["label_rouge"], ["volaille"], None)
    assert reasons(r) == ["« Label Rouge volailles » lu comme « Label Rouge », et produits « Volaille »"]


@pytest.mark.parametrize("value", ["Agriculture Biologique", "bio", "AB (certifié)"])
def test_organic_written_three_ways_is_ab(value):
    r = rec()
    read_terms(r, "labels", value)
    assert r.labels == ["ab"] and r.description is None


def test_unknown_and_ambiguous_values_are_noted_not_guessed():
    r = rec()
    read_terms(r, "products", "Viande, Escargots")
    assert r.products == []
    assert reasons(r) == [
        "valeur inconnue du vocabulaire « famille de produits » : « Viande » (proche : « Viande bovine »)",
        "valeur inconnue du vocabulaire « famille de produits » : « Escargots »",
    ]
    shop = rec()
    assert read_kind(shop, "Ferme épicerie") == "Ferme épicerie"  # left for the kind step to reject


def test_the_partners_choice_comes_before_matching():
    choices = parse_value_mapping(
        {"values": {"products": {"Viande": "viande_bovine", "Fromages de chèvre": ["fromages", "lait"]}}}
    )
    r = rec()
    read_terms(r, "products", "VIANDE ; fromages de chevre", choices)
    assert r.products == ["viande_bovine", "fromages", "lait"] and r.issues == [] and r.description is None
    channels = parse_value_mapping({"values": {"channels": {"Au Bon Marché de Thiers": "marche"}}})
    seller = rec()
    read_terms(seller, "channels", "au bon marche de thiers, Vente à la ferme", channels)
    assert (seller.channels, seller.issues) == (["marche", "vente_ferme"], [])
    kinds = parse_value_mapping({"values": {"kind": {"Ferme épicerie": "magasin_producteurs"}}})
    assert read_kind(rec(), "Ferme épicerie", kinds) == "magasin_producteurs"


def test_a_value_mapped_to_no_code_is_dropped_silently():
    choices = parse_value_mapping({"values": {"labels": {"Agriculture raisonnée": []}}})
    r = rec()
    read_terms(r, "labels", "Agriculture raisonnée, HVE", choices)
    assert (r.labels, r.issues) == (["hve"], [])


def test_sources_without_mapping_also_read_values_on_their_words():
    r = rec()
    assert match_codes(r, "products", "Fromages de chèvre, caviar", PRODUCTS) == ["fromages"]
    assert len(r.issues) == 2


# --- yes/no columns -----------------------------------------------------------------------
@pytest.mark.parametrize(("value", "answer"), [("Oui", True), ("x", True), ("VRAI", True), ("1", True),
    ("non", False), ("0", False), ("Faux", False), ("", None), (None, None), (" - ", None)])  # fmt: skip
def test_yes_no(value, answer):
    assert yes_no(value) is answer


def test_yes_no_columns_feed_channels_labels_and_products():
    choices = parse_value_mapping(
        {"flags": {"Vente à la ferme": "channels:vente_ferme", "Bio": "labels:ab", "Miel": "products:miel"}}
    )
    r = rec(channels=["marche"])
    apply_flags(r, {"Vente à la ferme": "oui", "Bio": "non", "Miel": "peut-être"}, choices)
    assert (r.channels, r.labels, r.products) == (["marche", "vente_ferme"], [], [])
    assert [(i.field, i.value) for i in r.issues] == [("products", "peut-être")]
    assert reasons(r) == [
        "colonne « Miel » : valeur oui/non non comprise « peut-être » (attendu oui ou non) ; "
        "« Miel et produits de la ruche » non ajouté"
    ]
    empty = rec()
    apply_flags(empty, {"Vente à la ferme": None}, choices)  # column absent: nothing, no note
    assert (empty.channels, empty.issues) == ([], [])


# --- bad entries, refused in French naming the file and the entry -------------------------
@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[values.products]\n"Fromages de chèvre" = "fromage"\n',
         "correspondance m.toml : [values.products] « Fromages de chèvre » : « fromage » n'est pas un code "
         "du vocabulaire « famille de produits » (vouliez-vous dire « fromages » ?)"),
        ('[values.couleurs]\n"Rouge" = "rouge"\n', "[values.couleurs] : champ inconnu"),
        ('[values.kind]\n"Ferme" = ["producteur", "amap"]\n', "« Ferme » : un seul type de lieu attendu"),
        ('[values.labels]\n"Bio" = 1\n', "« Bio » : le code doit être un texte"),
        ('[values.labels]\n"Bio" = "ab"\n"BIO" = "hve"\n', "même valeur que « Bio »"),
        ('values = "bio"\n', "[values] doit contenir des tables"),
        ('[flags]\n"Vente à la ferme" = "vente_ferme"\n', 'attendu "champ:code"'),
        ('[flags]\n"Ferme" = "kind:producteur"\n', "champ « kind » impossible pour une colonne oui/non"),
        ('[flags]\n"Bio" = "labels:organique"\n', "« organique » n'est pas un code"),
    ],
)  # fmt: skip
def test_bad_entries_are_refused_with_the_file_and_the_entry(tmp_path, toml, message):
    path = tmp_path / "m.toml"
    path.write_text(toml + '[columns]\nname = "Nom"\n', encoding="utf-8")
    with pytest.raises(SourceFileError) as err:
        load_mapping(path)
    assert "m.toml" in str(err.value) and message in str(err.value)


def test_the_domain_check_raises_its_own_error_for_the_wizard():
    with pytest.raises(ValueMappingError, match="codes possibles : legumes, fruits"):
        parse_value_mapping({"values": {"products": {"x": "caviar"}}})


# --- Lambert-93 metres in the latitude/longitude columns ----------------------------------
@pytest.mark.parametrize(("lat", "lon"), [(6494774.7, 758089.4), (758089.4, 6494774.7)])
def test_lambert93_typed_as_lat_lon_is_converted_in_either_order(lat, lon):
    r = rec(lat=lat, lon=lon)
    lambert93_in_degrees(r)
    check_coordinates(r)
    assert r.lat == pytest.approx(45.55, abs=1e-4) and r.lon == pytest.approx(3.7445, abs=1e-4)
    (issue,) = r.issues
    assert issue.field == "coordinates" and "Lambert-93 en mètres (X=758089, Y=6494775)" in issue.reason


def test_degrees_and_metres_outside_lambert93_are_left_to_the_france_check():
    degrees = rec(lat=45.55, lon=3.7445)
    lambert93_in_degrees(degrees)
    assert (degrees.lat, degrees.issues) == (45.55, [])
    far = rec(lat=9_000_000.0, lon=758089.4)  # not Lambert-93: dropped as outside France
    lambert93_in_degrees(far)
    check_coordinates(far)
    assert far.lat is None and "hors de France" in far.issues[0].reason


def test_an_ambiguous_kind_is_rejected_naming_the_candidates():
    with pytest.raises(RejectRecord) as err:
        require_kind(rec(kind="Ferme épicerie"))
    assert err.value.reason == (
        "type de lieu inconnu : « Ferme épicerie » : peut être « Producteur » (producteur) ou "
        "« Point de vente » (point_de_vente), à préciser ([values.kind] de la correspondance)"
    )


def test_a_flag_column_missing_from_the_file_is_said_once(tmp_path):
    (tmp_path / "p.csv").write_text("Nom;Bio\nFerme A;oui\nFerme B;non\n", encoding="utf-8")
    (tmp_path / "m.toml").write_text(
        '[columns]\nname = "Nom"\n[flags]\n"Bio" = "labels:ab"\n"Vente à la ferme" = "channels:vente_ferme"\n',
        encoding="utf-8",
    )
    src = SourceConfig(
        name="p", format="producers-table", path=tmp_path / "p.csv", mapping=tmp_path / "m.toml"
    )
    rows = list(producers_table.rows(src))
    assert [n for row in rows for n in row.file_notes] == [
        ("Vente à la ferme", "colonne « Vente à la ferme » absente du fichier")
    ]
    assert [producers_table.to_record(row, src).labels for row in rows] == [["ab"], []]


def test_a_value_the_description_already_holds_is_not_added_again():
    r = rec(description="Nos fromages de chèvre, affinés en cave.")
    read_terms(r, "products", "Fromages de chèvre")
    assert (r.products, r.description) == (["fromages"], "Nos fromages de chèvre, affinés en cave.")
