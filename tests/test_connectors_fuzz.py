"""Generated hostile answers for the GoGoCarto and Agence BIO readers: rows or a French refusal
for a whole file, a record or a RejectRecord for one element, never another exception."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courtcircuit.normalise import normalise
from courtcircuit.normalise.text import clean_text_fields, require_name
from courtcircuit.record import RejectRecord
from etl.adapters import agencebio, gogocarto
from etl.adapters.tables import RawRow, SourceFileError
from etl.sources import SourceConfig
from tests.test_hostile_fuzz import JSON

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

ELEMENT = st.fixed_dictionaries(
    {"id": st.text(max_size=5) | JSON},
    optional={
        "name": st.sampled_from(["Ferme", "<b>x</b>", ""]) | JSON,
        "geo": st.fixed_dictionaries({}, optional={"latitude": st.floats() | JSON, "longitude": st.floats() | JSON})
        | JSON,
        "lat": st.floats() | JSON, "lng": JSON,
        "address": st.dictionaries(st.sampled_from(["streetAddress", "postalCode", "addressLocality"]), JSON) | JSON,
        "categories": st.lists(st.sampled_from(["Marché", "Fromages", "Bio"]) | JSON, max_size=3) | JSON,
        "categoriesFull": st.lists(st.dictionaries(st.sampled_from(["id", "name"]), JSON), max_size=3) | JSON,
        "openHours": st.dictionaries(st.sampled_from(["Mo", "Tu", "Su", "xx"]), JSON) | JSON,
        "openhours": JSON, "status": st.integers(-7, 5) | JSON, "telephone": JSON,
    },
)  # fmt: skip
ADDRESS = st.fixed_dictionaries(
    {"typeAdresseOperateurs": st.lists(st.sampled_from(["Lieux de vente", "Siège social"]) | JSON, max_size=2)},
    optional={"lat": st.floats() | JSON, "long": st.floats() | JSON, "lieu": JSON, "codePostal": JSON,
              "ville": JSON, "codeCommune": JSON, "active": JSON},
)  # fmt: skip
OPERATOR = st.fixed_dictionaries(
    {"adressesOperateurs": st.lists(ADDRESS, max_size=3) | JSON},
    optional={
        "numeroBio": JSON, "raisonSociale": st.sampled_from(["GAEC", ""]) | JSON, "siteWebs": JSON,
        "certificats": st.lists(st.fixed_dictionaries({"etatCertification": st.sampled_from(
            ["ENGAGEE", "SUSPENDUE", "ARRETEE"]) | JSON}), max_size=2) | JSON,
        "productions": st.lists(st.fixed_dictionaries({"nom": JSON, "etatProductions": JSON}), max_size=2)
        | JSON,
        "activites": st.lists(st.fixed_dictionaries({"nom": JSON}), max_size=2) | JSON,
    },
)  # fmt: skip


def _records(adapter, source: SourceConfig) -> None:
    for row in adapter.rows(source):
        assert isinstance(row, RawRow) and row.ref
        if row.problem:
            continue
        try:
            normalise(adapter.to_record(row, source), [clean_text_fields, require_name])
        except RejectRecord as err:
            assert err.reason


@FUZZ
@given(
    st.one_of(
        JSON, st.lists(ELEMENT, max_size=4), st.fixed_dictionaries({"data": st.lists(ELEMENT, max_size=4)})
    )
)
def test_any_gogocarto_answer_gives_records_rejections_or_a_french_refusal(
    tmp_path: Path, value: object
) -> None:
    path = tmp_path / "g.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    try:
        _records(gogocarto, SourceConfig(name="g", format="gogocarto", path=path))
    except SourceFileError as err:
        assert str(err)


@FUZZ
@given(st.one_of(JSON, st.fixed_dictionaries({"items": st.lists(OPERATOR | JSON, max_size=4)})))
def test_any_agencebio_answer_gives_records_rejections_or_a_french_refusal(
    tmp_path: Path, value: object
) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    try:
        _records(agencebio, SourceConfig(name="b", format="agencebio", path=path))
    except SourceFileError as err:
        assert str(err)
