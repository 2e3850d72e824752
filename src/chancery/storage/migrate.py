"""Schema migrations: Alembic, run programmatically on the catalogue's engine."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

if TYPE_CHECKING:  # Alembic is imported when a migration is looked at, not by `--help`
    from alembic.config import Config

_SCRIPTS = str(Path(__file__).with_name("migrations"))


def _config() -> Config:
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", _SCRIPTS)
    return cfg


def head_revision() -> str:
    """The newest migration this version of Chancery knows."""
    from alembic.script import ScriptDirectory
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema."""
    from alembic import command
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def knows_revision(revision: str) -> bool:
    """Whether this version of Chancery has the migration (a newer one's is unknown)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError
    try:
        return ScriptDirectory.from_config(_config()).get_revision(revision) is not None
    except CommandError:
        return False


def make_revision(engine: Engine, message: str) -> None:
    """Write a new migration by comparing the tables with the database (developers only)."""
    from alembic import command
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
