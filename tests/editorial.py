"""A small archive for the editorial tests: documents in draft with a word of their own
("okapi"), imported from a bundle written on the spot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from chancery.bootstrap import App
from chancery.services import search
from chancery.services.imports import import_paths

WORD = "okapi"  # only these documents carry it: a public search for it shows what is public
DOCS = ["wfdoc001", "wfdoc002", "wfdoc003"]


def _doc(public_id: str, n: int, state: str) -> dict[str, Any]:
    return {"public_id": public_id, "title": f"Telegram {n} on the {WORD} question",
            "type": "telegram", "date": f"1961-03-0{n}", "summary": f"The {WORD} affair, part {n}.",
            "authors": ["herter"], "collections": ["okapi-papers"],
            "texts": [{"language": "en", "file": f"{public_id}.en.txt"}],
            "publication": {"state": state}}


def write_bundle(folder: Path, state: str = "draft", title_of_first: str = "") -> Path:
    """The bundle; ``title_of_first`` gives the first document another title (an update)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"format": "chancery-bundle", "version": 1,
                "collections": [{"key": "okapi-papers", "title": "Okapi papers"}],
                "authorities": [{"ref": "herter", "kind": "person", "name": "Herter, Christian A."}]}
    (folder / "bundle.yaml").write_text(yaml.safe_dump(manifest))
    for n, public_id in enumerate(DOCS, start=1):
        doc = _doc(public_id, n, state)
        if n == 1 and title_of_first:
            doc["title"] = title_of_first
        (folder / f"{public_id}.yaml").write_text(yaml.safe_dump(doc))
        (folder / f"{public_id}.en.txt").write_text(f"The {WORD} question, telegram {n}.\n")
    return folder


def import_bundle(app: App, folder: Path, **kwargs: str) -> None:
    """Import the bundle and catch the search index up, as `chancery import` does."""
    result = import_paths([write_bundle(folder, **kwargs)], app.import_context())
    assert not result.failed, result.failed
    search.refresh_index(app.catalogue, app.index)
