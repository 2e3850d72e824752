"""The collection editor over HTTP, without script: creating a collection, a move inside
itself refused with the message beside the field and what was typed kept, a move that
answers 303 to the new key (the old public address answers 301 there), and reordering."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App
from tests.authority_archive import built_archive
from tests.e2e.test_workspace_access import _account, _client, _csrf, _log_in


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    app = built_archive(tmp_path_factory.mktemp("ws-collections"))
    yield app
    app.catalogue.dispose()


@pytest.fixture
def editor(archive: App) -> tuple[TestClient, str]:
    client = _client(archive)
    _log_in(client, _account(archive))
    return client, _csrf(client.get("/workspace/collections").text)


def test_a_cycle_is_refused_beside_the_field_with_what_was_typed(
        editor: tuple[TestClient, str]) -> None:
    client, csrf = editor
    answer = client.post("/workspace/collections/planning", data={
        "csrf": csrf, "do": "save", "title": "Planning, retitled", "parent": "planning/1947"})
    assert answer.status_code == 400 and 'value="Planning, retitled"' in answer.text
    assert re.search(r'id="parent-error"[^>]*>A collection cannot go inside itself', answer.text)
    assert '<option value="planning/1947"' not in answer.text  # not offered in the first place


def test_create_move_and_reorder_through_the_forms(archive: App,
                                                   editor: tuple[TestClient, str]) -> None:
    client, csrf = editor
    made = client.post("/workspace/collections", data={"csrf": csrf, "title": "Cables",
                                                       "parent": ""})
    assert made.status_code == 303 and made.headers["location"] == (
        "/workspace/collections/cables?done=created")
    moved = client.post("/workspace/collections/planning", data={
        "csrf": csrf, "do": "save", "title": "Planning papers", "parent": "cables"})
    assert moved.headers["location"] == "/workspace/collections/cables/planning?done=saved"
    public = TestClient(client.app, follow_redirects=False)
    old = public.get("/collections/planning/1947")
    assert old.status_code == 301 and old.headers["location"] == "/collections/cables/planning/1947"
    assert "Paper 1 on containment" in public.get(old.headers["location"]).text
    api = public.get("/api/v1/collections/planning")
    assert api.status_code == 301 and api.headers["location"].endswith(
        "/api/v1/collections/cables/planning")
    key = "cables/planning/1947"
    order = client.post(f"/workspace/collections/{key}", data={"csrf": csrf, "do": "doc-down",
                                                              "document": "kdoc1"})
    assert order.status_code == 303
    page = client.get(f"/workspace/collections/{key}").text
    assert page.index("Paper 2 on containment") < page.index("Paper 1 on containment")
    stray = client.post(f"/workspace/collections/{key}", data={"csrf": csrf, "do": "doc-up",
                                                              "document": "kdoc4"})
    assert stray.status_code == 400 and "not in this collection" in stray.text
