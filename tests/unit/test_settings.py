"""The settings table is the one source of each setting: documented, with one default."""

from __future__ import annotations

import re
from dataclasses import MISSING, fields
from pathlib import Path

import pytest

from chancery.config import SETTINGS, load_settings
from chancery.ingest.base import Limits
from chancery.services.imports import ImportContext

OPERATOR = Path(__file__).resolve().parents[2] / "docs" / "operator.md"


def test_every_setting_is_documented_in_the_operator_guide() -> None:
    """docs/operator.md has a row for each setting of config.SETTINGS: its name, environment
    variable and default (as config.py promises), and no row for a setting that is gone."""
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*$",
                                                       OPERATOR.read_text(), re.M)}
    for s in SETTINGS:
        assert s.name in rows, f"{s.name} is not in docs/operator.md"
        assert f"`{s.env}`" in rows[s.name]
        assert (f"`{s.default}`" if s.default else "*(empty)*") in rows[s.name], s.name
    assert set(rows) == {s.name for s in SETTINGS}


def test_the_largest_import_file_has_one_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """The import limit comes only from the max_file_size setting: the ingest side has no
    default of its own (it said 64 MiB while the setting said 256 MiB)."""
    assert all(f.default is MISSING and f.default_factory is MISSING for f in fields(Limits))
    limits = next(f for f in fields(ImportContext) if f.name == "limits")
    assert limits.default is MISSING and limits.default_factory is MISSING
    monkeypatch.delenv("CHANCERY_MAX_FILE_SIZE", raising=False)
    default = next(s for s in SETTINGS if s.name == "max_file_size").default
    assert load_settings().max_file_size == int(default) == 256 * 1024 * 1024
