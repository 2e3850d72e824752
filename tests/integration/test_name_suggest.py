"""Names suggested as a reader types, on the 9 core FRUS volumes: any spelling of a record
(its variants, the generated ones too), the start of any word, case and accents aside, the
best known first; the same through the page's route and the API."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from chancery.bootstrap import App
from chancery.domain.readers import Reader
from chancery.domain.workflow import Acting, Step
from chancery.services.imports import import_paths
from chancery.services.search import refresh_index
from chancery.web.server import create_app
from tests.conftest import CORPUS

pytestmark = pytest.mark.corpus

CORE = CORPUS / "frus" / "core"


@pytest.fixture(scope="module")
def core(core_archive: App) -> App:
    """The core volumes, imported once for the session (tests/integration/conftest.py)."""
    return core_archive


def _names(app: App, typed: str) -> list[tuple[str, str]]:
    return [(s.name, s.matched) for s in app.name_suggester.suggest(typed, Reader.public())]


def test_a_modern_spelling_offers_the_record_the_archive_prints(core: App) -> None:
    """'Zhou En' offers Chou En-lai; 'Moskau' offers Moscow by its German name; 'Хрущ'
    offers Khrushchev by his Cyrillic name, which no FRUS text prints."""
    assert _names(core, "Zhou En")[0][0].startswith("Chou En-lai")
    assert _names(core, "moskau")[0] == ("Moscow", "Moskau")
    name, matched = _names(core, "Хрущ")[0]
    assert name.startswith("Khrushchev") and matched.startswith("Хрущ")


def test_any_word_case_and_accents_aside(core: App) -> None:
    """The start of a later word finds the record, whatever the case or accents typed."""
    assert any(n.startswith("Chou En-lai") for n, _ in _names(core, "LAI"))
    assert _names(core, "Zhōu én") == _names(core, "zhou en")
    assert _names(core, "k") == []  # one letter: nothing yet


def test_best_known_first(core: App) -> None:
    """Records come in the order of how many documents name them: Khrushchev, named in a
    thousand documents, before anyone else whose name has a word starting 'kh'."""
    found = core.name_suggester.suggest("kh", Reader.public(), 10)
    counts = [s.documents for s in found]
    assert counts == sorted(counts, reverse=True) and len(found) > 1
    assert found[0].name.startswith("Khrushchev") and found[0].documents > 1000


def test_the_routes_give_the_same_names(core: App) -> None:
    """/suggest (the page's script) and /api/v1/names/suggest answer the same names, each
    with a search that finds the record's documents."""
    site = TestClient(create_app(core))
    page = site.get("/suggest", params={"q": "Zhou En"}).json()["names"]
    api = site.get("/api/v1/names/suggest", params={"q": "Zhou En"}).json()["names"]
    assert [n["key"] for n in page] == [n["key"] for n in api] != []
    assert page[0]["url"].startswith("/people/")
    found = core.search.documents(page[0]["query"], facets=False)
    assert found.results.total >= page[0]["documents"] // 2
    assert 'src="/static/names.js"' in site.get("/").text
    assert site.get("/static/names.js").status_code == 200


def test_a_withdrawal_hides_the_name_at_once(app: App, reference_bundle: Path) -> None:
    """The names read before a change keep answering while they are read again, but a
    record only withdrawn documents name is not offered even then (each name offered is
    checked against the catalogue until the names are current again)."""
    assert not import_paths([reference_bundle], app.import_context()).failed
    refresh_index(app.catalogue, app.index)
    reader = Reader.public()
    found = app.name_suggester.suggest("khrush", reader)
    assert found and found[0].name.startswith("Khrushchev, Nikita")
    naming = {h.public_id for h in app.search.documents(found[0].query).results.hits}
    app.publishing.take_step(sorted(naming), Step.WITHDRAW, Acting("op"))
    assert app.name_suggester.suggest("khrush", reader) == []  # the names read before
    for _ in range(100):  # until the names are read again
        if app.name_suggester._names(reader)[1]:
            break
        time.sleep(0.05)
    assert app.name_suggester.suggest("khrush", reader) == []
    assert app.name_suggester.suggest("khrush", Reader.editor())[0].key == found[0].key
