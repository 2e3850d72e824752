"""Two web nodes on one catalogue, each with its own data folder, sharing one blob folder
and one derived folder (``derived_dir``): what a reader's visit to node two made (page
images, IIIF images, burned scans, kept citations, downloads) is removed by a redaction or
a purge done through node one (docs/architecture.md, "What is shared, and where")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.citing.interface import Rendered
from chancery.citing.styles import PAGE_STYLES
from chancery.config import load_settings
from chancery.domain.publication import Actor
from chancery.domain.workflow import Acting
from chancery.services import search
from chancery.services.citing import csl_for
from chancery.services.clock import today
from chancery.services.imports import import_paths
from chancery.services.redacting import Wanted
from chancery.web.server import create_app
from tests.e2e.test_redacted_leftovers import _boxed, _made
from tests.e2e.test_redacted_scans import _bundle, _original

OPERATOR = Acting.operator()


def _node(root: Path, name: str) -> App:
    return build_app(load_settings(data=str(root / name),
                                   database_url=f"sqlite:///{root / 'catalogue.sqlite3'}",
                                   blobs_dir=str(root / "shared" / "blobs"),
                                   derived_dir=str(root / "shared" / "derived")))


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[tuple[App, App]]:
    """Node one has imported the letter and the picture; node two serves them too."""
    one = _node(tmp_path, "one")
    assert not import_paths([_bundle(tmp_path)], one.import_context()).failed
    search.rebuild_index(one.catalogue, one.index)
    two = _node(tmp_path, "two")
    search.follow_index(two.catalogue, two.index)
    yield one, two
    one.close()
    two.close()


def _cite(node: App, public_id: str) -> str:
    """Keep a rendering of the document through ``node``, as a page does (no pandoc here:
    the rendering is written as the engine would return it); its cache key."""
    stored = node.catalogue.get_document(public_id, Actor.EDITOR, today())
    assert stored is not None
    style = node.engine.style(PAGE_STYLES[0])
    key = node.citation_cache.key(csl_for(stored.public(), node.citer), style, "test-engine")
    title = stored.document.title
    node.citation_cache.put(key, Rendered(title, title, title, title))
    return key


def _named(folder: Path, key: str) -> list[Path]:
    return [p for p in folder.rglob(f"*{key}*")]


def test_every_derived_file_goes_to_the_shared_folder(nodes: tuple[App, App]) -> None:
    """Page images, IIIF images, the file, a citation and the downloads made through node
    two are in the one derived folder, readable by node one; neither data folder has any."""
    one, two = nodes
    site = TestClient(create_app(two))
    sha = _original(one, "letter01")
    _made(site, sha, "letter.pdf")
    key = _cite(two, "letter01")
    assert site.get("/downloads/documents.jsonl").status_code == 200
    shared = two.settings.derived_path
    assert shared == one.settings.derived_path and _named(shared, sha)
    assert one.citation_cache.get(key) is not None
    assert list((shared / "downloads").glob("documents-*"))
    for node in (one, two):
        assert not (node.settings.data / "derived").exists()


def test_a_redaction_through_one_node_removes_what_the_other_made(
        nodes: tuple[App, App]) -> None:
    """Node two served the picture under its first set of boxes (burned copy, page images,
    IIIF images) and kept a citation and the downloads; node one redacts a second box:
    every one of those files is gone from the shared folder."""
    one, two = nodes
    site = TestClient(create_app(two))
    old = _boxed(one, site, "picture1", "picture.png", "pct:10,10,20,10")
    cited = _cite(two, "picture1")
    assert site.get("/downloads/documents.jsonl").status_code == 200
    shared = two.settings.derived_path
    assert _named(shared, old) and two.citation_cache.get(cited) is not None
    one.redacting.redact("picture1", Wanted("(b)(1)", page=1, box="pct:50,60,20,10"),
                         OPERATOR)
    assert not _named(shared, old), _named(shared, old)
    assert two.citation_cache.get(cited) is None
    assert not list((shared / "downloads").glob("documents-*"))


def test_a_purge_through_one_node_removes_what_the_other_made(nodes: tuple[App, App]) -> None:
    """Node two served the letter, its original and a burned copy, and kept a citation;
    node one purges the letter: no file named by its hash or its redacted key is left in the
    shared folder, and the citation is gone."""
    one, two = nodes
    site = TestClient(create_app(two))
    sha = _original(one, "letter01")
    _made(site, sha, "letter.pdf")
    burned = _boxed(one, site, "letter01", "letter.pdf", "pct:10,10,20,5")
    cited = _cite(two, "letter01")
    shared = two.settings.derived_path
    assert _named(shared, sha) and _named(shared, burned)
    one.purging.purge(["letter01"], "court order 2026-7", OPERATOR)
    for key in (sha, burned):
        assert not _named(shared, key), _named(shared, key)
    assert two.citation_cache.get(cited) is None
