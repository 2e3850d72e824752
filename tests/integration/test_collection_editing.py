"""The collection editor on both catalogues: creating a collection, a move that would put a
collection inside itself refused, a move that re-keys the collection and those below it (the
old keys lead on, the search index follows), and the order of siblings and of documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from chancery.bootstrap import App
from chancery.domain.accounts import Role
from chancery.domain.publication import Actor
from chancery.domain.workflow import Acting
from chancery.services import search
from chancery.services.authority_editing import Invalid
from tests.authority_archive import import_archive

EDITOR = Acting("ed@example.org", Role.EDITOR)


def _in(app: App, key: str) -> list[str]:
    found = app.search.documents("", filters={"collection": (key,)}, actor=Actor.PUBLIC)
    return sorted(h.public_id for h in found.results.hits)


def test_a_collection_cannot_go_inside_itself(app: App, tmp_path: Path) -> None:
    import_archive(app, tmp_path / "b")
    for parent in ("planning", "planning/1947"):
        with pytest.raises(Invalid) as refused:
            app.collections.save("planning", {"title": "Planning papers", "parent": parent},
                                 EDITOR)
        assert "cannot go inside itself" in refused.value.errors["parent"]
    with pytest.raises(Invalid) as unknown:
        app.collections.save("planning", {"title": " ", "parent": "nowhere"}, EDITOR)
    assert set(unknown.value.errors) == {"title", "parent"}


def test_a_move_rekeys_the_subtree_and_the_index_follows(app: App, tmp_path: Path) -> None:
    import_archive(app, tmp_path / "b")
    assert _in(app, "planning") == ["kdoc1", "kdoc2"]
    before = app.catalogue.changes()
    key = app.collections.save("planning", {"title": "Policy planning", "parent": "memos"},
                               EDITOR)
    assert key == "memos/planning"
    assert sorted(app.catalogue.changed_since(before)) == ["kdoc1", "kdoc2"]
    detail = app.collections.detail("memos/planning/1947")
    assert detail is not None and detail.collection.parent_key == "memos/planning"
    assert app.collections.moved_to("planning/1947") == "memos/planning/1947"
    search.refresh_index(app.catalogue, app.index)
    assert _in(app, "planning") == []
    assert _in(app, "memos") == ["kdoc1", "kdoc2", "kdoc3", "kdoc4"]
    entry = app.accounts.audit()[-1]
    assert (entry.action, entry.subject, entry.detail["key_now"]) == (
        "collection-edit", "planning", "memos/planning")
    back = app.collections.save("memos/planning", {"title": "Planning", "parent": ""}, EDITOR)
    assert back == "planning" and app.collections.detail("planning/1947") is not None


def test_created_collections_and_documents_keep_the_order_given(app: App, tmp_path: Path) -> None:
    import_archive(app, tmp_path / "b")
    made = app.collections.create({"title": "Drafts of 1948", "parent": "planning"}, EDITOR)
    assert made == "planning/drafts-of-1948"
    assert [c.key for _, c in app.collections.tree()] == [  # the bundle's order, then the new
        "planning", "planning/1947", "planning/drafts-of-1948", "memos"]
    app.collections.move("planning/drafts-of-1948", True, EDITOR)
    assert [c.key for d, c in app.collections.tree() if d == 1] == [
        "planning/drafts-of-1948", "planning/1947"]
    before = app.catalogue.changes()
    app.collections.move_member("planning/1947", "kdoc2", True, EDITOR)
    detail = app.collections.detail("planning/1947")
    assert detail is not None and [m[0] for m in detail.members] == ["kdoc2", "kdoc1"]
    # both came at position 0 (the bundle gives none): only the one that moved is written
    assert app.catalogue.changed_since(before) == ["kdoc1"]
    assert app.accounts.audit()[-1].action == "collection-document-order"


def test_counts_keys_given_and_a_whole_order_on_both_catalogues(app: App, tmp_path: Path) -> None:
    """What `chancery collection` adds: counts per collection (and with those below), a key
    chosen for a new collection, and the documents' order given at once."""
    import_archive(app, tmp_path / "b")
    assert [(c.collection.key, c.documents, c.in_all) for c in app.collections.counted_tree()] == [
        ("planning", 0, 2), ("planning/1947", 2, 2), ("memos", 2, 2)]
    assert app.collections.create({"key": "box-3", "title": "Box 3", "parent": "planning"},
                                  EDITOR) == "planning/box-3"
    app.collections.order_members("planning/1947", ["kdoc2"], EDITOR)
    found = app.collections.detail("planning/1947")
    assert found is not None and [m[0] for m in found.members] == ["kdoc2", "kdoc1"]
