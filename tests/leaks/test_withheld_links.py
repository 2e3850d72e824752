"""A link withheld from the public stays withheld when its record is merged into another or
split: the redaction names the record's key, and the link now points to another key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chancery.bootstrap import App
from chancery.domain.accounts import Role
from chancery.domain.publication import Actor
from chancery.domain.workflow import Acting
from chancery.services import datasets
from chancery.services.clock import today
from chancery.services.redacting import Wanted
from tests.e2e.test_limits import reference_archive

NOTE = "7da35b31"
ADMIN = Acting("ed@example.org", Role.ADMIN)
INTO = "person/khrushchev-nikita-sergeevich"


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[App]:
    app = reference_archive(tmp_path)
    yield app
    app.catalogue.dispose()


def _public_links(app: App) -> list[str]:
    stored = app.catalogue.get_document(NOTE, Actor.PUBLIC, today())
    assert stored is not None
    return [link["key"] for link in datasets.record(stored, Actor.PUBLIC)["links"]]


def test_a_withheld_link_stays_withheld_when_its_record_is_merged(archive: App) -> None:
    gone = next(k for k in _public_links(archive) if "yang" in k)
    archive.redacting.redact(NOTE, Wanted("privacy", link=gone), ADMIN)
    before = _public_links(archive)
    assert gone not in before
    archive.authorities.merge(INTO, gone, ADMIN)
    after = _public_links(archive)
    assert after == before and INTO not in after
