"""bench.map_render: both ways of rendering send a map of the same size, and each is timed."""

from __future__ import annotations

from branca.element import MacroElement

from bench.map_render import as_st_folium, branca_render, measure, points
from ui import map_elements


def test_both_renders_send_the_same_map_and_are_timed() -> None:
    timings = measure([200], repeats=2, seed=3)
    assert set(timings) == {"200"}
    assert {method: len(times) for method, times in timings["200"].items()} == {"verbatim": 2, "branca": 2}


def test_the_baseline_is_brancas_render_and_is_put_back() -> None:
    ours = map_elements.DataElement.render
    with branca_render():
        assert map_elements.DataElement.render is MacroElement.render
        assert as_st_folium(points(20, 1)) > 0
    assert map_elements.DataElement.render is ours
