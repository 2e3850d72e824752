"""What the workspace's document editor needs beside services/editing: scans uploaded by hand,
checked as the import checks them and kept in the blob store, and the lookups behind its
pickers (authority records by any spelling, documents by search, collections)."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from chancery.domain.authorities import AuthorityKind, Role, fold
from chancery.domain.media import MediaFile
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.domain.records import Record
from chancery.ingest.base import ImportRefused, Limits
from chancery.search.grammar import QueryError
from chancery.search.interface import IndexUnavailable
from chancery.services.authorities import PhoneticKey
from chancery.services.clock import today
from chancery.services.search import Search
from chancery.storage.interface import BlobStore, Catalogue

# the checks every scan passes (ingest/media.py read_media), handed in by bootstrap
MediaReader = Callable[[Path, Limits, str], MediaFile]
LOOKUP_ROWS = 20  # matches a picker offers; a longer list is a sign to type more
MAX_FILENAME = 120  # characters of an uploaded file's name kept
_UNSAFE = re.compile(r"[^\w.\- ()]+")

# which kinds of record each role of a link takes
KINDS_OF_ROLE = {
    Role.AUTHOR: (AuthorityKind.PERSON, AuthorityKind.ORGANIZATION),
    Role.RECIPIENT: (AuthorityKind.PERSON, AuthorityKind.ORGANIZATION),
    Role.SIGNER: (AuthorityKind.PERSON,),
    Role.MENTIONED: (AuthorityKind.PERSON, AuthorityKind.ORGANIZATION),
    Role.TRANSLATOR: (AuthorityKind.PERSON, AuthorityKind.ORGANIZATION),
    Role.ORIGIN: (AuthorityKind.PLACE,),
    Role.PLACE_MENTIONED: (AuthorityKind.PLACE,),
    Role.SUBJECT: (AuthorityKind.SUBJECT,),
}


class UploadRefused(Exception):
    """An uploaded file that is not stored, with its name and the reason."""


@dataclass(frozen=True)
class Candidate:
    """An authority record a typed spelling may mean."""

    key: str
    name: str
    kind: str
    names: tuple[str, ...]  # its other spellings, to tell two records of one name apart


@dataclass(frozen=True)
class Found:
    """A document a relation may point to."""

    public_id: str
    title: str
    date: str


class Editor:
    """Uploads and lookups for the document editor (the saves go through Editing)."""

    def __init__(self, catalogue: Catalogue, blobs: BlobStore, read_media: MediaReader,
                 limits: Limits, search: Search, phonetic: PhoneticKey) -> None:
        self.catalogue, self.blobs, self.read_media = catalogue, blobs, read_media
        self.limits, self.search, self.phonetic = limits, search, phonetic

    def store_scan(self, upload: BinaryIO, filename: str, label: str = "") -> Record:
        """Check an uploaded file as the import checks a scan (type by name and content,
        size, a PDF that reads) and keep it; its media record. UploadRefused saying why."""
        name = safe_filename(filename)
        with tempfile.TemporaryDirectory(prefix="chancery-upload-") as folder:
            path = Path(folder) / name
            with path.open("wb") as out:
                shutil.copyfileobj(upload, out, 1024 * 1024)
            try:
                media = self.read_media(path, self.limits, label)
            except ImportRefused as exc:
                raise UploadRefused(str(exc)) from None
            sha256, _ = self.blobs.put(path)
        if sha256 != media.sha256:  # cannot happen unless the disk changed it under us
            raise UploadRefused(f"{name}: changed while it was being stored")
        return media_record(media)

    def has_file(self, sha256: str) -> bool:
        """Whether the blob store holds this file (a scan uploaded before a failed save)."""
        return bool(re.fullmatch(r"[0-9a-f]{64}", sha256)) and self.blobs.exists(sha256)

    def authorities(self, text: str, role: Role | None = None) -> list[Candidate]:
        """Authority records a spelling names (a key, a name or any of its variants, folded;
        or one that sounds the same), of the kinds ``role`` takes."""
        text = text.strip()[:200]
        folded = fold(text)
        if len(folded) < 2:
            return []
        kinds = {k.value for k in KINDS_OF_ROLE.get(role, tuple(AuthorityKind))} if role else None
        found = []
        exact = self.catalogue.authority_labels([text]) if text else {}
        if exact:
            found += [(row, names) for row, names in
                      self.catalogue.authorities_for_word(fold(exact[text]), "") if row.key == text]
        key = self.phonetic(text) if len(folded) >= 5 else ""
        found += self.catalogue.authorities_for_word(folded, key)
        out: dict[str, Candidate] = {}
        for row, names in found:
            if kinds is None or row.kind.value in kinds:
                out.setdefault(row.key, Candidate(row.key, row.name, row.kind.value,
                                                  tuple(n for n in names if n != row.name)))
        return list(out.values())[:LOOKUP_ROWS]

    def documents(self, text: str) -> list[Found]:
        """Documents an editor may link to: the one with this id, then what the workspace's
        search finds (every state); none for a query the search cannot read."""
        text = text.strip()[:500]
        if not text:
            return []
        out: dict[str, Found] = {}
        exact = self.catalogue.get_document(text, Actor.EDITOR, today())
        if exact is not None:
            d = exact.document
            out[d.public_id] = Found(d.public_id, d.title, d.date.display)
        try:
            # a lookup of a document by its words or reference: nothing near it by meaning
            hits = self.search.documents(text, per_page=LOOKUP_ROWS, facets=False,
                                         reader=Reader.editor(), meaning=False).results.hits
        except (QueryError, IndexUnavailable):
            hits = []
        for h in hits:
            out.setdefault(h.public_id, Found(h.public_id, h.title, h.date_display))
        return list(out.values())[:LOOKUP_ROWS]

    def names(self, keys: list[str]) -> dict[str, str]:
        """The preferred names of the records the links name, by key."""
        return self.catalogue.authority_labels(keys)

    def collection_keys(self) -> list[tuple[str, str]]:
        """Every collection's key and title, for the collections picker."""
        return [(c.key, c.title) for c in self.catalogue.collections(Actor.EDITOR, today())]


def safe_filename(filename: str) -> str:
    """An uploaded file's own name, without folders or characters a path should not have."""
    name = _UNSAFE.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if len(name) > MAX_FILENAME:
        name = (stem[:MAX_FILENAME - len(suffix) - 1] + dot + suffix) if dot else name[:MAX_FILENAME]
    return name or "scan"


def media_record(media: MediaFile) -> Record:
    """A scan as a document record lists it."""
    out: Record = {"sha256": media.sha256, "filename": media.filename,
                   "media_type": media.media_type, "size": media.size, "pages": media.pages,
                   "label": media.label}
    if media.language:
        out["language"] = media.language
    return out
