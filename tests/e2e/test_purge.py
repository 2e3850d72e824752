"""`chancery purge` and the workspace's purge form: a purged document is unknown to every
channel (404, never 410; not harvested, not searched, not in feeds or sitemaps), its own
files and what was made from them are gone while a file another document shares stays, the
documents that related to it lose the relation, and the audit log keeps only the id, the
reason and who."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

from chancery.bootstrap import App, build_app
from chancery.citing.styles import PAGE_STYLES
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.services import citing, search
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from chancery.web.views.citations import settle
from tests.e2e.test_workspace_access import _account, _client, _csrf, _log_in

GONE = "wombat01"  # the document purged
KEPT = "keeper01"  # shares a scan with it, and relates to it
TITLE = "Memorandum on the Wombat affair"
WORD = "wombatine"  # only the purged document's text has it
runner = CliRunner()


def _png(width: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, 160), (200, 190, 170)).save(out, format="PNG")
    return out.getvalue()


OWN, SHARED = _png(131), _png(137)
OWN_SHA, SHARED_SHA = (hashlib.sha256(b).hexdigest() for b in (OWN, SHARED))


def _bundle(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "bundle.yaml").write_text(yaml.safe_dump({
        "format": "chancery-bundle", "version": 1,
        "collections": [{"key": "box", "title": "Box"}]}))
    docs = {
        GONE: {"title": TITLE, "media": [{"file": "own.png"}, {"file": "shared.png"}],
               "text": f"The {WORD} report on Canberra."},
        KEPT: {"title": "Telegram on Canberra", "media": [{"file": "shared.png"}],
               "relations": [{"type": "related", "target": GONE}],
               "text": "A telegram on Canberra."},
    }
    for public_id, d in docs.items():
        record = {"public_id": public_id, "title": d["title"], "type": "memorandum",
                  "date": "1961-03-01", "collections": ["box"],
                  "texts": [{"language": "en", "file": f"{public_id}.en.txt"}],
                  "media": d["media"], "relations": d.get("relations", []),
                  "publication": {"state": "published"}}
        (folder / f"{public_id}.yaml").write_text(yaml.safe_dump(record))
        (folder / f"{public_id}.en.txt").write_text(str(d["text"]) + "\n")
    (folder / "own.png").write_bytes(OWN)
    (folder / "shared.png").write_bytes(SHARED)
    return folder


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[App]:
    """Two published documents sharing a scan, indexed."""
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    result = import_paths([_bundle(tmp_path / "bundle")], app.import_context())
    assert not result.failed, result.failed
    search.rebuild_index(app.catalogue, app.index)
    yield app
    settle()
    app.close()


def _derived(app: App, site: TestClient) -> None:
    """Page images, IIIF renderings, citations and downloads made, as a server makes them."""
    for sha in (OWN_SHA, SHARED_SHA):
        assert site.get(f"/scans/{sha}/1-200.png").status_code == 200
        assert site.get(f"/iiif/3/{sha}-1/full/max/0/default.jpg").status_code == 200
    with contextlib.suppress(RuntimeError):  # no pandoc here: nothing kept to remove
        citing.prerender(app.catalogue, app.citer, PAGE_STYLES[:2], [GONE, KEPT])
    assert site.get(f"/documents/{GONE}").status_code == 200
    settle()  # the page's other styles, rendered in the background


def _purge(app: App, *args: str, given: str = "") -> tuple[int, str]:
    data = str(app.settings.data)
    done = runner.invoke(cli, ["--data", data, "purge", *args], input=given,
                         env={"COLUMNS": "200"})
    return done.exit_code, done.output


def _files(root: Path, sha: str) -> list[Path]:
    return [p for p in root.rglob(f"{sha}*") if p.is_file()]


def _citations(app: App) -> list[str]:
    return [p.read_text() for p in (app.settings.derived_path / "citations").rglob("*.json")]


def test_a_purged_document_is_unknown_to_every_channel(archive: App) -> None:
    """After `chancery purge`: page, JSON, API, OAI-PMH, IIIF, files, scans, search, feed and
    sitemap answer as if it never was (404, not the 410 of a withdrawal)."""
    site = TestClient(create_app(archive))
    _derived(archive, site)
    code, out = _purge(archive, GONE, "--reason", "court order 2026-114", "--yes")
    assert code == 0 and "1 purged" in out, out
    for url in (f"/documents/{GONE}", f"/documents/{GONE}.json", f"/api/v1/documents/{GONE}",
                f"/iiif/3/manifests/{GONE}", f"/iiif/3/{OWN_SHA}-1/info.json",
                f"/files/{OWN_SHA}/own.png", f"/scans/{OWN_SHA}/1-200.png",
                f"/documents/{GONE}/cite.bib"):
        assert site.get(url).status_code == 404, url
    record = site.get("/oai?verb=GetRecord&metadataPrefix=oai_dc"
                      f"&identifier=oai:chancery.archive:{GONE}").text
    assert "idDoesNotExist" in record
    for url in ("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc", "/search?q=Canberra",
                f"/search?q={WORD}", f"/api/v1/search?q={WORD}", "/feeds/recent.atom",
                "/sitemap.xml", "/sitemaps/1.xml", "/api/v1/documents", "/collections/box"):
        body = site.get(url).text
        assert GONE not in body and "Wombat" not in body, url
    assert f"/scans/{SHARED_SHA}/1-" in site.get(f"/documents/{KEPT}").text


def test_purge_removes_its_own_files_and_keeps_a_shared_one(archive: App) -> None:
    """The scan only it used goes from the blob store with its page images and IIIF
    renderings; the scan it shared stays, with its images; its citations go, the other
    document's stay; the downloads made before are gone."""
    site = TestClient(create_app(archive))
    _derived(archive, site)
    derived, blobs = archive.settings.derived_path, archive.settings.blob_dir
    assert _files(derived, OWN_SHA) and _files(blobs, OWN_SHA)
    cited = _citations(archive)
    assert _purge(archive, GONE, "--reason", "rights holder", "--yes")[0] == 0
    assert not _files(blobs, OWN_SHA) and not _files(derived, OWN_SHA)
    assert _files(blobs, SHARED_SHA) and _files(derived, SHARED_SHA)
    assert site.get(f"/scans/{SHARED_SHA}/1-200.png").status_code == 200
    if cited:  # pandoc made them: the purged document's are gone, the other's stay
        assert any("Wombat" in c for c in cited)
        assert not any("Wombat" in c for c in _citations(archive))
        assert any("Telegram on Canberra" in c for c in _citations(archive))
    assert not list((derived / "downloads").glob("documents-*"))
    assert archive.index.count() == 1


def test_the_audit_log_keeps_the_id_the_reason_and_who_only(archive: App) -> None:
    """One audit line: action purge, the id, the reason, the operator; no title, no text."""
    assert _purge(archive, GONE, "--reason", "court order 2026-114", "--yes")[0] == 0
    entries = [e for e in archive.accounts.audit(None, 100) if e.action == "purge"]
    assert len(entries) == 1
    e = entries[0]
    assert (e.actor, e.subject, e.detail) == ("operator", GONE, {"reason": "court order 2026-114"})
    said = json.dumps([e.actor, e.subject, e.detail])
    assert "Wombat" not in said and WORD not in said


def test_related_documents_lose_the_relation_and_check_is_clean(archive: App) -> None:
    """The document that related to the purged one no longer does (a revision says so), its
    history and rows are gone, and `chancery check` finds nothing wrong."""
    assert _purge(archive, GONE, "--reason", "takedown", "--yes")[0] == 0
    history = archive.publishing.history(KEPT)
    assert history is not None and not history.document.relations
    assert history.entries[-1].summary == "relation to a purged document removed"
    assert archive.publishing.history(GONE) is None
    done = runner.invoke(cli, ["--data", str(archive.settings.data), "check"])
    assert done.exit_code == 0, done.output


def test_purge_asks_first_and_needs_an_admin_and_a_reason(archive: App) -> None:
    """Without --yes it asks (no: nothing goes); an editor or a reviewer is refused; an
    empty reason is refused; nothing is purged by any of these."""
    code, out = _purge(archive, GONE, "--reason", "court order", given="n\n")
    assert code == 1 and TITLE in out and "Nothing purged" in out
    for role in ("editor", "reviewer"):
        email = _account(archive, role)
        code, out = _purge(archive, GONE, "--reason", "x", "--yes", "--as", email)
        assert code == 1 and "admin" in out, out
    code, out = _purge(archive, GONE, "--reason", "  ", "--yes")
    assert code == 1 and "reason" in out
    assert archive.publishing.history(GONE) is not None
    code, out = _purge(archive, GONE, "--reason", "court order", given="y\n")
    assert code == 0 and archive.publishing.history(GONE) is None


def test_the_workspace_purges_with_a_confirmation(archive: App) -> None:
    """An admin's document page has the purge form; a wrong confirmation is 400 and a
    reviewer 403 (nothing purged); the admin with the id typed again purges it, and the audit
    line names the admin."""
    reviewer, admin = _client(archive), _client(archive)
    _log_in(reviewer, _account(archive, "reviewer"))
    email = _account(archive, "admin")
    _log_in(admin, email)
    assert "/purge" not in reviewer.get(f"/workspace/documents/{GONE}").text
    page = admin.get(f"/workspace/documents/{GONE}").text
    assert f'action="/workspace/documents/{GONE}/purge"' in page
    csrf = _csrf(page)
    url = f"/workspace/documents/{GONE}/purge"
    assert reviewer.post(url, data={"csrf": _csrf(reviewer.get("/workspace").text),
                                    "reason": "x", "confirm": GONE}).status_code == 403
    assert admin.post(url, data={"csrf": csrf, "reason": "x", "confirm": "nope"}).status_code == 400
    assert admin.post(url, data={"csrf": csrf, "reason": "", "confirm": GONE}).status_code == 400
    assert archive.publishing.history(GONE) is not None
    done = admin.post(url, data={"csrf": csrf, "reason": "court order", "confirm": GONE})
    assert done.status_code == 200 and "Purged" in done.text
    assert admin.get(f"/workspace/documents/{GONE}").status_code == 404
    assert TestClient(create_app(archive)).get(f"/documents/{GONE}").status_code == 404
    line = [e for e in archive.accounts.audit(None, 100) if e.action == "purge"]
    assert [(e.actor, e.subject) for e in line] == [(email, GONE)]
