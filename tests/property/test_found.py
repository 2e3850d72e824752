"""What the property test found, each pinned by a test of its own (both catalogue backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.domain import clock as domain_clock
from chancery.domain.accounts import Role
from chancery.domain.publication import PublicationState
from chancery.domain.workflow import Acting, Step
from chancery.services import clock as service_clock
from chancery.web.server import create_app
from tests.integration.sources import Clock
from tests.property.archive import import_bundle
from tests.property.model import Source

ANN = Acting("ann@archive.test", Role.REVIEWER)
BEN = Acting("ben@archive.test", Role.REVIEWER)
# ahead of the real time, whenever the test runs: a write stamped by the real clock instead
# of the domain's lands before the embargo day, as it did before the fix
AHEAD = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1000)


@pytest.fixture
def moved(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The domain clock, set ahead of the real one."""
    clock = Clock()
    clock.now = AHEAD
    monkeypatch.setattr(domain_clock, "utc_now", clock)
    return clock


def test_services_read_the_clock_the_domain_reads(moved: Clock) -> None:
    """services.clock bound the domain's functions when imported, so setting the clock (as
    the issue's tests must, "inject the clock") left every write on the real time."""
    assert service_clock.utc_now() == AHEAD
    assert service_clock.today() == AHEAD.date()


def test_withdrawing_a_document_its_embargo_released_leaves_a_tombstone(
        app: App, tmp_path: Path, moved: Clock) -> None:
    """Published under an embargo that the clock then passed, the public saw it; withdrawn
    after, it answers 410 and is a deleted OAI-PMH record (it was 404 and unknown: the
    withdrawal was stamped on the real day, before the release)."""
    until = (moved.now + timedelta(days=2)).date()
    import_bundle(app, tmp_path / "b", {"prop0001": Source(PublicationState.PUBLISHED, until)})
    moved.now += timedelta(days=3)
    site = TestClient(create_app(app))
    assert site.get("/documents/prop0001", follow_redirects=False).status_code == 301
    assert app.publishing.take_step(["prop0001"], Step.WITHDRAW, ANN).changed == ["prop0001"]
    assert site.get("/documents/prop0001").status_code == 410
    oai = site.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").text
    assert 'status="deleted"' in oai and "prop0001" in oai


def test_an_upstream_withdrawal_reaches_an_edited_document_no_one_steered(
        app: App, tmp_path: Path, moved: Clock) -> None:
    """A re-import follows its file's state for a document whose publication no one set
    (services/imports.py). Once an editor's correction of it was approved, a file that now
    says "withdrawn" is a conflict: its other changes wait for review, but the withdrawal
    arrives at once (taking away is immediate), and approving the rest keeps it."""
    import_bundle(app, tmp_path / "b", {"prop0001": Source(PublicationState.PUBLISHED)})
    _, seen, _ = app.editing.draft_of("prop0001", BEN)
    app.editing.edit("prop0001", {"summary": "Corrected by hand."}, BEN, seen)
    app.editing.approve("prop0001", ANN)
    withdrawn = {"prop0001": Source(PublicationState.WITHDRAWN)}
    assert import_bundle(app, tmp_path / "b", withdrawn).conflicts == ["prop0001"]
    site = TestClient(create_app(app))
    assert site.get("/api/v1/documents/prop0001").status_code == 404
    app.editing.approve("prop0001", ANN)  # the source's version, conflict resolved
    assert site.get("/api/v1/documents/prop0001").status_code == 404
