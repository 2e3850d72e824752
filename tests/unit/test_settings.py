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


def test_derived_files_live_in_the_data_folder_unless_a_folder_is_named(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """derived_dir empty: DATA/derived; named (flag or CHANCERY_DERIVED_DIR): that folder,
    the one every node of an archive shares."""
    monkeypatch.delenv("CHANCERY_DERIVED_DIR", raising=False)
    assert load_settings(data=str(tmp_path)).derived_path == tmp_path / "derived"
    monkeypatch.setenv("CHANCERY_DERIVED_DIR", str(tmp_path / "shared"))
    assert load_settings(data=str(tmp_path / "data")).derived_path == tmp_path / "shared"


@pytest.mark.parametrize("blobs", ["data/index/store", "data/index", "data/vectors/x"])
def test_a_blob_folder_inside_an_index_folder_is_refused(tmp_path: Path, blobs: str) -> None:
    """Found by a hostile test: a restore empties the index folders, and the stored files
    it had just put back there went with them ("Restored", then every file missing)."""
    with pytest.raises(ValueError, match=r"blobs_dir .* must not be inside the index folder"):
        load_settings(data=str(tmp_path / "data"), blobs_dir=str(tmp_path / blobs))
    assert load_settings(data=str(tmp_path / "data"),
                         blobs_dir=str(tmp_path / "data" / "blobs")).blob_dir.name == "blobs"


@pytest.mark.parametrize("derived", ["data", ".", "shared/blobs", "shared/blobs/d", "shared"])
def test_a_derived_folder_over_the_data_or_the_blobs_is_refused(tmp_path: Path,
                                                                derived: str) -> None:
    """A restore empties the derived folder: one that is or holds the data folder, or
    overlaps the blob store, would take the catalogue or the stored files with it."""
    with pytest.raises(ValueError, match="derived_dir"):
        load_settings(data=str(tmp_path / "data"), blobs_dir=str(tmp_path / "shared" / "blobs"),
                      derived_dir=str(tmp_path / derived))
    assert load_settings(data=str(tmp_path / "data"), blobs_dir=str(tmp_path / "blobs"),
                         derived_dir=str(tmp_path / "derived")).derived_path.name == "derived"
