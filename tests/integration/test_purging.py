"""The purge on both catalogue backends: not one row of the document is left in any table,
its id is kept for the search index (which drops it), a file it shared stays referenced, and
a relation to it elsewhere goes as a revision of that document."""

from __future__ import annotations

from pathlib import Path

from chancery.bootstrap import App
from chancery.domain.readers import Reader
from chancery.domain.workflow import Acting, Step
from chancery.services import documents, search
from tests.integration.sources import (
    DOCUMENT_TABLES,
    PDF,
    bundle_document,
    row_counts,
    run_import,
    write_bundle,
)


def _archive(app: App, root: Path) -> None:
    (root / "b").mkdir(parents=True)
    (root / "b" / "scan.pdf").write_bytes(PDF.read_bytes())
    docs = {"a": bundle_document(1, public_id="purge001", media=[{"file": "scan.pdf"}],
                                 releases=[{"released": "2020", "agency": "NARA"}]),
            "b": bundle_document(2, public_id="keep0001", media=[{"file": "scan.pdf"}],
                                 relations=[{"type": "related", "target": "purge001"}])}
    assert not run_import(app, write_bundle(root / "b", docs)).failed
    search.rebuild_index(app.catalogue, app.index)


def test_purge_leaves_no_row_of_the_document(app: App, tmp_path: Path) -> None:
    """Every table that held a row of the document holds none after; the other document
    keeps the shared scan and loses the relation; the index has one document."""
    _archive(app, tmp_path)
    app.publishing.take_step(["purge001"], Step.WITHDRAW, Acting.operator(), "first withdrawn")
    before = row_counts(app)
    done = app.purging.purge(["purge001"], "court order", Acting.operator())
    assert done.changed == ["purge001"] and not done.refused
    after = row_counts(app)
    assert after["documents"] == before["documents"] - 1
    assert after["document_releases"] == before["document_releases"] - 1 == 0
    assert after["workflow_events"] == 0 and after["media"] == 1
    assert after["relations"] == 0 and after["purged_documents"] == 1
    for table in DOCUMENT_TABLES:  # the other document's new revision aside
        assert after[table] < before[table] or table == "revisions", table
    assert documents.show_document(app.catalogue, "purge001", Reader.editor()) is None
    assert app.index.count() == 1
    kept = documents.show_document(app.catalogue, "keep0001", Reader.editor())
    assert kept is not None and not kept.document.relations
    assert app.blobs.exists(kept.document.media[0].sha256)
    assert documents.check_archive(app.catalogue, app.blobs, False) == []


def test_an_unknown_id_is_refused_and_nothing_changes(app: App, tmp_path: Path) -> None:
    """A purge of an id there is not says so; the archive is as it was."""
    _archive(app, tmp_path)
    before = row_counts(app)
    done = app.purging.purge(["nosuch01"], "court order", Acting.operator())
    assert done.changed == [] and done.refused[0][0] == "nosuch01"
    assert row_counts(app) == before
