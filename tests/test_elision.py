"""Written French in the search: « de » elided or contracted, distances as a resident reads them."""

from __future__ import annotations

import pytest

from courtcircuit.elision import de
from courtcircuit.search import Filters
from ui.filters_panel import active_count, filters_label
from ui.results import distance_text
from ui.search_form import place_phrase


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ambert (63600)", "d'Ambert (63600)"),
        ("Éric Jarrige", "d'Éric Jarrige"),
        ("Yssingeaux (43200)", "d'Yssingeaux (43200)"),
        ("élargir le rayon", "d'élargir le rayon"),
        ("effacer la recherche par texte", "d'effacer la recherche par texte"),
        ("retirer le filtre sur le label", "de retirer le filtre sur le label"),
        ("Le Puy-en-Velay (43000)", "du Puy-en-Velay (43000)"),
        ("le point choisi (Job)", "du point choisi (Job)"),
        ("Les Martres-de-Veyre (63730)", "des Martres-de-Veyre (63730)"),
        ("La Chaise-Dieu (43160)", "de La Chaise-Dieu (43160)"),
        ("L'Isle-Adam (95290)", "de L'Isle-Adam (95290)"),
        ("Hauterive (03270)", "de Hauterive (03270)"),
        ("votre position", "de votre position"),
        ("Thiers (63300)", "de Thiers (63300)"),
    ],
)
def test_de_is_elided_and_contracted_as_french_writes_it(text: str, expected: str) -> None:
    assert de(text) == expected


@pytest.mark.parametrize(
    ("label", "phrase"),
    [("Ma position", "votre position"), ("Point choisi (Job)", "le point choisi (Job)"),
     ("Ambert (63600)", "Ambert (63600)")],
)  # fmt: skip
def test_the_centre_reads_as_a_sentence(label: str, phrase: str) -> None:
    assert place_phrase(label) == phrase


@pytest.mark.parametrize(
    ("km", "precision", "text"),
    [
        (0.0, "commune", "dans la commune"),  # placed at the town hall: not « 0 m »
        (0.4, "commune", "dans la commune"),
        (5.2, "commune", "environ 5 km"),
        (0.0, "exact", "à moins de 50 m"),
        (0.003, None, "à moins de 50 m"),
        (0.347, "exact", "350 m"),
        (2.46, "street", "2,5 km"),
        (None, "exact", ""),
    ],
)
def test_distances_read_as_a_resident_reads_them(km: float | None, precision: str | None, text: str) -> None:
    assert distance_text(km, precision) == text


def test_the_filters_button_says_how_many_are_on() -> None:
    assert filters_label(Filters()) == "Filtres"
    on = Filters(kinds=("marche", "amap"), text="miel", open_now=True, day=5)
    assert active_count(on) == 5 and filters_label(on) == "Filtres (5)"
