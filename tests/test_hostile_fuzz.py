"""Generated hostile inputs for each reader: a French refusal (SourceFileError) or rows, nothing else.

The corpus (test_hostile.py) holds the cases people thought of; these try what they did not.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courtcircuit.normalise import normalise
from courtcircuit.normalise.text import clean_text_fields, require_name
from courtcircuit.record import RejectRecord
from etl.adapters import osm_overpass, producers_table
from etl.adapters.tables import SourceFileError, read_csv
from etl.sources import SourceConfig, SourcesFileError, load_sources

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
CSV_PIECES = st.sampled_from(
    ["ref;nom;commune", "\n", ";", '"', "\r\n", "é", "\x00", "Genêts", "\ufeff", " ", "x"]
)


def _write(folder: Path, data: bytes, name: str) -> Path:
    path = folder / name  # the same file for every example: nothing piles up in /tmp
    path.write_bytes(data)
    return path


@FUZZ
@given(
    st.one_of(st.binary(max_size=300), st.lists(CSV_PIECES, max_size=40).map(lambda p: "".join(p).encode()))
)
def test_any_bytes_as_a_csv_give_rows_or_a_french_refusal(tmp_path, data):
    try:
        rows = list(read_csv(_write(tmp_path, data, "f.csv")))
    except SourceFileError as err:
        assert str(err)
        return
    for row in rows:
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in row.data.items())
        assert row.where.startswith("ligne ")


@FUZZ
@given(JSON)
def test_any_json_as_an_overpass_file_gives_rows_or_a_french_refusal(tmp_path, value):
    path = _write(tmp_path, json.dumps(value).encode(), "o.json")
    try:
        rows = list(osm_overpass.rows(SourceConfig(name="o", format="osm-overpass", path=path)))
    except SourceFileError as err:
        assert str(err)
        return
    assert isinstance(value, dict) and len(rows) == len(value["elements"])


ELEMENT = st.fixed_dictionaries(
    {"type": st.sampled_from(["node", "way"]) | JSON, "id": st.integers() | JSON},
    optional={
        "lat": st.floats() | JSON,
        "lon": st.floats() | JSON,
        "center": JSON,
        "tags": st.dictionaries(
            st.sampled_from(["shop", "name", "amenity", "vending", "produce", "opening_hours", "website",
                             "contact:phone", "check_date", "craft", "organic", "addr:city"]),
            st.sampled_from(["farm", "marketplace", "vending_machine", "milk;eggs", "yes"]) | JSON,
        ),
    },
)  # fmt: skip


@FUZZ
@given(ELEMENT)
def test_any_overpass_element_becomes_a_record_or_a_rejection_with_a_reason(element):
    source = SourceConfig(name="o", format="osm-overpass", path=Path("o.json"))
    row = osm_overpass.RawRow(ref="node/1", data=element)
    try:
        normalise(osm_overpass.to_record(row, source), [clean_text_fields, require_name])
    except RejectRecord as err:
        assert err.reason


TOML_PIECES = st.sampled_from(
    ['[[source]]\n', 'name = "a"\n', 'format = "markets-table"\n', 'path = "x.csv"\n', "precedence = ",
     '"haut"', "3", "\n", 'date = "hier"\n', "date = 2026-01-01\n", "source = 3\n", 'path = "../x"\n',
     "mapping = 1\n", "[columns]\n", "name = 3\n", 'name = "Nom"\n', "columns = []\n", '"', "é", "\x00"]
)  # fmt: skip


@FUZZ
@given(st.lists(TOML_PIECES, max_size=14).map("".join))
def test_any_sources_file_is_loaded_or_refused_in_french(tmp_path, text):
    try:
        load_sources(_write(tmp_path, text.encode(), "s.toml"))
    except SourcesFileError as err:
        assert str(err)


@FUZZ
@given(st.lists(TOML_PIECES, max_size=14).map("".join))
def test_any_mapping_file_is_loaded_or_refused_in_french(tmp_path, text):
    try:
        producers_table.load_mapping(_write(tmp_path, text.encode(), "m.toml"))
    except SourceFileError as err:
        assert str(err)
