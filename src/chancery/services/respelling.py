"""Respelling the authority records (`chancery authority respell`): an archive imported before
the spelling bridges has generated spellings (pinyin, Wade-Giles, characters, Cyrillic and its
romanisations) only on records made since, and the gazetteer only after its next import.

Every record's generated spellings are made again from the names sources and editors gave it,
as a fresh import makes them (enrich/names.py `with_generated_variants`), and the gazetteer is
laid (services/name_seeding.py). What is never touched: a name a source or an editor gave (an
editor's name has no scheme, whatever source it is given), a held-back name, and a spelling an
editor removed (the audit log says so: it is not added again). A generated spelling that no
name of the record, nor a gazetteer entry laid on it, makes any longer is removed. Each
changed record gets an audit entry, and the documents that name it are indexed again."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from chancery.domain.authorities import Authority, NameVariant, VariantSource, fold
from chancery.domain.workflow import Acting
from chancery.services.authorities import PhoneticKey, VariantMaker
from chancery.services.clock import utc_now
from chancery.services.name_seeding import Laid
from chancery.services.publishing import AuditLog
from chancery.storage.interface import CatalogueSession, NameRow

Lay = Callable[[CatalogueSession], Laid]  # lays the gazetteer in a session (name_seeding)
PAGE = 500  # records read, compared and written per transaction


class RespellStore(Protocol):
    """What respelling needs from storage (storage/authority_respell.py)."""

    def count(self) -> int: ...
    def page(self, after: int, limit: int) -> list[tuple[int, Authority]]: ...
    def removed_names(self) -> dict[str, set[str]]: ...
    def apply(self, added: dict[int, list[NameRow]], removed: dict[int, list[str]],
              now: datetime) -> int: ...
    def touch_named(self, authority_ids: list[int], now: datetime) -> int: ...
    def laying(self, lay: Lay, keep: bool) -> tuple[Laid, int]: ...


@dataclass(frozen=True)
class Respelling:
    """What respelling changes on one record."""

    authority_id: int
    key: str
    added: tuple[NameVariant, ...]
    removed: tuple[str, ...]
    not_again: tuple[str, ...] = ()  # made again, but an editor removed them: not added


@dataclass
class RespellSummary:
    """What a run did (or, dry, would do)."""

    records: int = 0  # records read
    changed: int = 0  # records whose generated spellings changed
    added: int = 0  # generated spellings added
    removed: int = 0  # generated spellings no name of the record makes any longer
    kept_removed: int = 0  # spellings generation makes that an editor had removed: not added
    gazetteer_records: int = 0  # records the gazetteer laid spellings onto
    gazetteer_added: int = 0  # spellings it laid (those of the records it made included)
    created: int = 0  # records the gazetteer made (a document prints the name)
    documents: int = 0  # documents indexed again
    changes: list[Respelling] = field(default_factory=list)


def is_generated(v: NameVariant) -> bool:
    """A spelling a transliteration system or the gazetteer made, which respelling may
    redo: generated, with the scheme that made it (an editor's name has none)."""
    return v.source is VariantSource.GENERATED and bool(v.scheme)


def gazetteer_spellings(entries: Sequence[Authority],
                        make_variants: VariantMaker) -> dict[tuple[str, str], frozenset[str]]:
    """Every spelling laying an entry gives a record, by (kind, folded name) of each of the
    entry's names: an entry is laid onto every record that carries one of its names, though
    only the first keeps its source id (a source id names one record)."""
    out: dict[tuple[str, str], frozenset[str]] = {}
    for entry in entries:
        spellings = frozenset(make_variants(entry).all_names())
        for name in entry.all_names():
            key = (entry.kind.value, fold(name))
            out[key] = out.get(key, frozenset()) | spellings
    return out


def respell(authority_id: int, record: Authority, make_variants: VariantMaker,
            laid: Mapping[tuple[str, str], frozenset[str]],
            removed_by_editors: set[str]) -> Respelling:
    """The generated spellings a fresh import gives the record that it lacks (but those an
    editor removed), and the generated ones it has that nothing makes any longer."""
    given = replace(record, variants=tuple(v for v in record.variants if not is_generated(v)))
    fresh = [v for v in make_variants(given).variants if is_generated(v)]
    have = {record.name, *(v.name for v in record.variants)}
    added = tuple(v for v in fresh if v.name not in have and v.name not in removed_by_editors)
    not_again = tuple(v.name for v in fresh if v.name not in have and v.name in removed_by_editors)
    keep = {v.name for v in fresh} | _made_by_other_names(given, make_variants)
    keep |= {s for n in record.all_names() for s in laid.get((record.kind.value, fold(n)), ())}
    removed = tuple(v.name for v in record.variants if is_generated(v) and v.name not in keep)
    return Respelling(authority_id, record.key, added, removed, not_again)


def _made_by_other_names(given: Authority, make_variants: VariantMaker) -> set[str]:
    """Spellings each other given name would make as a record's own name: a record merged
    into this one brought the spellings of its name, which a merge keeps."""
    return {n for v in given.variants if v.source is not VariantSource.HELD_BACK
            for n in make_variants(Authority(given.kind, v.name,
                                             description=given.description)).all_names()}


class Respeller:
    """Respelling over a store, the audit log and the gazetteer's laying."""

    def __init__(self, store: RespellStore, make_variants: VariantMaker, phonetic: PhoneticKey,
                 audit: AuditLog, lay: Lay,
                 gazetteer: Mapping[tuple[str, str], frozenset[str]],
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store, self.make_variants, self.phonetic = store, make_variants, phonetic
        self.audit, self.lay, self.gazetteer, self.clock = audit, lay, gazetteer, clock

    def run(self, actor: Acting, dry_run: bool = False,
            advance: Callable[[int], None] = lambda n: None) -> RespellSummary:
        """Respell every record, then lay the gazetteer; ``dry_run`` stores nothing.
        ``advance`` is told how many records each page held."""
        summary = RespellSummary()
        removed = self.store.removed_names()
        for page in self._pages():
            changes = [respell(i, a, self.make_variants, self.gazetteer, removed.get(a.key, set()))
                       for i, a in page]
            summary.kept_removed += sum(len(c.not_again) for c in changes)
            changes = [c for c in changes if c.added or c.removed]
            self._count(summary, page, changes)
            if changes and not dry_run:
                summary.documents += self._write(changes, actor)
            advance(len(page))
        self._lay(summary, actor, dry_run)
        return summary

    def total(self) -> int:
        """How many records a run reads."""
        return self.store.count()

    def _pages(self) -> Iterator[list[tuple[int, Authority]]]:
        after = 0
        while page := self.store.page(after, PAGE):
            yield page
            after = page[-1][0]

    def _count(self, summary: RespellSummary, page: list[tuple[int, Authority]],
               changes: list[Respelling]) -> None:
        summary.records += len(page)
        summary.changed += len(changes)
        summary.added += sum(len(c.added) for c in changes)
        summary.removed += sum(len(c.removed) for c in changes)
        summary.changes += changes

    def _write(self, changes: list[Respelling], actor: Acting) -> int:
        added = {c.authority_id: [self._row(v) for v in c.added] for c in changes if c.added}
        gone = {c.authority_id: list(c.removed) for c in changes if c.removed}
        documents = self.store.apply(added, gone, self.clock())
        for c in changes:
            self.audit(actor.audit_name, "authority-respell", c.key,
                       added=[v.name for v in c.added], removed=list(c.removed), **dict(actor.via))
        return documents

    def _row(self, v: NameVariant) -> NameRow:
        return NameRow(v, fold(v.name), self.phonetic(v.name))

    def _lay(self, summary: RespellSummary, actor: Acting, dry_run: bool) -> None:
        """Lay the gazetteer's entries not laid before (dry: in a transaction undone)."""
        laid, added = self.store.laying(self.lay, keep=not dry_run)
        summary.gazetteer_records, summary.created = len(laid.laid_on), laid.created
        summary.gazetteer_added = added
        if dry_run or not (laid.laid_on or laid.created):
            return
        summary.documents += self.store.touch_named(sorted(laid.laid_on), self.clock())
        self.audit(actor.audit_name, "authority-gazetteer", "", records=len(laid.laid_on),
                   created=laid.created, names=added, **dict(actor.via))
