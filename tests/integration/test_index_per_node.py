"""Two web nodes on one catalogue, each with its own data folder and search index, sharing
one blob folder (the multi-node test runs them as `chancery serve` processes on PostgreSQL;
here the same on one SQLite catalogue, in-process)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chancery.bootstrap import App, build_app, has_archive
from chancery.config import load_settings
from chancery.domain.publication import Actor
from chancery.services import search
from tests.editorial import WORD, import_bundle


def _node(root: Path, name: str) -> App:
    return build_app(load_settings(data=str(root / name),
                                   database_url=f"sqlite:///{root / 'catalogue.sqlite3'}",
                                   blobs_dir=str(root / "blobs")))


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[tuple[App, App]]:
    """Node one has imported the okapi papers and indexed them; node two is new."""
    one = _node(tmp_path, "one")
    import_bundle(one, tmp_path / "bundle", state="published")
    two = _node(tmp_path, "two")
    yield one, two
    one.close()
    two.close()


def _finds(app: App) -> int:
    return app.search.documents(WORD, actor=Actor.PUBLIC).results.total


def test_a_new_node_builds_its_own_index_and_leaves_the_others_usable(
        nodes: tuple[App, App]) -> None:
    """Node two, started with an empty index folder, builds its index from the catalogue;
    node one's index stays usable and in step, so neither rebuilds again (each rebuild used
    to start a new generation, unusable for the other node: two followers rebuilt in turn)."""
    one, two = nodes
    assert search.follow_index(two.catalogue, two.index) == 3
    assert search.check_index(one.catalogue, one.index) == 0  # no IndexUnavailable
    for _ in range(2):  # a few follower rounds on each node: nothing more to do
        assert search.follow_index(one.catalogue, one.index) == 0
        assert search.follow_index(two.catalogue, two.index) == 0
    assert _finds(one) == _finds(two) == 3


def test_reindex_on_one_node_leaves_the_others_searching(nodes: tuple[App, App]) -> None:
    """`chancery reindex` rebuilds its own node's index; the other node's stays in use."""
    one, two = nodes
    search.follow_index(two.catalogue, two.index)
    search.rebuild_index(one.catalogue, one.index)
    assert search.index_problems(two.catalogue, two.index) == []
    assert search.follow_index(two.catalogue, two.index) == 0
    assert _finds(one) == _finds(two) == 3


def test_a_new_generation_makes_every_node_rebuild_once(nodes: tuple[App, App]) -> None:
    """A rebuild ``everywhere`` (a catalogue put back from a backup) leaves the other node's
    index unusable; its follower rebuilds it once, to that generation, and both are in use."""
    one, two = nodes
    search.follow_index(two.catalogue, two.index)
    search.rebuild_index(one.catalogue, one.index, everywhere=True)
    assert search.index_problems(two.catalogue, two.index)  # from the generation before
    assert search.follow_index(two.catalogue, two.index) == 3
    assert search.index_problems(one.catalogue, one.index) == []
    assert search.follow_index(one.catalogue, one.index) == 0
    assert _finds(two) == 3


def test_every_node_reads_the_one_blob_folder(nodes: tuple[App, App], tmp_path: Path) -> None:
    """A file stored through one node (an upload, an import) is there for the other."""
    one, two = nodes
    scan = tmp_path / "scan.bin"
    scan.write_bytes(b"%PDF-1.4 a scan's bytes")
    sha, _ = one.blobs.put(scan)
    assert two.blobs.exists(sha) and two.blobs.verify(sha)
    assert one.settings.blob_dir == two.settings.blob_dir == tmp_path / "blobs"
    assert not (tmp_path / "one" / "blobs").exists()


def test_a_new_node_with_a_data_folder_of_its_own_serves_the_archive(
        nodes: tuple[App, App], tmp_path: Path) -> None:
    """A third node's data folder does not exist yet: with the catalogue in a database and
    the blobs in the shared folder, it is an archive (`serve` starts and builds its index);
    without a blob folder of its own setting, a data folder that is not there is a typo."""
    url = f"sqlite:///{tmp_path / 'catalogue.sqlite3'}"
    new = tmp_path / "three"
    assert has_archive(load_settings(data=str(new), database_url=url,
                                     blobs_dir=str(tmp_path / "blobs")))
    assert not has_archive(load_settings(data=str(new), database_url=url, blobs_dir=""))
    assert not has_archive(load_settings(data=str(new), database_url="",
                                         blobs_dir=str(tmp_path / "blobs")))
