"""A small archive for the health, readiness and metrics tests: bundles of public documents
and of documents the public may not see, imported as `chancery import` does."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.web.server import create_app

_bundles = itertools.count()
LOOPBACK = ("127.0.0.1", 40000)
PUBLIC_CLIENT = ("203.0.113.9", 40000)  # an address of the documentation range: the public


def write_bundle(root: Path, documents: dict[str, dict[str, str]]) -> Path:
    """A bundle of one-page memoranda: public id -> publication (empty: published)."""
    folder = root / f"bundle{next(_bundles)}"
    folder.mkdir(parents=True)
    manifest = {"format": "chancery-bundle", "version": 1}
    (folder / "bundle.yaml").write_text(yaml.safe_dump(manifest))
    for n, (public_id, publication) in enumerate(documents.items()):
        record: dict[str, Any] = {
            "public_id": public_id, "title": f"Memorandum {public_id} on Berlin",
            "type": "memorandum", "date": f"1961-08-{n + 10}",
            "texts": [{"language": "en", "file": f"{public_id}.en.txt"}]}
        if publication:
            record["publication"] = publication
        (folder / f"{public_id}.yaml").write_text(yaml.safe_dump(record))
        (folder / f"{public_id}.en.txt").write_text(f"The situation in Berlin, {public_id}.\n")
    return folder


def add_documents(app: App, root: Path, documents: dict[str, dict[str, str]],
                  indexed: bool = True) -> None:
    """Import documents (their citation jobs queued, as the CLI does); index them unless not."""
    result = import_paths([write_bundle(root, documents)], app.import_context())
    assert not result.failed, result.failed
    app.jobs.queue_documents(list(documents), {})  # their citations, as `chancery import` does
    if indexed:
        search.refresh_index(app.catalogue, app.index)


def health_archive(root: Path, **settings: str) -> App:
    """Two public documents, indexed; ``settings`` as CHANCERY_* would give them."""
    app = build_app(load_settings(data=str(root / "data"), database_url="", **settings))
    add_documents(app, root, {"open0001": {}, "open0002": {}})
    return app


def client(site: App | FastAPI, address: tuple[str, int] = PUBLIC_CLIENT) -> TestClient:
    """A client of the archive's site (made anew for an App) from ``address``."""
    return TestClient(create_app(site) if isinstance(site, App) else site, client=address)
