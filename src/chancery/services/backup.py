"""Backing up an archive and restoring it: a consistent snapshot of the catalogue, every
stored file, the settings and a manifest that names each file by its SHA-256.

A backup folder::

    manifest.json        written last: without it the backup is unfinished
    settings.json        the settings in force (passwords in URLs masked), for the record
    catalogue.sqlite3    or catalogue.dump (pg_dump --format=custom)
    blobs/ab/cd/abcd…    every stored file, as the blob store keeps it

The search index, the node's vector index and the derived folder (page images, burned
scans, kept citations, downloads) are made from those: left out, emptied by a restore and
made again (the passage vectors themselves are rows of the catalogue)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from chancery.domain.backups import (
    MANIFEST,
    SETTINGS_FILE,
    BackupError,
    CatalogueFacts,
    Manifest,
)
from chancery.search.interface import SearchIndex
from chancery.services.search_sync import rebuild_index
from chancery.storage.interface import Catalogue

_CHUNK = 1024 * 1024


class CatalogueCopy(Protocol):
    """Snapshots of the catalogue and their loading (storage/backup.py)."""

    @property
    def backend(self) -> str:
        """"sqlite" or "postgresql"."""
        ...

    def snapshot(self, folder: Path) -> CatalogueFacts:
        """Write a consistent copy into ``folder``; what it holds."""
        ...

    def facts_of(self, file: Path) -> CatalogueFacts | None:
        """What a snapshot file holds, when it can be read without loading it."""
        ...

    def is_empty(self) -> bool:
        """Whether the catalogue holds nothing people made."""
        ...

    def knows_revision(self, revision: str | None) -> bool:
        """Whether this Chancery can open a catalogue at that schema revision."""
        ...

    def load(self, file: Path) -> None:
        """Replace the catalogue by the snapshot, all at once or not at all."""
        ...

    def named(self) -> frozenset[str]:
        """The hashes of the stored files the catalogue names now."""
        ...


class StoredFiles(Protocol):
    """The blob store as a backup reads and a restore fills it."""

    def put(self, path: Path) -> tuple[str, int]:
        """Store a file; (sha256, size)."""
        ...

    def open(self, sha256: str) -> BinaryIO:
        """Read a stored file."""
        ...

    def verify(self, sha256: str) -> bool:
        """Whether the file is stored and still has its hash."""
        ...

    def hashes(self) -> Iterator[str]:
        """Every stored file's hash."""
        ...

    def remove(self, sha256: str) -> None:
        """Remove a stored file."""
        ...


class Steps(Protocol):
    """Progress as a command shows it: a step with its size, then each unit done."""

    def start(self, label: str, total: int) -> None:
        """A new step of ``total`` units begins."""
        ...

    def advance(self, n: int = 1) -> None:
        """``n`` more units are done."""
        ...


@dataclass
class Report:
    """What a backup or restore did, for its summary."""

    documents: int = 0
    blobs: int = 0
    bytes: int = 0
    vectors: int = 0
    started: float = field(default_factory=time.perf_counter)
    left_out: list[str] = field(default_factory=list)  # damaged files no document names

    @property
    def seconds(self) -> float:
        """Seconds since it began."""
        return time.perf_counter() - self.started


def back_up_archive(catalogue: CatalogueCopy, files: StoredFiles, dest: Path,
                    settings: dict[str, str], version: str, steps: Steps) -> Report:
    """Write a backup of the archive into ``dest`` (absent or empty). Safe while the archive
    serves and imports: the catalogue is one snapshot, and every file it names was stored
    before it (files are stored before the rows that name them)."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        unfinished = dest.is_dir() and not (dest / MANIFEST).exists() and (dest / "blobs").is_dir()
        raise BackupError(f"{dest} holds a backup that did not finish (no {MANIFEST}): remove "
                          "it, or back up into a new folder" if unfinished else
                          f"{dest} is not empty: back up into a new folder")
    dest.mkdir(parents=True, exist_ok=True)
    report = Report()
    facts = catalogue.snapshot(dest)
    copied, damaged = _copy_files(files, dest / "blobs", steps)
    missing = sorted(facts.named - copied.keys())
    if missing:  # the manifest is not written: restore refuses the folder
        raise BackupError("stored file(s) named by the catalogue missing or damaged (run "
                          "`chancery check`): " + ", ".join(missing))
    manifest = Manifest(version, datetime.now(UTC), facts, _hash_file(dest / facts.file), copied)
    (dest / SETTINGS_FILE).write_text(json.dumps(masked(settings), indent=2) + "\n")
    _write_json(dest / MANIFEST, manifest.as_json())
    report.documents, report.vectors = facts.documents, facts.vectors
    report.blobs, report.bytes, report.left_out = len(copied), manifest.size, damaged
    return report


def _copy_files(files: StoredFiles, folder: Path,
                steps: Steps) -> tuple[dict[str, int], list[str]]:
    """Copy every stored file, hashed as it is read: ({sha256: size}, damaged ones)."""
    hashes = sorted(files.hashes())
    steps.start("Copying files", len(hashes))
    copied, damaged = {}, []
    for sha in hashes:
        target = folder / sha[:2] / sha[2:4] / sha
        target.parent.mkdir(parents=True, exist_ok=True)
        # under its hash only once whole: a backup killed half-way left a cut file under the
        # name an operator copies a damaged file back from
        partial = target.with_name(sha + ".partial")
        with files.open(sha) as src, partial.open("wb") as out:
            digest, size = _copy(src, out)
        if digest == sha:
            os.replace(partial, target)
            copied[sha] = size
        else:
            partial.unlink()
            damaged.append(sha)
        steps.advance()
    return copied, damaged


def refuse_inside(path: Path, folders: list[Path], why: str) -> None:
    """BackupError when ``path`` is one of the archive's folders or lies inside one."""
    where = path.resolve()
    for folder in folders:
        own = folder.resolve()
        if where == own or own in where.parents:
            raise BackupError(f"{path} is inside the archive's folder {folder}: {why}")


def restore_archive(src: Path, catalogue: CatalogueCopy, files: StoredFiles, force: bool,
                    steps: Steps, unfinished: Path) -> Report:
    """Restore the backup in ``src`` into the archive: every file's hash is checked first,
    and nothing is written unless all are sound. Refused for an archive that holds anything
    unless ``force`` (then replaced: its catalogue, and its files the backup lacks).
    ``unfinished`` (the data folder's RESTORING) says, from the first write until
    ``finished``, that a restore is under way: one killed half-way is told next time."""
    report = Report()
    if not force and (unfinished_restore := restore_problems(unfinished)):
        raise BackupError(unfinished_restore[0])
    manifest = read_manifest(src)
    if manifest.catalogue.backend != catalogue.backend:
        raise BackupError(f"this is a backup of a {manifest.catalogue.backend} catalogue and "
                          f"the settings name a {catalogue.backend} one: restore it into "
                          f"{manifest.catalogue.backend}")
    if not catalogue.knows_revision(manifest.catalogue.revision):
        raise BackupError(f"this backup was made by a newer Chancery ({manifest.version}, "
                          f"schema {manifest.catalogue.revision}): upgrade Chancery first")
    held = next(iter(files.hashes()), None) is not None
    if not force and (held or not catalogue.is_empty()):
        raise BackupError("the archive is not empty: restore into a new data folder (or "
                          "database), or replace it with --force")
    _verify(src, manifest, catalogue, steps)
    report.documents, report.vectors = manifest.catalogue.documents, manifest.catalogue.vectors
    unfinished.parent.mkdir(parents=True, exist_ok=True)
    unfinished.write_text(f"{src.resolve()}\n", encoding="utf-8")
    _put_files(src, manifest, files, steps, report)
    catalogue.load(src / manifest.catalogue.file)
    # what the loaded catalogue names, read from it: a dump cannot be read before it is
    # loaded, so before, a PostgreSQL restore took the manifest's word for it (an edited
    # manifest got a file missing past it, and --force then removed the archive's own copy)
    unbacked = sorted(catalogue.named() - manifest.blobs.keys())
    if unbacked:  # RESTORING stays: the archive is neither the old one nor the backup's
        raise BackupError("the restored catalogue names stored file(s) the backup does not "
                          "hold (its manifest does not match its catalogue): "
                          + ", ".join(unbacked[:5]) + "; restore a sound backup with --force")
    for sha in set(files.hashes()) - manifest.blobs.keys():  # what the old archive held
        files.remove(sha)
    return report


def restore_problems(unfinished: Path) -> list[str]:
    """What `check` and `serve` say of a restore that did not finish (its RESTORING left)."""
    if not unfinished.exists():
        return []
    return [f"an earlier restore into this archive (from {_said(unfinished)}) did not finish: "
            "it is neither the old archive nor the backup's; run that restore again with "
            "--force"]


def finished(unfinished: Path) -> None:
    """The restore is over, its index rebuilt: the archive is the backup's."""
    unfinished.unlink(missing_ok=True)


def _said(unfinished: Path) -> str:
    try:
        return unfinished.read_text(encoding="utf-8").strip() or "?"
    except (OSError, UnicodeDecodeError):
        return "?"


def read_manifest(src: Path) -> Manifest:
    """The manifest of a backup folder; BackupError when there is none or it is damaged."""
    try:
        return Manifest.from_json(json.loads((src / MANIFEST).read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise BackupError(f"{src} holds no {MANIFEST}: not a backup, or one that did not "
                          "finish") from None
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, too deep, too long
        raise BackupError(f"{MANIFEST} is damaged: {str(exc)[:200]}") from None
    except OSError as exc:  # SRC a file, the manifest a folder, not readable
        raise BackupError(f"cannot read {src / MANIFEST}: {exc.strerror or exc}") from None


def _verify(src: Path, manifest: Manifest, catalogue: CatalogueCopy, steps: Steps) -> None:
    """Every file the manifest lists hashes to its name, the catalogue snapshot to its
    recorded hash, and every file the catalogue names is among them; else BackupError
    naming each bad file."""
    bad = []
    snapshot = src / manifest.catalogue.file
    if not snapshot.is_file() or _hash_file(snapshot) != manifest.catalogue_sha256:
        bad.append(f"{manifest.catalogue.file} (missing or damaged)")
    steps.start("Verifying files", len(manifest.blobs))
    for sha in sorted(manifest.blobs):
        path = _blob_path(src, sha)
        if not path.is_file():
            bad.append(f"{path.relative_to(src)} (missing)")
        elif _hash_file(path) != sha:
            bad.append(f"{path.relative_to(src)} (damaged: its content no longer has its hash)")
        steps.advance()
    facts = catalogue.facts_of(snapshot) if not bad else None
    named = manifest.catalogue.named | (facts.named if facts else frozenset())
    bad += [f"{sha} (named by the catalogue, not in the backup)"
            for sha in sorted(named - manifest.blobs.keys())]
    if bad:
        raise BackupError("the backup cannot be restored, nothing was changed; bad file(s): "
                          + "; ".join(bad))


def _put_files(src: Path, manifest: Manifest, files: StoredFiles, steps: Steps,
               report: Report) -> None:
    steps.start("Restoring files", len(manifest.blobs))
    for sha, size in sorted(manifest.blobs.items()):
        if not files.verify(sha):  # absent, or a damaged copy the store would keep
            files.remove(sha)
            stored, _ = files.put(_blob_path(src, sha))
            if stored != sha:
                raise BackupError(f"{_blob_path(src, sha)} changed while it was restored")
        report.blobs += 1
        report.bytes += size
        steps.advance()


def rebuild_derived(catalogue: Catalogue, index: SearchIndex, follow_vectors: Callable[[], int],
                    steps: Steps, documents: int, vectors: int) -> tuple[int, int]:
    """After a restore: the search index built anew from the catalogue and the node's vector
    index from its passage vectors, when there are any (the node's follower builds one
    later otherwise); (documents indexed, vectors placed)."""
    steps.start("Indexing", documents)
    # a new generation: every other node's index, made before the catalogue was put back,
    # is then unusable and rebuilt (docs/operator.md "Backups")
    indexed = rebuild_index(catalogue, index, steps.advance, everywhere=True)
    return indexed, follow_vectors() if vectors else 0


def clear_derived(folders: list[Path]) -> None:
    """Remove what was made from the archive before the restore (search index, vector
    index, page images, kept citations, downloads): made again from the restored catalogue.
    A restored catalogue may be older than them (a download is named by a change counter
    the restored one will count to again). Each folder is emptied, not removed: the derived
    folder may be a shared mount (``derived_dir``), which cannot be removed."""
    for folder in folders:
        for made in folder.iterdir() if folder.is_dir() else ():
            if made.suffix == ".lock":  # not made from the archive: another process may hold
                continue  # it (deleted, a second rebuild could lock a new file beside it)
            if made.is_dir() and not made.is_symlink():
                shutil.rmtree(made, ignore_errors=True)
            else:
                made.unlink(missing_ok=True)


SECRETS = frozenset({"metrics_token"})  # settings that are secrets whole, kept as *** if set


# a URL's user and password as SQLAlchemy and libpq read them: the password runs to the
# "@" (it may hold "/", "#" or "?", which urllib takes for the path, the fragment or the
# query, and then saw no password at all)
_CREDENTIALS = re.compile(r"^(?P<head>[A-Za-z][\w+.-]*://[^:/@]*):[^@]*@")


def masked(settings: dict[str, str]) -> dict[str, str]:
    """Settings as kept in a backup: a secret setting, and the password inside every URL
    (of a list too: the replicas, the caches to purge), replaced by ***."""
    return {name: ("***" if value else "") if name in SECRETS
            else ",".join(_CREDENTIALS.sub(r"\g<head>:***@", v) for v in value.split(","))
            if "://" in value else value for name, value in settings.items()}


def settings_changed(src: Path, settings: dict[str, str]) -> list[str]:
    """Names of the settings the archive is restored under that differ from the backup's
    (its name, public address…): said, not applied, since the target's settings rule."""
    try:
        kept = json.loads((src / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable, not JSON: nothing to compare
        return []
    if not isinstance(kept, dict):
        return []
    now = masked(settings)
    return sorted(k for k, v in kept.items()
                  if k in now and now[k] != v and k not in ("data", "database_url"))


def _blob_path(folder: Path, sha: str) -> Path:
    return folder / "blobs" / sha[:2] / sha[2:4] / sha


def _copy(src: BinaryIO, out: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := src.read(_CHUNK):
        digest.update(chunk)
        out.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _write_json(path: Path, data: object) -> None:
    """Written whole or not at all: the manifest marks a finished backup."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(partial, path)
