"""The scale benchmark's import under load writes new documents every run.

Before, it imported the same core volumes each run: from the second run on the archive held
them already and the import, finding them unchanged, wrote nothing, so "readers during an
import" were measured beside a re-import that only read and compared."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from chancery.domain.documents import ParsedDocument
from chancery.ingest.base import Limits
from chancery.ingest.frus import FrusImporter
from tests.conftest import CORPUS, ROOT, need

LIMITS = Limits(max_file_bytes=64 * 1024 * 1024, max_pages=10)


def _documents(path: Path) -> list[tuple[str, str, str]]:
    """(source id, public id, title) of each document a volume gives."""
    out = []
    for batch in FrusImporter().read(path, LIMITS):
        out += [(i.document.source_id, i.document.public_id, i.document.title)
                for i in batch.items if isinstance(i, ParsedDocument)]
    return out


def test_fresh_copies_give_every_document_a_new_id_and_keep_the_rest(tmp_path: Path) -> None:
    volumes = sorted((CORPUS / "frus" / "core").glob("*.xml"))[:1]
    need(bool(volumes), f"FRUS corpus not found at {CORPUS / 'frus' / 'core'}")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    scale = importlib.import_module("benchmarks.scale")

    copies = scale.fresh_copies(volumes, tmp_path)

    original, copied = _documents(volumes[0]), _documents(copies[0])
    assert len(copied) == len(original) > 100
    assert {p for _, p, _ in copied}.isdisjoint({p for _, p, _ in original})
    assert {s for s, _, _ in copied}.isdisjoint({s for s, _, _ in original})
    assert [t for _, _, t in copied] == [t for _, _, t in original]  # the same texts otherwise
