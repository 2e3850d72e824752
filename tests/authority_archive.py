"""A small published archive for the authority and collection editors: two records for one
man (Kennan, with a variant "Zarnicki" that no text prints), an organization, and three
collections (one nested), imported from a bundle written on the spot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.services import search
from chancery.services.imports import import_paths

VARIANT = "Zarnicki"  # a variant of the first Kennan record, printed in no text
KENNAN, FROST = "person/kennan-george-f", "person/kennan-george-frost"
DOCS = ["kdoc1", "kdoc2", "kdoc3", "kdoc4"]

_AUTHORITIES = [
    {"ref": "kennan", "kind": "person", "name": "Kennan, George F.",
     "variants": [VARIANT, {"name": "Кеннан, Джордж", "source": "original-script",
                            "language": "ru"}]},
    {"ref": "frost", "kind": "person", "name": "Kennan, George Frost"},
    {"ref": "pps", "kind": "organization", "name": "Policy Planning Staff"},
]
_COLLECTIONS = [{"key": "planning", "title": "Planning papers"},
                {"key": "planning/1947", "title": "Papers of 1947", "parent": "planning"},
                {"key": "memos", "title": "Memoranda"}]


def _doc(n: int) -> dict[str, Any]:
    authors = ["kennan"] if n <= 2 else ["frost"] if n == 3 else []
    return {"public_id": DOCS[n - 1], "title": f"Paper {n} on containment",
            "type": "memorandum", "date": f"1947-0{n}-01", "authors": authors,
            "mentioned": ["pps"] if n == 4 else [],
            "collections": ["planning/1947" if n <= 2 else "memos"],
            "texts": [{"language": "en", "file": f"{DOCS[n - 1]}.en.txt"}],
            "publication": {"state": "published"}}


def import_archive(app: App, folder: Path) -> None:
    """Write and import the bundle, then build the search index."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bundle.yaml").write_text(yaml.safe_dump(
        {"format": "chancery-bundle", "version": 1, "collections": _COLLECTIONS,
         "authorities": _AUTHORITIES}, allow_unicode=True))
    for n in range(1, 5):
        (folder / f"{DOCS[n - 1]}.yaml").write_text(yaml.safe_dump(_doc(n)))
        (folder / f"{DOCS[n - 1]}.en.txt").write_text(f"Containment, part {n}.\n")
    result = import_paths([folder], app.import_context())
    assert not result.failed, result.failed
    search.refresh_index(app.catalogue, app.index)


def built_archive(root: Path) -> App:
    """A new archive in ``root`` holding the bundle above, indexed (the workspace editors'
    tests share it)."""
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    import_archive(app, root / "bundle")
    return app
