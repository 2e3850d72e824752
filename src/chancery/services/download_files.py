"""Writing the dataset download files: whole, or from the files made before and what changed.

At a million documents a whole file takes about an hour to make (documents.jsonl at ~500
documents/s), and a file made before the catalogue's last change is never served: every
edit or import made the downloads unavailable for that hour. So each file has a list of its
lines beside it (``<name>.lines``: the document's id, public id and the line's length in
bytes), and the next file is made from the last one: its lines copied as they are, except
those of the documents that changed since, read again and put in their place by id (the
order a whole file has), or left out when the public may no longer see them.

What "changed" means is the whole of what can alter a public record:
- the documents written or purged since the file's change count (an edit to a record, a
  collection, a redaction writes to every document it shows in: storage's touch_documents);
- those whose embargo ended since the file's day (nobody wrote to them);
- the documents whose records name one of those (a relation either way shows the other's
  title, or leaves it out when the public may not see it).
A test builds the files both ways after each kind of change and compares them byte for byte."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO, TextIO

from chancery.domain.publication import Actor
from chancery.services import datasets
from chancery.storage.interface import Catalogue, StoredDocument

LINES = ".lines"  # the suffix of the list beside each file
# Raise it with any change to how a record or a row is written (services/datasets.py,
# document_view, the public reading): files made before are then made whole again, not
# copied from (the package's version alone did not move for 500 commits).
RECORDS = 1
HEADER = -1  # the id the CSV header line is listed under


class BaseDamaged(Exception):
    """The last files do not match their lists: the next are made whole instead."""


@dataclass(frozen=True)
class Base:
    """Files made before, for the catalogue at ``changes`` on ``day``: one per format."""

    files: dict[str, Path]
    changes: int
    day: date


class _Out:
    """One file being written, with its list of lines."""

    def __init__(self, target: Path, stack: ExitStack) -> None:
        self.target = target
        self.part = target.with_name(target.name + ".part")
        self.listed_part = target.with_name(target.name + LINES + ".part")
        self.file: BinaryIO = stack.enter_context(self.part.open("wb"))
        self.listed: TextIO = stack.enter_context(self.listed_part.open("w"))

    def add(self, doc_id: int, public_id: str, data: bytes) -> None:
        self.file.write(data)
        self.listed.write(f"{doc_id}\t{public_id}\t{len(data)}\n")

    def finish(self) -> None:
        """The list first, then the file: a file is never there without its list."""
        self.file.close()
        self.listed.close()
        self.listed_part.replace(self.target.with_name(self.target.name + LINES))
        self.part.replace(self.target)


class _Lines:
    """A document's line in each format."""

    def __init__(self) -> None:
        self.csv = datasets.CsvRows(Actor.PUBLIC)

    def of(self, ext: str, stored: StoredDocument) -> bytes:
        return datasets.jsonl_line(stored, Actor.PUBLIC) if ext == "jsonl" else self.csv.row(stored)


def write_whole(catalogue: Catalogue, targets: dict[str, Path], today: date,
                going: Callable[[], None]) -> None:
    """Every format's file from one read of every public document (``going`` raises to
    stop: the files are left unfinished)."""
    lines = _Lines()
    with ExitStack() as stack:
        outs = {ext: _Out(path, stack) for ext, path in targets.items()}
        if "csv" in outs:
            outs["csv"].add(HEADER, "", lines.csv.header())
        for stored in catalogue.iter_documents(Actor.PUBLIC, today):
            going()
            for ext, out in outs.items():
                out.add(stored.id, stored.document.public_id, lines.of(ext, stored))
        for out in outs.values():
            out.finish()


def changed_since(catalogue: Catalogue, base: Base, today: date) -> list[str]:
    """Public ids of the documents whose public record may differ from the base files'."""
    changed = list(dict.fromkeys([*catalogue.changed_since(base.changes),
                                  *(catalogue.released_between(base.day, today)
                                    if today > base.day else [])]))
    return changed + catalogue.related_to(changed)


def write_patched(catalogue: Catalogue, base: Base, changed: list[str],
                  targets: dict[str, Path], today: date, going: Callable[[], None]) -> bool:
    """Every format's file from the base file and the changed documents read again: the
    base's lines but the changed documents', with those the public may see now put among
    them by id. One read of the changed documents, in id order, for all formats. True when
    the files came out the same as the base's (what changed, the public does not see), told
    without comparing them (gigabytes at a million documents)."""
    lines, gone = _Lines(), set(changed)
    made: dict[str, dict[str, bytes]] = {ext: {} for ext in targets}  # digests of new lines
    with ExitStack() as stack:
        outs = {ext: _Out(path, stack) for ext, path in targets.items()}
        olds = {ext: _Old(base.files[ext], stack) for ext in targets}
        for stored in catalogue.named_documents(changed, Actor.PUBLIC, today):
            for ext, out in outs.items():
                olds[ext].copy_before(stored.id, gone, out, going)
                line = lines.of(ext, stored)
                made[ext][stored.document.public_id] = _digest(line)
                out.add(stored.id, stored.document.public_id, line)
        for ext, out in outs.items():
            olds[ext].copy_before(None, gone, out, going)
            out.finish()
    return all(olds[ext].replaced == made[ext] for ext in targets)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class _Old:
    """A base file read along by its list. What is kept is copied in runs: a list line as
    it was, the file's bytes a run at a time (at a million lines, handling each line's
    bytes alone was ~8 µs a line, most of a patch)."""

    def __init__(self, path: Path, stack: ExitStack) -> None:
        self.file: BinaryIO = stack.enter_context(path.open("rb"))
        self.listed = stack.enter_context(path.with_name(path.name + LINES).open())
        self.line = self.listed.readline()
        self.id = _id_of(self.line)
        self.replaced: dict[str, bytes] = {}  # digests of the lines left out, by public id

    def copy_before(self, doc_id: int | None, gone: set[str], out: _Out,
                    going: Callable[[], None]) -> None:
        """Copy the lines of documents before ``doc_id`` (None: all that are left), but
        those of ``gone``."""
        run = 0  # bytes kept since the last skip or copy
        kept: list[str] = []  # and their list lines
        while self.line and (doc_id is None or self.id < doc_id):
            _, public_id, length = self.line.split("\t")
            if public_id in gone:
                self._copy(run, kept, out, going)
                data = self.file.read(int(length))
                if len(data) != int(length):
                    raise BaseDamaged(f"{self.file.name} is shorter than its list says")
                self.replaced[public_id] = _digest(data)
                run, kept = 0, []
            else:
                run += int(length)
                kept.append(self.line)
                if len(kept) >= _RUN:
                    self._copy(run, kept, out, going)
                    run, kept = 0, []
            self.line = self.listed.readline()
            self.id = _id_of(self.line)
        self._copy(run, kept, out, going)
        if doc_id is None and self.file.read(1):
            raise BaseDamaged(f"{self.file.name} is longer than its list says")

    def _copy(self, run: int, kept: list[str], out: _Out, going: Callable[[], None]) -> None:
        going()
        while run > 0:
            data = self.file.read(min(run, _BLOCK))
            if not data:  # cut short (a disk full, a crash before it reached the disk)
                raise BaseDamaged(f"{self.file.name} is shorter than its list says")
            out.file.write(data)
            run -= len(data)
        out.listed.write("".join(kept))


_RUN = 4096  # list lines copied at a time
_BLOCK = 1 << 20  # bytes read at a time


def _id_of(line: str) -> int:
    return int(line[:line.index("\t")]) if line else 0


def has_list(path: Path) -> bool:
    """Whether a file has its list of lines (one made before the lists were kept has not)."""
    return path.with_name(path.name + LINES).exists()
