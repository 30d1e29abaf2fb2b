from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS, fold


def test_fold_removes_accents_case_and_ligatures():
    assert fold("Œufs FRAIS, élevés") == "oeufs frais eleves"


def test_lookup_accepts_code_label_and_synonym():
    assert PRODUCTS.lookup("oeufs").code == "oeufs"
    assert PRODUCTS.lookup("Œufs").code == "oeufs"
    assert PRODUCTS.lookup("fourme d'Ambert").code == "fromages"
    assert LABELS.lookup("Bio").code == "ab"
    assert KINDS.lookup("épicerie").code == "point_de_vente"
    assert KINDS.lookup("vaisseau spatial") is None


def test_parse_list_splits_and_reports_unknown_values():
    codes, unknown = PRODUCTS.parse_list("Légumes, oeufs; miel | caviar")
    assert codes == ["legumes", "oeufs", "miel"]
    assert unknown == ["caviar"]


def test_eight_channels_with_french_labels():
    assert len(CHANNELS.codes()) == 8
    assert CHANNELS.label("vente_ferme") == "Vente à la ferme"
    assert CHANNELS.label("vente_ferme", "en") == "Farm shop"


def test_codes_are_unique_and_ascii_in_every_vocabulary():
    for vocab in (KINDS, CHANNELS, LABELS, PRODUCTS):
        codes = vocab.codes()
        assert len(codes) == len(set(codes))
        assert all(c.isascii() and c == c.lower() for c in codes)
