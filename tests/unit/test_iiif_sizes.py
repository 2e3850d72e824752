"""The IIIF image sizes kept in memory are bounded (they were kept in a dict that only grew)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from chancery.iiif.routes import SIZES_KEPT, image_size


def test_image_sizes_are_read_once_and_kept_within_a_bound(tmp_path: Path) -> None:
    """Each page's size is read from its file once; the cache never holds more than
    SIZES_KEPT pages, the least recently asked going first."""
    image_size.cache_clear()
    paths = []
    for n in range(1, 6):
        path = tmp_path / f"{n}.png"
        Image.new("L", (n * 10, n * 7)).save(path)
        paths.append(path)
    assert [image_size(p) for p in paths] == [(n * 10, n * 7) for n in range(1, 6)]
    assert image_size(paths[0]) == (10, 7)
    info = image_size.cache_info()
    assert info.hits == 1 and info.currsize == 5
    assert info.maxsize == SIZES_KEPT and 0 < SIZES_KEPT <= 100_000
