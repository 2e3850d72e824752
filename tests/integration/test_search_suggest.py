"""What a search that finds nothing suggests, on the 9 core FRUS volumes: the words as the
archive spells them, the query without its rarest word, the query without its filters; each
counted, never an OR of every word; the same through the service, the web page, the API and
the CLI."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from chancery.bootstrap import App
from chancery.cli import app as cli
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.services.search_suggest import FEWER_WORDS, SPELLING, UNFILTERED, replaced
from chancery.web.server import create_app
from tests.conftest import CORPUS

pytestmark = pytest.mark.corpus

CORE = CORPUS / "frus" / "core"


@pytest.fixture(scope="module")
def core(core_archive: App) -> App:
    """The core volumes, imported once for the session (tests/integration/conftest.py)."""
    return core_archive


def _suggested(app: App, query: str, **options: object) -> list[tuple[str, int, str]]:
    page = app.search.documents(query, facets=False, **options)  # type: ignore[arg-type]
    assert page.results.total == 0, f"{query!r} finds {page.results.total}: nothing to suggest"
    return [(s.query, s.total, s.reason) for s in page.suggestions]


def _total(app: App, query: str, **options: object) -> int:
    return app.search.documents(query, facets=False, **options).results.total  # type: ignore[arg-type]


def test_misspelt_words_are_offered_as_the_archive_spells_them(core: App) -> None:
    """'Khrushchec Berlni' (two typing slips) finds nothing; the first suggestion is
    'Khrushchev Berlin' with what that search finds."""
    first = _suggested(core, "Khrushchec Berlni")[0]
    assert first[0] == "Khrushchev Berlin" and first[2] == SPELLING
    assert first[1] == _total(core, "Khrushchev Berlin") > 0


def test_a_name_only_an_authority_record_spells_so_is_a_known_spelling(core: App) -> None:
    """'Chruschtschov' is one letter from the German spelling of Khrushchev that only his
    authority record holds (no FRUS text prints it), cased as the reader typed it."""
    today = Reader.public().today
    assert core.index.spellings("Chruschtschov", Actor.PUBLIC, today)[0][0] == "Chruschtschow"
    assert core.index.spellings("chruschtschov", Actor.PUBLIC, today)[0][0] == "chruschtschow"
    assert _total(core, '"Chruschtschow"') > 0


def test_a_common_word_is_not_corrected(core: App) -> None:
    """A word the archive holds often has no likelier spelling to offer."""
    assert core.index.spellings("Berlin", Actor.PUBLIC, Reader.public().today) == []


def test_one_nonsense_word_is_dropped_never_or_of_all_words(core: App) -> None:
    """With a word no document holds nor resembles, the query without it is offered, and no
    suggestion is an OR of the words."""
    found = _suggested(core, "Khrushchev xqzzyvk")
    assert found == [("Khrushchev", _total(core, "Khrushchev"), FEWER_WORDS)]
    assert not any(" OR " in q for q, _, _ in _suggested(core, "Kennedy Berlni"))


def test_filters_that_caused_the_nothing_are_dropped(core: App) -> None:
    """Laos among laws finds nothing: the query without the filters is offered, the
    suggestions that keep the filters only when they find something."""
    found = _suggested(core, "Laos", filters={"type": ("law",)})
    assert found == [("Laos", _total(core, "Laos"), UNFILTERED)]


def test_every_suggestion_finds_what_it_says(core: App) -> None:
    """Each suggestion's count is what searching it finds (with the filters it keeps)."""
    for query in ("Kennedy Berlni", "Quemoy Formossa", "Grmyko Berlin"):
        for q, n, _ in _suggested(core, query):
            assert n == _total(core, q) > 0, (query, q)


def test_a_word_is_replaced_whole(core: App) -> None:
    """Replacing a word leaves other words holding it, fields and quoted phrases alone."""
    assert replaced('author:Berl "Berl x" Berlin Berl', "Berl", "Bern") == \
        'author:Berl "Berl x" Berlin Bern'
    assert replaced("Khrushchev xqzzyvk  Berlin", "xqzzyvk", "") == "Khrushchev Berlin"


def test_the_page_the_api_and_the_cli_show_them(core: App) -> None:
    """The search page offers 'Did you mean' with a link, the API the counted queries, the
    CLI the same line."""
    site = TestClient(create_app(core))
    page = site.get("/search", params={"q": "Khrushchec Berlni"}).text
    assert "Did you mean: <a href=\"/search?q=Khrushchev+Berlin\">Khrushchev Berlin</a>" in page
    filtered = site.get("/search", params={"q": "Laos", "f": "type:law"}).text
    assert '<a href="/search?q=Laos">Laos (without the filters)</a>' in filtered
    api = site.get("/api/v1/search", params={"q": "Khrushchec Berlni"}).json()
    assert api["suggestions"][0] == "Khrushchev Berlin"
    assert api["suggested"][0] == {"query": "Khrushchev Berlin", "reason": SPELLING,
                                   "total": _total(core, "Khrushchev Berlin"),
                                   "filters_kept": True}
    out = CliRunner().invoke(cli, ["--data", str(core.settings.data), "search",
                                   "Khrushchec Berlni", "--json"]).output
    assert json.loads(out)["suggestions"][0]["query"] == "Khrushchev Berlin"
    shown = CliRunner().invoke(cli, ["--data", str(core.settings.data), "search",
                                     "Khrushchec Berlni"], env={"COLUMNS": "200"}).output
    assert "Did you mean: Khrushchev Berlin" in shown
