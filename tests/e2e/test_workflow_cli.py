"""The editorial commands as an archivist runs them, and what readers see after each: the
page, the API, search and OAI-PMH follow a publication, a withdrawal and an embargo at once."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chancery.bootstrap import App, build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.domain import clock  # the one clock every reader and service reads
from chancery.web.server import create_app
from tests.editorial import DOCS, WORD, write_bundle

runner = CliRunner()
OAI = "oai:chancery.archive:"
PASSWORD = "a long enough passphrase"
ACCOUNTS = {"editor@example.org": "editor", "reviewer@example.org": "reviewer",
            "rev@example.org": "reviewer", "admin@example.org": "admin"}


def _run(data: Path, *args: str, user: str = "") -> tuple[int, str]:
    env = {"COLUMNS": "200", "CHANCERY_USER": user}
    result = runner.invoke(cli, ["--data", str(data), *args], env=env)
    return result.exit_code, result.output


def _archive(tmp_path: Path, state: str) -> Path:
    """The okapi bundle imported, and the accounts the tests act as."""
    data = tmp_path / "data"
    code, out = _run(data, "import", "--no-progress", str(write_bundle(tmp_path / "b", state)))
    assert code == 0, out
    for email, role in ACCOUNTS.items():
        added = runner.invoke(cli, ["--data", str(data), "user", "add", email, "--role", role],
                              input=PASSWORD + "\n")
        assert added.exit_code == 0, added.output
    return data


Site = Callable[[Path], tuple[App, TestClient]]


@pytest.fixture
def site() -> Iterator[Site]:
    """Opens the reading room over the archive the commands change (after the import)."""
    built: list[App] = []

    def open_site(data: Path) -> tuple[App, TestClient]:
        built.append(build_app(load_settings(data=str(data), database_url="")))
        return built[-1], TestClient(create_app(built[-1]), follow_redirects=True)
    yield open_site
    for a in built:
        a.catalogue.dispose()


def _public_search(data: Path) -> list[str]:
    code, out = _run(data, "search", WORD, "--public", "--json")
    assert code == 0, out
    return sorted(h["public_id"] for h in json.loads(out)["hits"])


def _oai_status(web: TestClient, public_id: str) -> str | None:
    body = web.get("/oai", params={"verb": "GetRecord", "identifier": OAI + public_id,
                                   "metadataPrefix": "oai_dc"}).text
    if "idDoesNotExist" in body:
        return "unknown"
    return "deleted" if 'status="deleted"' in body else "present"


def test_publish_then_withdraw_shows_then_tombstones_on_every_channel(
        tmp_path: Path, site: Site) -> None:
    data = _archive(tmp_path, "draft")
    _, web = site(data)
    doc = DOCS[0]
    assert web.get(f"/documents/{doc}").status_code == 404
    assert _run(data, "submit", doc, "--comment", "ready")[0] == 0
    code, out = _run(data, "publish", doc, user="reviewer@example.org")
    assert code == 0 and "1 published, 0 refused." in out, out
    page = web.get(f"/documents/{doc}")
    assert page.status_code == 200 and "Telegram 1 on the okapi question" in page.text
    assert web.get(f"/api/v1/documents/{doc}").json()["title"] == "Telegram 1 on the okapi question"
    assert [h["public_id"] for h in web.get("/api/v1/search", params={"q": WORD}).json()["hits"]] \
        == [doc]
    assert _public_search(data) == [doc]
    assert _oai_status(web, doc) == "present"
    code, out = _run(data, "withdraw", doc, "-m", "rights holder objected")
    assert code == 0 and "1 withdrawn, 0 refused." in out, out
    gone = web.get(f"/documents/{doc}")
    assert gone.status_code == 410 and "Telegram 1 on the okapi question" in gone.text
    assert _oai_status(web, doc) == "deleted"
    assert _public_search(data) == []
    assert web.get(f"/api/v1/documents/{doc}").status_code in (404, 410)


def test_an_embargo_until_tomorrow_lifts_itself_when_the_clock_says_tomorrow(
        tmp_path: Path, site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hidden on every channel today; public tomorrow without anyone re-indexing."""
    data = _archive(tmp_path, "published")
    archive, web = site(data)
    doc = DOCS[0]
    tomorrow = clock.today() + timedelta(days=1)
    code, out = _run(data, "embargo", doc, "--until", tomorrow.isoformat())
    assert code == 0 and f"1 embargoed until {tomorrow.isoformat()}, 0 refused." in out, out
    assert web.get(f"/documents/{doc}").status_code == 404
    assert _public_search(data) == DOCS[1:]
    assert _oai_status(web, doc) == "unknown"
    written, indexed = archive.catalogue.changes(), archive.index.state()
    monkeypatch.setattr(clock, "utc_now", lambda: datetime.combine(
        tomorrow, datetime.min.time(), UTC) + timedelta(hours=1))
    assert web.get(f"/documents/{doc}").status_code == 200
    assert doc in [h["public_id"] for h in web.get("/api/v1/search", params={"q": WORD}).json()["hits"]]
    assert _public_search(data) == DOCS
    assert _oai_status(web, doc) == "present"
    assert (archive.catalogue.changes(), archive.index.state()) == (written, indexed)


def test_a_search_selects_and_the_summary_says_what_was_refused_and_why(tmp_path: Path) -> None:
    data = _archive(tmp_path, "draft")
    assert _run(data, "submit", DOCS[0])[0] == 0
    code, out = _run(data, "submit", "--query", WORD, "--facet", "type:telegram")
    assert code == 1, out
    assert "2 submitted for review, 1 refused." in out
    assert f"{DOCS[0]}: it is already in-review" in out
    code, out = _run(data, "publish", "--query", WORD)
    assert code == 1 and "0 published, 3 refused." in out and "four eyes" in out, out
    code, out = _run(data, "publish", "--query", WORD, "--as", "reviewer@example.org")
    assert code == 0 and "3 published, 0 refused." in out, out
    assert _public_search(data) == DOCS


def test_bad_input_gets_a_clear_message_not_a_traceback(tmp_path: Path) -> None:
    data = _archive(tmp_path, "draft")
    for args, message in [
        (("submit",), "by id or by --query"),
        (("submit", DOCS[0], "--query", WORD), "by id or by --query"),
        (("embargo", DOCS[0]), "either --until"),
        (("embargo", DOCS[0], "--until", "next week"), "is not a date"),
        (("submit", "--query", 'title:"'), "Cannot read the query"),
        (("history", "nope"), "No document"),
        (("revert", DOCS[0], "--to", "7"), "there is no revision 7"),
        (("request-changes", DOCS[0]), "it is already draft"),
        (("publish", DOCS[0]), "it is draft; publish takes a document that is in-review"),
    ]:
        code, out = _run(data, *args)
        assert code in (1, 2) and message in out, (args, out)


def test_history_shows_each_step_and_revert_writes_a_new_revision(tmp_path: Path) -> None:
    data = _archive(tmp_path, "draft")
    _run(data, "submit", DOCS[0], "-m", "ready", user="editor@example.org")
    _run(data, "request-changes", DOCS[0], "-m", "the date is the draft's", user="rev@example.org")
    code, out = _run(data, "import", "--no-progress",
                     str(write_bundle(tmp_path / "b", "draft", title_of_first="Telegram on giraffes")))
    assert code == 0, out
    code, out = _run(data, "history", DOCS[0], "--json")
    assert code == 0, out
    found = json.loads(out)
    assert found["state"] == "draft"
    steps = [(r["revision"], r["by"], r["step"]) for r in found["revisions"]]
    assert steps == [(1, "import:bundle", None),
                     (2, "editor@example.org", {"from": "draft", "to": "in-review", "comment": "ready"}),
                     (3, "rev@example.org", {"from": "in-review", "to": "draft",
                                              "comment": "the date is the draft's"}),
                     (4, "import:bundle", None)]
    assert found["revisions"][3]["changes"] == {"title": {
        "old": "Telegram 1 on the okapi question", "new": "Telegram on giraffes"}}
    assert found["revisions"][1]["at"].endswith("Z")
    code, out = _run(data, "revert", DOCS[0], "--to", "3", "-m", "keep the old title")
    assert code == 0 and "reverted to revision 3" in out, out
    code, out = _run(data, "history", DOCS[0])
    assert "5  " in out and "local operator" in out and "reverted to revision 3: keep the old title" in out
    assert "title: Telegram on giraffes → Telegram 1 on the okapi question" in out
    assert "publication.state: draft → in-review" in out


def test_as_must_name_an_enabled_account_whose_role_takes_the_step(tmp_path: Path) -> None:
    """--as / CHANCERY_USER: an unknown or disabled account is refused (exit 2); an editor
    may submit but not publish or embargo (exit 1, nothing changed); every step taken is in
    the audit log, the local operator's as "operator"."""
    data = _archive(tmp_path, "draft")
    assert _run(data, "user", "disable", "admin@example.org")[0] == 0
    for who, said in [("nobody@example.org", "no account for 'nobody@example.org'"),
                      ("admin@example.org", "the account admin@example.org is disabled")]:
        code, out = _run(data, "submit", DOCS[0], "--as", who)
        assert code == 2 and said in out, out
    code, out = _run(data, "submit", DOCS[0], user="editor@example.org")
    assert code == 0 and "1 submitted for review" in out, out
    for args in (("publish", DOCS[0]), ("embargo", DOCS[0], "--until", "2999-01-01"),
                 ("request-changes", DOCS[0], "-m", "why")):
        code, out = _run(data, *args, user="editor@example.org")
        assert code == 1 and "Refused, nothing changed: editor@example.org is an editor" in out, out
    code, out = _run(data, "history", DOCS[0], "--json")
    assert json.loads(out)["state"] == "in-review"
    code, out = _run(data, "publish", DOCS[0], user="reviewer@example.org")
    assert code == 0, out
    assert _run(data, "withdraw", DOCS[0])[0] == 0  # no --as: the local operator
    archive = build_app(load_settings(data=str(data), database_url=""))
    try:
        steps = [(e.actor, e.action, e.subject) for e in archive.accounts.audit()
                 if e.action in ("submit", "publish", "withdraw", "embargo")]
    finally:
        archive.catalogue.dispose()
    assert steps == [("editor@example.org", "submit", DOCS[0]),
                     ("reviewer@example.org", "publish", DOCS[0]),
                     ("operator", "withdraw", DOCS[0])]
