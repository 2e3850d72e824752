"""The suggest stage as a job runs it: a stored document's text (as the public would read it,
its redactions applied) through the pipeline, relations resolved against the archive, and the
findings kept for an editor to decide on. Nothing here changes the record."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from chancery.domain.readers import Reader
from chancery.domain.relations import RelationType
from chancery.domain.suggestions import Finding, Kind
from chancery.domain.texts import sibling_source_id
from chancery.services.suggesting import Suggesting
from chancery.storage.interface import Catalogue

PublicIds = Callable[[Iterable[int]], Mapping[int, str]]
Store = Callable[[int, Sequence[Finding]], int]


class SuggestStage:
    """``run(document_id, options)``: idempotent (the same text gives the same findings, and
    storing them again changes nothing an editor decided)."""

    def __init__(self, catalogue: Catalogue, suggesting: Suggesting, public_ids: PublicIds,
                 store: Store) -> None:
        self.catalogue, self.suggesting = catalogue, suggesting
        self.public_ids, self.store = public_ids, store

    def run(self, document_id: int, options: Mapping[str, str]) -> None:
        """Suggest for one document; LookupError when it is gone (purged meanwhile)."""
        ident = self.public_ids([document_id]).get(document_id)
        if ident is None:
            raise LookupError(f"document {document_id} is no longer in the archive")
        reader = Reader.editor()
        found = self.suggesting.for_document(ident, reader)
        stored = self.catalogue.get_document(ident, reader.actor, reader.today)
        if found is None or stored is None:
            raise LookupError(f"document {ident} cannot be read")
        source_id = stored.document.source_id
        self.store(document_id, [f for f in (self._resolved(f, ident, source_id)
                                             for f in found.findings) if f is not None])

    def _resolved(self, finding: Finding, ident: str, source_id: str) -> Finding | None:
        """A relation with the stored document it names ("Document 303" of the same
        series); one that names no stored document stays, without a target, for an editor to
        type one; one naming the document itself is dropped."""
        if finding.kind is not Kind.RELATION:
            return finding
        number = finding.data.get("number", "")
        if finding.data.get("kind") != "document" or not number:
            return finding
        sibling = sibling_source_id(source_id, number)
        reader = Reader.editor()
        target = self.catalogue.get_document(sibling, reader.actor, reader.today) if sibling else None
        if target is None:
            return finding
        if target.document.public_id == ident:
            return None
        data = {**finding.data, "target": target.document.public_id,
                "type": finding.data.get("relation", RelationType.RELATED.value)}
        return replace(finding, data=data, confidence=max(finding.confidence, 0.8))
