"""`chancery collection ...` as an archivist runs it: the tree with its counts, a new
collection under a parent, a title and a move (never into itself; the old address answers
301 and search follows), siblings moved up, documents put in order, each change audited
under the account acting, and every refusal said."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from chancery.bootstrap import build_app
from chancery.config import load_settings
from tests.e2e.test_cli_authorities import EDITOR, data, found_by, run, web

__all__ = ["data", "web"]  # the fixtures, shared with the authority commands' tests


def tree(data: Path) -> list[tuple[str, int, int, int]]:
    """(key, depth, documents in it, with those below) in the tree's order."""
    code, out = run(data, "collection", "list", "--json")
    assert code == 0, out
    return [(c["key"], c["depth"], c["documents"], c["in_all"]) for c in json.loads(out)]


def members(data: Path, key: str) -> list[str]:
    """The documents of a collection in their order, as the workspace lists them."""
    built = build_app(load_settings(data=str(data), database_url=""))
    try:
        found = built.collections.detail(key)
        assert found is not None
        return [m[0] for m in found.members]
    finally:
        built.catalogue.dispose()


def audit(data: Path) -> list[tuple[str, str, str]]:
    code, out = run(data, "audit", "--json")
    assert code == 0, out
    return [(e["actor"], e["action"], e["subject"]) for e in json.loads(out)
            if e["action"].startswith("collection-")]


def test_list_shows_the_tree_with_its_counts(data: Path) -> None:
    assert tree(data) == [("planning", 0, 0, 2), ("planning/1947", 1, 2, 2), ("memos", 0, 2, 2)]
    code, out = run(data, "collection", "list")
    assert code == 0 and "  planning/1947  Papers of 1947  (2)" in out
    assert "planning  Planning papers  (0, 2 with those below)" in out


def test_add_puts_a_collection_under_its_parent_with_the_key_given(data: Path) -> None:
    code, out = run(data, "collection", "add", "box-3", "Box 3", "--parent", "planning",
                    "--description", "Telegrams, 1961")
    assert code == 0 and "planning/box-3: made." in out, out
    assert run(data, "collection", "add", "memos/drafts", "Drafts")[0] == 0  # parent by key
    assert [(k, d) for k, d, _, _ in tree(data)] == [
        ("planning", 0), ("planning/1947", 1), ("planning/box-3", 1), ("memos", 0),
        ("memos/drafts", 1)]
    assert audit(data) == [(EDITOR, "collection-create", "planning/box-3"),
                           (EDITOR, "collection-create", "memos/drafts")]
    for args, said in ((["memos", "Again"], "memos is the key of another collection"),
                       (["bad key!", "Bad"], "A key is letters, digits"),
                       (["box-4", "Box 4", "--parent", "nowhere"], "No collection has the key "
                                                                     "nowhere"),
                       (["box-5", ""], "Give a title")):
        code, out = run(data, "collection", "add", *args)
        assert code == 1 and said in out, (args, out)
    assert len(tree(data)) == 5


def test_edit_refuses_a_cycle_then_moves_and_the_old_address_leads_on(
        data: Path, web: TestClient) -> None:
    code, out = run(data, "collection", "edit", "planning", "--parent", "planning/1947")
    assert code == 1 and "cannot go inside itself" in out
    code, out = run(data, "collection", "edit", "planning", "--title", "Planning, 1947-49",
                    "--parent", "memos")
    assert code == 0 and "its key is now memos/planning" in out, out
    assert ("memos/planning/1947", 2, 2, 2) in tree(data)
    old = web.get("/collections/planning/1947")
    assert old.status_code == 301 and old.headers["location"] == "/collections/memos/planning/1947"
    # the index caught up: the collection facet finds the documents under the new key
    assert found_by(data, "containment", "collection:memos/planning/1947") == ["kdoc1", "kdoc2"]
    code, out = run(data, "collection", "edit", "memos/planning", "--description", "PPS papers")
    assert code == 0 and "memos/planning: saved." in out
    assert audit(data) == [(EDITOR, "collection-edit", "planning"),
                           (EDITOR, "collection-edit", "memos/planning")]


def test_move_and_order_change_the_order_of_collections_and_documents(
        data: Path, web: TestClient) -> None:
    assert run(data, "collection", "move", "memos", "up")[0] == 0
    assert [k for k, d, _, _ in tree(data) if d == 0] == ["memos", "planning"]
    code, out = run(data, "collection", "order", "planning/1947", "kdoc2", "kdoc1")
    assert code == 0 and "2 documents first, in the order given" in out, out
    assert members(data, "planning/1947") == ["kdoc2", "kdoc1"]
    page = web.get("/collections").text  # the public list of collections follows their order
    assert page.index("Memoranda") < page.index("Planning papers")
    code, out = run(data, "collection", "order", "planning/1947", "kdoc4")
    assert code == 1 and "Not in this collection: kdoc4" in out
    assert audit(data) == [(EDITOR, "collection-order", "memos"),
                           (EDITOR, "collection-document-order", "planning/1947")]


def test_unknown_collections_and_missing_changes_are_refused(data: Path) -> None:
    for args in (["edit", "nowhere", "--title", "X"], ["move", "nowhere", "down"],
                 ["order", "nowhere", "kdoc1"]):
        code, out = run(data, "collection", *args)
        assert code == 1 and "No collection nowhere" in out, (args, out)
    assert run(data, "collection", "edit", "memos")[0] == 2
    assert run(data, "collection", "move", "memos", "sideways")[0] == 2
    assert audit(data) == []
