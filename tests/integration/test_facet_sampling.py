"""Facets with many values estimated from a fixed sample of a broad result (issue #13), on a
FRUS volume with the threshold forced down: the estimates are what the sample of the reader's
own result holds, scaled; they are marked on the page, in the API and in the CLI; the
reader's choice is counted exactly; exact=1 gives the unsampled counts; and at the product's
threshold a small archive's counts are exact, unmarked."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.domain.publication import Actor
from chancery.render import print_search
from chancery.search.facet_aggregate import ALL_VALUES, aggregate
from chancery.search.facet_counts import Invert
from chancery.search.facet_sampling import SAMPLED_FACETS, Sampling, two_figures
from chancery.search.grammar import MatchAll
from chancery.search.interface import Bucket, SearchRequest
from chancery.search.tantivy_index import TantivyIndex
from chancery.search.tantivy_schema import sample_bucket
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from tests.integration.test_facet_counts import _bundle

FORCED = Sampling(above=10, one_in=2)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """FRUS vol. XIX and the reference pair, one of them embargoed."""
    root = tmp_path_factory.mktemp("sampled")
    app = build_app(load_settings(data=str(root / "data"), database_url="", api_rate_limit="0",
                                  search_rate_limit="0"))
    reference = _bundle(root / "reference",
                        {"000.yaml": {"state": "published", "embargo_until": "2999-01-01"}})
    assert not import_paths([DEMO_DIR / "frus1958-60v19.xml", reference],
                            app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    yield app
    app.catalogue.dispose()


@pytest.fixture
def forced(archive: App) -> Iterator[App]:
    """The archive with facets estimated over any result of more than 10 documents."""
    index = archive.index
    assert isinstance(index, TantivyIndex)
    index.sampling = FORCED
    yield archive
    index.sampling = Sampling()


def _counts(buckets: list[Bucket]) -> dict[str, int]:
    return {b.value: b.count for b in buckets}


def _unsampled(app: App, text: str, **kw: object) -> dict[str, list[Bucket]]:
    index = app.index
    assert isinstance(index, TantivyIndex)
    index.sampling, before = None, index.sampling
    try:
        return app.search.documents(text, **kw).results.facets  # type: ignore[arg-type]
    finally:
        index.sampling = before


@contextmanager
def _inverting(app: App, invert: Invert) -> Iterator[None]:
    index = app.index
    assert isinstance(index, TantivyIndex)
    index.invert_broad = invert
    try:
        yield
    finally:
        index.invert_broad = "when-ready"


def test_small_archives_are_counted_exactly_at_the_products_threshold(archive: App) -> None:
    """~460 documents are far below 200,000: nothing is estimated, nothing marked."""
    page = archive.search.documents("")
    assert page.results.estimated == []
    assert not any(b.approximate for buckets in page.results.facets.values() for b in buckets)
    assert page.results.facets == _unsampled(archive, "")


def _in_sample(app: App, text: str, facet: str, value: str, actor: Actor) -> set[str]:
    """The documents of a search with the value that fall in the sample (by their ids)."""
    found = app.search.select(text, filters={facet: (value,)}, actor=actor)
    return {pid for chunk in found.chunks for pid in chunk if sample_bucket(pid) < FORCED.buckets}


@pytest.mark.parametrize("actor", [Actor.PUBLIC, Actor.EDITOR])
@pytest.mark.parametrize("text", ["", "-Quemoy"])
def test_estimates_are_the_readers_own_sample_scaled(forced: App, actor: Actor, text: str) -> None:
    """Each estimated count is twice the documents of the reader's result (the access rule
    applied) that have the value and fall in the first half of the sample buckets, to two
    figures; the facets with few values and the total stay exact."""
    with _inverting(forced, "never"):
        page = forced.search.documents(text, actor=actor)
    exact = _unsampled(forced, text, actor=actor)
    assert page.results.total > 200
    assert {"author", "recipient", "person", "place"} <= set(page.results.estimated)
    assert set(page.results.estimated) <= set(SAMPLED_FACETS)
    for facet, buckets in page.results.facets.items():
        if facet not in SAMPLED_FACETS:
            assert buckets == exact[facet], facet
            continue
        for b in buckets[:5]:
            sampled = len(_in_sample(forced, text, facet, b.value, actor))
            assert b.approximate and b.count == two_figures(round(sampled * FORCED.scale))


@pytest.mark.parametrize("actor", [Actor.PUBLIC, Actor.EDITOR])
def test_a_result_of_most_documents_is_estimated_by_what_it_leaves_out(forced: App,
                                                                      actor: Actor) -> None:
    """Over more than half the archive the estimate is the exact count over everything the
    reader may see less twice the sampled documents the query leaves out; over everything
    it is the exact count, unmarked."""
    with _inverting(forced, "always"):
        page = forced.search.documents("-Quemoy", actor=actor)
        everything = forced.search.documents("", actor=actor).results
    assert page.results.total * 2 > everything.total
    assert everything.estimated == [] and everything.facets == _unsampled(forced, "", actor=actor)
    assert "person" in page.results.estimated
    for b in page.results.facets["person"][:5]:
        left_out = (_in_sample(forced, "", "person", b.value, actor)
                    - _in_sample(forced, "-Quemoy", "person", b.value, actor))
        whole = forced.search.select("", filters={"person": (b.value,)}, actor=actor).total
        assert b.approximate and b.count == two_figures(whole - round(len(left_out) * FORCED.scale))


def test_the_embargoed_document_is_in_no_public_estimate(forced: App) -> None:
    """The reference note, embargoed, is the only document with Guangzhou and sits in the
    sample: editors' estimates have it, the public's do not."""
    assert sample_bucket("7da35b31") < FORCED.buckets
    public = forced.search.documents("").results.facets["place"]
    editors = forced.search.documents("", actor=Actor.EDITOR).results.facets["place"]
    assert "place/guangzhou" in _counts(editors)
    assert "place/guangzhou" not in _counts(public)


def test_a_selected_value_is_counted_exactly_and_always_shown(forced: App) -> None:
    """A person in one document, chosen: shown, selected, with the exact count, while the
    other people of the same facet are estimated."""
    index = forced.index
    assert isinstance(index, TantivyIndex)
    everything = index.compiler.compile(SearchRequest(MatchAll(), Actor.PUBLIC, date.today()))
    people = aggregate(index.snapshot().searcher, everything, ["person"], ALL_VALUES)[0]["person"]
    rare = next(v for v, n in sorted(people.items()) if n == 1 and  # outside the sample
                sample_bucket(next(forced.search.select("", filters={"person": (v,)}).chunks)[0])
                >= FORCED.buckets)
    with _inverting(forced, "never"):  # everything is counted exactly from the kept counts
        facets = forced.search.documents("", filters={"person": (rare,)}).results.facets
    chosen = [b for b in facets["person"] if b.value == rare]
    assert chosen == [Bucket(rare, 1, chosen[0].label, selected=True, approximate=False)]
    assert any(b.approximate for b in facets["person"])


def test_the_page_the_api_and_the_cli_mark_estimates_and_offer_exact_counts(forced: App) -> None:
    with _inverting(forced, "never"):
        _channels(forced)


def _channels(forced: App) -> None:
    client = TestClient(create_app(forced))
    exact = {f: _counts(b) for f, b in _unsampled(forced, "").items()}
    html = client.get("/search", params={"q": ""}).text
    assert "≈" in html and "exact counts" in html and "exact=1" in html
    html = client.get("/search", params={"q": "", "exact": "1"}).text
    assert "≈" not in html and "exact counts" not in html
    api = client.get("/api/v1/search").json()
    assert api["approximate"]["person"] is True and api["approximate"]["type"] is False
    assert all(b["approximate"] for b in api["facets"]["person"])
    assert api["total"] == client.get("/api/v1/search", params={"exact": "true"}).json()["total"]
    full = client.get("/api/v1/search", params={"exact": "true"}).json()
    assert not any(full["approximate"].values())
    assert {f: {b["value"]: b["count"] for b in v} for f, v in full["facets"].items()} == exact
    out = io.StringIO()
    print_search(Console(file=out, width=200), forced.search.documents(""))
    assert "(≈ " in out.getvalue() and "--exact" in out.getvalue()
    out = io.StringIO()
    print_search(Console(file=out, width=200), forced.search.documents("", exact=True))
    assert "≈" not in out.getvalue()
