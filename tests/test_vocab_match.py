"""Vocabulary values read the way partners write them (courtcircuit/vocab_match.py)."""

from __future__ import annotations

import pytest

from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS, Term, Vocabulary
from courtcircuit.vocab_match import match_cell, match_value, split_values


@pytest.mark.parametrize(
    ("value", "vocabulary", "terms", "leftover"),
    [
        ("Fromages de chèvre", PRODUCTS, ("fromages",), ("chèvre",)),
        ("fromage fermier", PRODUCTS, ("fromages",), ()),
        ("AOP Comté", LABELS, ("aop",), ("Comté",)),
        ("Label Rouge volailles", LABELS, ("label_rouge",), ("volailles",)),
        ("AB (certifié)", LABELS, ("ab",), ()),
        ("Viande de porc", PRODUCTS, ("porc_charcuterie",), ("Viande",)),
        ("Vente directe à la ferme", CHANNELS, ("vente_ferme",), ()),
        ("Légumes bio", PRODUCTS, ("legumes",), ("bio",)),
    ],
)
def test_a_value_is_matched_on_its_meaningful_words(value, vocabulary, terms, leftover):
    found = match_value(value, vocabulary)
    assert (found.terms, found.leftover, found.ambiguous, found.known) == (terms, leftover, False, True)
    assert not found.exact


@pytest.mark.parametrize("value", ["Agriculture Biologique", "bio", "BIO", "AB", "biologique"])
def test_every_way_of_writing_organic_is_ab(value):
    found = match_value(value, LABELS)
    assert found.terms == ("ab",) and found.exact and found.leftover == ()


def test_plurals_and_small_typos_are_forgiven_but_short_words_must_be_exact():
    assert match_value("volaile fermière", PRODUCTS).terms == ("volaille",)
    assert match_value("Œufs frais", PRODUCTS).terms == ("oeufs",)
    # "vins" is "vin" (plural), but "vain" is not "vin" nor "pain": too short to guess.
    assert match_value("vins", PRODUCTS).terms == ("boissons",)
    assert match_value("vain", PRODUCTS).terms == ()


def test_two_terms_in_one_value_of_a_list_field_are_both_kept():
    assert match_value("Fruits & légumes", PRODUCTS).terms == ("fruits", "legumes")


def test_a_value_naming_two_kinds_is_ambiguous_for_a_one_term_field():
    found = match_value("Ferme épicerie", KINDS, one_term=True)
    assert found.ambiguous and not found.known and found.terms == ()
    assert set(found.candidates) == {"producteur", "point_de_vente"}


def test_a_value_matching_two_terms_equally_is_not_guessed():
    cheese = Vocabulary(
        "fromages de test",
        (
            Term("tomme", "Tomme", "Tomme", ("tomme de brebis",)),
            Term("brousse", "Brousse", "Brousse", ("brebis frais",)),
        ),
    )
    # "tomme de brebis" and "brebis frais" both fit, sharing "brebis": which one is meant?
    found = match_value("tomme brebis frais", cheese)
    assert found.ambiguous and found.terms == ()
    assert set(found.candidates) == {"tomme", "brousse"}


def test_an_unknown_value_comes_back_with_close_terms_to_suggest():
    viande = match_value("Viande", PRODUCTS)
    assert (viande.known, viande.ambiguous, viande.candidates) == (False, False, ("viande_bovine",))
    assert match_value("Fromagerie", PRODUCTS).candidates == ("fromages",)


def test_an_unknown_value_is_not_matched_on_a_generic_word():
    """'Agriculture raisonnée' shares only 'agriculture' with AB: no term, no suggestion."""
    found = match_value("Agriculture raisonnée", LABELS)
    assert (found.terms, found.candidates, found.leftover) == ((), (), ("raisonnée",))
    escargots = match_value("Escargots", PRODUCTS)
    assert (escargots.terms, escargots.candidates) == ((), ())


def test_a_cell_is_split_into_values_and_read_whole_when_it_is_one_term():
    assert split_values("Légumes, oeufs; miel et fruits | pain / vin") == [
        "Légumes", "oeufs", "miel", "fruits", "pain", "vin",
    ]  # fmt: skip
    (whole,) = match_cell("Foires et marchés de plein vent", CHANNELS)
    assert whole.terms == ("marche",) and whole.exact
    found = match_cell("Fromages de chèvre, AOP Comté", PRODUCTS)
    assert [m.terms for m in found] == [("fromages",), ()]
    assert match_cell("  ", PRODUCTS) == []
