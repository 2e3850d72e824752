"""Renderings kept in the data folder, keyed by what they were made from: the item, the
style file and the engine version. A changed record, style or engine is simply a new key."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from chancery.citing.interface import Rendered, Style
from chancery.domain.csl import CslItem


@lru_cache(maxsize=64)
def _file_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class CitationCache:
    """A folder of small JSON files, one per (item, style, engine)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key(self, item: CslItem, style: Style, engine_version: str) -> str:
        """The cache key of one rendering."""
        made_from = json.dumps([item, style.path, _file_hash(style.path), style.locale,
                                engine_version], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(made_from.encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> Rendered | None:
        """The rendering, or None when it was never made."""
        try:
            return Rendered(**json.loads(self._path(key).read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def put(self, key: str, rendered: Rendered) -> None:
        """Keep a rendering (written whole, then renamed: readers never see half a file)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(rendered), ensure_ascii=False))
        tmp.replace(path)

    def forget(self, key: str) -> bool:
        """Remove a kept rendering (a purge); whether there was one."""
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            return False
        return True
