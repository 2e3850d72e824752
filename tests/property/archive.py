"""The property test's archive: a few documents, each findable by a word of its own and all
by a shared one, written as bundles, with a real Tantivy index, and an account with API
tokens for each person of the test; its catalogue on SQLite or PostgreSQL."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import yaml

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.accounts import Role
from chancery.domain.publication import PublicationState as S
from chancery.services import search
from chancery.services.imports import ImportSummary, import_paths
from tests.conftest import _reset_postgres as reset_postgres
from tests.property.model import SHARED, Source

# one word per document, in no other, and one more that a revised source adds to its title
WORDS = ["kestrel", "marmot", "ocelot", "tapir", "wombat", "quoll"]
REVISED = ["gerenuk", "serval", "binturong", "numbat", "saola", "tenrec"]
BASE = ["prop0001", "prop0002", "prop0003"]  # in one bundle, re-imported changed or not
NEW = ["prop0101", "prop0102", "prop0103"]  # imported later, one bundle each
# two reviewers and an editor: four eyes and role refusals happen as often as steps taken
PEOPLE = {"ann@archive.test": Role.REVIEWER, "ben@archive.test": Role.REVIEWER,
          "eve@archive.test": Role.EDITOR}
EDITOR = "eve@archive.test"
# the rate limits are off: a run asks the API and OAI-PMH thousands of times
_LIMITS = {"api_rate_limit": "0", "search_rate_limit": "0", "oai_rate_limit": "0",
           "export_rate_limit": "0", "allow_self_approval": "false"}


def word_of(public_id: str) -> tuple[str, str]:
    """A document's own word and its revised word."""
    n = (BASE + NEW).index(public_id)
    return WORDS[n], REVISED[n]


def _record(public_id: str, src: Source) -> dict[str, Any]:
    word, revised = word_of(public_id)
    title = f"Telegram on the {word} question" + (f", {revised} corrected" if src.revised else "")
    publication: dict[str, Any] = {"state": src.state.value}
    if src.embargo is not None:
        publication["embargo_until"] = src.embargo.isoformat()
    # the text inline: a content hash must not depend on where the bundle lies
    return {"public_id": public_id, "title": title, "type": "telegram", "date": "1961-03-01",
            "texts": [{"language": "en", "body": f"The {SHARED} affair: the {word} report.\n"}],
            "publication": publication}


def write_bundle(folder: Path, files: dict[str, Source]) -> Path:
    """A bundle holding one file per document, as ``files`` says."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bundle.yaml").write_text(yaml.safe_dump({"format": "chancery-bundle", "version": 1}))
    for public_id, src in files.items():
        (folder / f"{public_id}.yaml").write_text(yaml.safe_dump(_record(public_id, src)))
    return folder


def import_bundle(app: App, folder: Path, files: dict[str, Source]) -> ImportSummary:
    """Write and import the bundle, then catch the index up, as `chancery import` does."""
    result = import_paths([write_bundle(folder, files)], app.import_context())
    assert not result.failed, result.failed
    search.refresh_index(app.catalogue, app.index)
    return result


def starting_files(today: date) -> dict[str, Source]:
    """The first bundle: a draft, a published document and one published under an embargo
    that ends in two days."""
    return {BASE[0]: Source(S.DRAFT), BASE[1]: Source(S.PUBLISHED),
            BASE[2]: Source(S.PUBLISHED, date.fromordinal(today.toordinal() + 2))}


def open_app(data: Path, database_url: str = "", migrate: bool = True) -> App:
    """The archive in ``data``, its catalogue on SQLite or at ``database_url``."""
    return build_app(load_settings(data=str(data), database_url=database_url, **_LIMITS),
                     migrate=migrate)


@dataclass(frozen=True)
class Tokens:
    """The API tokens of the starting archive's accounts."""

    writers: dict[str, str]  # email -> write token
    reader: str  # an editor's read token (the API as editors read it)


def fill(app: App, root: Path, today: date) -> Tokens:
    """The starting archive: the first bundle, and an account with a write token for each
    person of the test."""
    import_bundle(app, root / "bundle", starting_files(today))
    for email, role in PEOPLE.items():
        app.accounts.add_user(email, role.value, None)
    writers = {email: app.tokens.create(email, "write")[1] for email in PEOPLE}
    return Tokens(writers, app.tokens.create(EDITOR, "read")[1])


class Archives(Protocol):
    """How each example gets its starting archive, in ``folder``."""

    def __call__(self, folder: Path, today: date) -> tuple[App, Tokens]: ...


def sqlite_archives(root: Path, today: date) -> Archives:
    """On SQLite, the starting archive is built once and its data folder copied for each
    example: building and migrating one each time would take most of the time budget."""
    app = open_app(root / "template")
    try:
        tokens = fill(app, root, today)
    finally:
        app.close()

    def copy(folder: Path, today: date) -> tuple[App, Tokens]:
        shutil.copytree(root / "template", folder / "data")
        return open_app(folder / "data", migrate=False), tokens
    return copy


def postgres_archives(url: str) -> Archives:
    """On PostgreSQL, each example's archive is built afresh (the schema dropped first)."""
    def build(folder: Path, today: date) -> tuple[App, Tokens]:
        reset_postgres(url)
        app = open_app(folder / "data", url)
        return app, fill(app, folder, today)
    return build
