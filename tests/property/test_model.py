"""The model's own rules for what is coming (edits, redactions), checked before any service
is joined to them, so the property test starts from rules that say what the issue says."""

from __future__ import annotations

from datetime import date

from chancery.domain.publication import PublicationState as S
from tests.property.model import ArchiveModel, Source

TODAY = date(2100, 3, 1)


def _archive(state: S) -> ArchiveModel:
    model = ArchiveModel(TODAY)
    model.add("doc1", "kestrel", "gerenuk", Source(state))
    return model


def test_an_edit_of_a_published_document_reaches_the_public_once_approved() -> None:
    model = _archive(S.PUBLISHED)
    model.edit("doc1", "edited")
    assert model.finds("edited", editor=True) == {"doc1"} and model.finds("edited") == set()
    model.approve("doc1")
    assert model.finds("edited") == {"doc1"}


def test_an_edit_of_a_draft_is_in_force_at_once_and_still_not_public() -> None:
    model = _archive(S.DRAFT)
    model.edit("doc1", "edited")
    assert model.docs["doc1"].words == {"kestrel", "edited"}
    assert model.finds("edited") == set() and model.finds("edited", editor=True) == {"doc1"}


def test_a_redaction_is_at_once_and_its_removal_waits_for_review() -> None:
    model = _archive(S.PUBLISHED)
    model.redact("doc1", "kestrel")
    assert model.finds("kestrel") == set() and model.finds("kestrel", editor=True) == {"doc1"}
    model.unredact("doc1", "kestrel")
    assert model.finds("kestrel") == set()
    model.approve("doc1")
    assert model.finds("kestrel") == {"doc1"}
