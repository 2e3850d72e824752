"""A consistent copy of the catalogue and its loading back: SQLite's online backup, or
PostgreSQL's own pg_dump and pg_restore (Debian's postgresql-client).

Each snapshot is read in one transaction together with what the manifest says of it (its
revision, counts and the blob hashes its rows name), so the manifest describes exactly the
rows in the file, whatever an import or a server writes meanwhile."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError

from chancery.domain.backups import SNAPSHOT_FILES, BackupError, CatalogueFacts
from chancery.storage import migrate
from chancery.storage.fixity import named_files
from chancery.storage.rows import short_error

SQLITE_FILE = SNAPSHOT_FILES["sqlite"]
PG_FILE = SNAPSHOT_FILES["postgresql"]
# tables people fill; a catalogue with none of their rows is empty (`chancery init` makes it)
_PEOPLES_TABLES = ("documents", "authorities", "collections", "users")


class SqlCatalogueCopy:
    """Snapshots of one catalogue (SQLite or PostgreSQL) and their loading into it."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)

    @property
    def backend(self) -> str:
        """"sqlite" or "postgresql"."""
        return self.url.get_backend_name()

    def snapshot(self, folder: Path) -> CatalogueFacts:
        """Write a consistent copy of the catalogue into ``folder``; what it holds."""
        with _reported("copy the catalogue"):
            if self.backend == "sqlite":
                return _sqlite_snapshot(self._sqlite_path(), folder / SQLITE_FILE)
            return _pg_snapshot(self.url, folder / PG_FILE)

    def facts_of(self, file: Path) -> CatalogueFacts | None:
        """What a snapshot file holds, when it can be read without loading it (SQLite)."""
        if file.name != SQLITE_FILE:
            return None
        try:
            return _sqlite_facts(file)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{file.name} is not a readable SQLite catalogue ({exc})") from None

    def knows_revision(self, revision: str | None) -> bool:
        """Whether this Chancery can open a catalogue at that schema revision (not one a
        newer Chancery migrated)."""
        return revision is None or migrate.knows_revision(revision)

    def is_empty(self) -> bool:
        """Whether the catalogue holds nothing people made (no catalogue at all counts)."""
        if self.backend == "sqlite" and not self._sqlite_path().is_file():
            return True
        engine = create_engine(self.url)
        try:
            with _reported("read the catalogue"), engine.connect() as conn:
                tables = inspect(conn).get_table_names()
                return not any(conn.exec_driver_sql(f"SELECT 1 FROM {t} LIMIT 1").first()
                               for t in _PEOPLES_TABLES if t in tables)
        finally:
            engine.dispose()

    def load(self, file: Path) -> None:
        """Make the catalogue the snapshot in ``file``, all at once: whatever it held is
        replaced, or, when loading fails, left as it was."""
        with _reported("load the catalogue"):
            if self.backend == "sqlite":
                _sqlite_load(file, self._sqlite_path())
            else:
                _pg_load(file, self.url)

    def named(self) -> frozenset[str]:
        """The hashes of the stored files the catalogue names now."""
        engine = create_engine(self.url)
        try:
            with _reported("read the restored catalogue"), engine.connect() as conn:
                return frozenset(named_files(conn))
        finally:
            engine.dispose()

    def _sqlite_path(self) -> Path:
        return Path(self.url.database or "")


@contextmanager
def _reported(doing: str) -> Iterator[None]:
    """A database that cannot be reached or written, as a BackupError saying so (a restore
    into a PostgreSQL database that does not exist printed 450 lines of traceback)."""
    try:
        yield
    except (sqlite3.Error, DBAPIError) as exc:
        raise BackupError(f"cannot {doing}: {short_error(exc)}") from None


def _facts(conn: Connection, backend: str, file: str) -> CatalogueFacts:
    tables = set(inspect(conn).get_table_names())
    revision = (conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
                if "alembic_version" in tables else None)

    def count(table: str) -> int:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
                   if table in tables else 0)

    return CatalogueFacts(backend, file, revision, count("documents"),
                          count("passage_vectors"), frozenset(named_files(conn)))


# -- SQLite ---------------------------------------------------------------------------------

def _sqlite_snapshot(source: Path, target: Path) -> CatalogueFacts:
    # one step (pages=-1): the whole copy is read in one read transaction, which in WAL mode
    # never stops a writer, and is never restarted by one (a paged copy starts over after
    # every write by another connection, so under a steady import it might never end)
    with closing(sqlite3.connect(source, timeout=30)) as src, \
            closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside
    return _sqlite_facts(target)


def _sqlite_facts(file: Path) -> CatalogueFacts:
    engine = create_engine(f"sqlite:///{file}")  # no WAL pragma: the file stays as it is
    try:
        with engine.connect() as conn:
            return _facts(conn, "sqlite", file.name)
    finally:
        engine.dispose()


def _sqlite_load(file: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(target.name + ".restoring")
    shutil.copyfile(file, staged)
    try:
        # the old catalogue's write-ahead log must go first: left beside the new file it
        # would be replayed into it
        for extra in ("-wal", "-shm"):
            target.with_name(target.name + extra).unlink(missing_ok=True)
        os.replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)


# -- PostgreSQL -----------------------------------------------------------------------------

def _pg_snapshot(url: URL, target: Path) -> CatalogueFacts:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                # pg_dump reads the very snapshot this transaction reads the facts in
                snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
                facts = _facts(conn, "postgresql", target.name)
                _run([pg_client("pg_dump"), "--format=custom", f"--snapshot={snapshot}",
                      f"--file={target}", _dsn(url)], url)
        return facts
    finally:
        engine.dispose()


def _pg_load(file: Path, url: URL) -> None:
    # the old tables are dropped and the snapshot's made in one transaction (psql -1), so a
    # failed restore leaves the catalogue as it was
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
    finally:
        engine.dispose()
    drop = f"DROP TABLE IF EXISTS {', '.join(tables)} CASCADE" if tables else "SELECT 1"
    with subprocess.Popen([pg_client("pg_restore"), "--no-owner", "--no-privileges",
                           "--file=-", str(file.resolve())], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as restore, \
            subprocess.Popen([pg_client("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                              "--single-transaction", "-c", drop, "-f", "-", _dsn(url)],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=_env(url)) as load:
        read_err, load_err = _relay(restore, load)
    if restore.returncode or load.returncode:
        raise BackupError("restoring the PostgreSQL catalogue failed, nothing changed: "
                          + (read_err or load_err).decode(errors="replace").strip())


def _relay(restore: subprocess.Popen[bytes], load: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    """pg_restore's script into psql, ended (and so committed) only when pg_restore read the
    whole dump: if it fails half-way, psql is killed mid-transaction and nothing is kept."""
    assert restore.stdout and restore.stderr and load.stdin and load.stderr
    with suppress(BrokenPipeError):  # psql stopped on an error: its message says which
        shutil.copyfileobj(restore.stdout, load.stdin, 1024 * 1024)
    read_err = restore.stderr.read()
    if restore.wait():
        load.kill()
    else:
        with suppress(BrokenPipeError):
            load.stdin.close()
    load_err = load.stderr.read()
    load.wait()
    return read_err, load_err


def pg_client(name: str) -> str:
    """A PostgreSQL client program: on PATH, else the newest in Debian's
    /usr/lib/postgresql/*/bin (a newer pg_dump reads older servers, not the other way)."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                      key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if not versions:
        raise BackupError(f"{name} not found: install Debian's postgresql-client")
    return str(versions[-1])


def _dsn(url: URL) -> str:
    """The libpq form of the URL, without its password (given through the environment, not
    the command line every user of the machine can read)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _env(url: URL) -> dict[str, str]:
    return {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}


def _run(command: list[str], url: URL) -> None:
    done = subprocess.run(command, env=_env(url), capture_output=True, check=False)
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: "
                          f"{done.stderr.decode(errors='replace').strip()}")
