"""The authority editor over HTTP, as an editor uses it without script: a refused save
answers 400 with the message beside its field and what was typed kept; a save, a merge and a
split answer 303 back to a record that shows them, and the public side follows."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App
from tests.authority_archive import FROST, KENNAN, VARIANT, built_archive
from tests.e2e.test_workspace_access import _account, _client, _csrf, _log_in


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    app = built_archive(tmp_path_factory.mktemp("ws-authorities"))
    yield app
    app.catalogue.dispose()


@pytest.fixture
def editor(archive: App) -> tuple[TestClient, str]:
    client = _client(archive)
    _log_in(client, _account(archive))
    return client, _csrf(client.get(f"/workspace/authorities/{KENNAN}").text)


def test_records_are_found_by_any_spelling(archive: App, editor: tuple[TestClient, str]) -> None:
    client, _ = editor
    page = client.get("/workspace/authorities?q=zarn&kind=person")
    assert page.status_code == 200 and f'href="/workspace/authorities/{KENNAN}"' in page.text


def test_a_refused_save_keeps_what_was_typed_with_the_message_beside_it(
        editor: tuple[TestClient, str]) -> None:
    client, csrf = editor
    answer = client.post(f"/workspace/authorities/{KENNAN}", data={
        "csrf": csrf, "name": "Kennan, G. F. (typed)", "description": "Ambassador",
        "wikidata": "Q-nope", "viaf": "", "gnd": "", "lc": ""})
    assert answer.status_code == 400
    assert 'value="Kennan, G. F. (typed)"' in answer.text and ">Ambassador</textarea>" in answer.text
    error = re.search(r'<input id="wikidata"[^>]*aria-describedby="wikidata-error"[^>]*> '
                      r'<span class="field-error" id="wikidata-error"[^>]*>([^<]+)', answer.text)
    assert error and "Wikidata identifiers look like Q1000" in error.group(1)


def test_save_merge_and_split_through_the_forms(archive: App, editor: tuple[TestClient, str]) -> None:
    client, csrf = editor
    saved = client.post(f"/workspace/authorities/{FROST}", data={
        "csrf": csrf, "name": "Kennan, George Frost", "viaf": "https://viaf.org/viaf/46764061"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("?done=saved")
    merged = client.post(f"/workspace/authorities/{KENNAN}/merge", data={"csrf": csrf,
                                                                         "other": FROST})
    assert merged.status_code == 303
    page = client.get(merged.headers["location"]).text
    assert "Merged:" in page and 'value="46764061"' in page and "kdoc3" in page
    assert client.get(f"/workspace/authorities/{FROST}").headers["location"] == (
        f"/workspace/authorities/{KENNAN}")
    public = TestClient(client.app, follow_redirects=False)
    assert public.get("/people/kennan-george-frost").status_code == 301
    split = client.post(f"/workspace/authorities/{KENNAN}/split", data={
        "csrf": csrf, "new_name": "Zarnicki, Jan", "names": [VARIANT], "documents": ["kdoc1", "kdoc3"]})
    assert split.status_code == 303 and split.headers["location"].startswith(
        "/workspace/authorities/person/zarnicki-jan?done=split")
    new = client.get(split.headers["location"]).text
    assert "kdoc1" in new and "kdoc3" in new and "kdoc2" not in new
    removed = client.post("/workspace/authorities/person/zarnicki-jan/names/remove",
                          data={"csrf": csrf, "name": VARIANT})
    assert removed.status_code == 303
    actions = [e.action for e in archive.accounts.audit() if e.action.startswith("authority-")]
    assert actions[-4:] == ["authority-edit", "authority-merge", "authority-split",
                            "authority-name-remove"]


def test_an_unknown_record_is_404(editor: tuple[TestClient, str]) -> None:
    client, csrf = editor
    assert client.get("/workspace/authorities/person/nobody-here").status_code == 404
    assert client.post("/workspace/authorities/person/nobody-here",
                       data={"csrf": csrf, "name": "x"}).status_code == 404
