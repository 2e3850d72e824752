"""`chancery edit`, `approve` and `reject` as an archivist runs them: a published document's
change stays out of every public channel until a reviewer approves it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_workflow_cli import Site, _archive, _run
from tests.e2e.test_workflow_cli import site as site  # the fixture that opens the site
from tests.editorial import DOCS

ZEBRA = "zebra"  # a word only the edits bring


def _public(data: Path, word: str) -> list[str]:
    code, out = _run(data, "search", word, "--public", "--json")
    assert code == 0, out
    return sorted(h["public_id"] for h in json.loads(out)["hits"])


def test_an_edit_of_a_published_document_shows_only_once_approved(tmp_path: Path, site: Site) -> None:
    data = _archive(tmp_path, "published")
    _, web = site(data)
    doc = DOCS[0]
    code, out = _run(data, "edit", doc, "--set", f"title=Telegram on the {ZEBRA} question",
                     "--set", "date=18 July 1960", "--comment", "typo", user="editor@example.org")
    assert code == 0 and "waits for a reviewer" in out and "1 changed, 0 refused." in out, out
    assert _public(data, ZEBRA) == []
    assert ZEBRA not in web.get(f"/documents/{doc}").text
    assert ZEBRA not in web.get(f"/api/v1/documents/{doc}").text
    code, out = _run(data, "approve", doc, user="editor@example.org")
    assert code == 1 and "reviewer" in out, out
    code, out = _run(data, "approve", doc, user="reviewer@example.org")
    assert code == 0 and "1 approved, 0 refused." in out, out
    assert _public(data, ZEBRA) == [doc]
    assert web.get(f"/api/v1/documents/{doc}").json()["title"] == f"Telegram on the {ZEBRA} question"
    code, out = _run(data, "history", doc, "--json")
    last = json.loads(out)["revisions"][-1]
    assert last["by"] == "editor@example.org" and "approved by reviewer@example.org" in last["summary"]
    assert last["changes"]["date"]["new"]["display"] == "18 July 1960"


def test_reject_needs_a_reason_and_keeps_the_published_version(tmp_path: Path) -> None:
    data = _archive(tmp_path, "published")
    doc = DOCS[1]
    assert _run(data, "edit", doc, "--set", f"summary=The {ZEBRA} affair.")[0] == 0
    assert _run(data, "reject", doc, user="reviewer@example.org")[0] == 2
    code, out = _run(data, "reject", doc, "--comment", "not in the source",
                     user="reviewer@example.org")
    assert code == 0 and "1 rejected" in out, out
    assert _public(data, ZEBRA) == []
    code, out = _run(data, "history", doc, "--json")
    assert json.loads(out)["revisions"][-1]["summary"].endswith("rejected: not in the source")


def test_a_draft_changes_at_once_and_bad_values_are_named(tmp_path: Path) -> None:
    data = _archive(tmp_path, "draft")
    code, out = _run(data, "edit", DOCS[0], DOCS[1], "--set", "type=haiku", "--set",
                     "date=1960-02-30")
    assert code == 1 and "type: not a document type" in out and "date: not a date" in out, out
    assert "0 changed, 2 refused." in out
    code, out = _run(data, "edit", "--query", "telegram 2", "--set", "reference_code=RG 59",
                     "--set", "classification=SECRET")
    assert code == 0 and f"{DOCS[1]}: changed" in out, out
    code, out = _run(data, "show", DOCS[1], "--json")
    shown = json.loads(out)
    assert shown["provenance"]["reference_code"] == "RG 59"
    assert shown["classification"]["level"] == "secret"
    assert _run(data, "edit", DOCS[0], "--set", "nonsense")[0] == 2
