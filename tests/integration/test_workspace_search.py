"""The workspace's search: the publication state as a facet and a filter for staff, over
everything they may see; for the public, ``state`` is no field and no facet at all."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from chancery.bootstrap import App
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.search.grammar import QueryError
from tests.leaks.canary import HIDDEN, build_archive

EDITOR = Reader(Actor.EDITOR, date(2026, 12, 1))


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The canary archive: five published documents, a draft, one in review, one withdrawn
    before and one after it was public, one published under an embargo to 2999."""
    app = build_archive(tmp_path_factory.mktemp("wsearch"))
    yield app
    app.catalogue.dispose()


def _states(app: App, q: str = "", reader: Reader = EDITOR,
            **filters: tuple[str, ...]) -> dict[str, int]:
    found = app.search.documents(q, filters=filters, reader=reader)
    return {b.value: b.count for b in found.results.facets["state"]}


def test_the_state_facet_counts_each_document_once(archive: App) -> None:
    """Every document is in one state; a published one under an embargo that has not ended
    counts as embargoed, not published; the counts add up to the total."""
    counts = _states(archive)
    assert counts == {"draft": 1, "in-review": 1, "published": 5, "withdrawn": 2,
                      "embargoed": 1}
    assert sum(counts.values()) == archive.search.documents("", reader=EDITOR).results.total


def test_an_embargo_that_has_ended_counts_as_published(archive: App) -> None:
    """On the embargo's day the document is published in the counts and the filter."""
    later = Reader(Actor.EDITOR, date(2999, 1, 1))
    assert _states(archive, reader=later)["published"] == 6 and "embargoed" not in _states(
        archive, reader=later)
    found = archive.search.documents("state:published", reader=later)
    assert "quokkaembargo" in {h.public_id for h in found.results.hits}


def test_state_in_the_query_and_as_a_facet_narrow_alike(archive: App) -> None:
    """state:draft and f=state:draft find the draft; a facet selection leaves the state
    counts as they were (choosing another adds it), while the query's state narrows them."""
    by_query = archive.search.documents("state:draft", reader=EDITOR)
    by_facet = archive.search.documents("", filters={"state": ("draft",)}, reader=EDITOR)
    for found in (by_query, by_facet):
        assert [h.public_id for h in found.results.hits] == ["quokkadraft"]
    assert by_facet.filters == {"state": ("draft",)}
    assert _states(archive, state=("draft",))["published"] == 5
    assert _states(archive, "state:draft") == {"draft": 1}
    both = archive.search.documents("", filters={"state": ("draft", "in-review")}, reader=EDITOR)
    assert {h.public_id for h in both.results.hits} == {"quokkadraft", "quokkareview"}
    embargoed = archive.search.documents("state:embargoed OR state:withdrawn", reader=EDITOR)
    assert {h.public_id for h in embargoed.results.hits} == {"quokkaembargo", "quokkawithdrawn",
                                                              "former01"}


def test_a_state_that_is_not_one_is_refused_with_the_states(archive: App) -> None:
    """state:secret and f=state:secret: a message listing the states, never a 500."""
    for q, filters in (("state:secret", {}), ("", {"state": ("secret",)})):
        with pytest.raises(QueryError, match="state:in-review"):
            archive.search.documents(q, filters=filters, reader=EDITOR)


def test_for_the_public_state_is_no_field_and_no_facet(archive: App) -> None:
    """A public search for state:draft is refused exactly as one for any unknown field (the
    message lists the public fields, not state:), f=state:… as any unknown facet; the public
    results carry no state facet."""
    public = Reader(Actor.PUBLIC, date(2026, 12, 1))
    messages = []
    for field in ("state", "nonsense"):
        with pytest.raises(QueryError) as refused:
            archive.search.documents(f"{field}:draft", reader=public)
        messages.append(refused.value.message.replace(field, "FIELD"))
    assert messages[0] == messages[1] and "state" not in messages[0]
    with pytest.raises(QueryError, match="unknown facet 'state'"):
        archive.search.documents("", filters={"state": ("draft",)}, reader=public)
    assert "state" not in archive.search.documents("", reader=public).results.facets
    assert set(HIDDEN) & {h.public_id for h in archive.search.documents(
        "Berlin", reader=public).results.hits} == set()


def test_a_whole_result_is_selected_with_its_state(archive: App) -> None:
    """select() (what a whole-result action takes) honours the state filter too."""
    chosen = archive.search.select("", filters={"state": ("in-review",)}, reader=EDITOR)
    assert chosen.total == 1 and [i for c in chosen.chunks for i in c] == ["quokkareview"]

