"""The reading room's look (issue #10, point 23): a first-page thumbnail beside scanned
results and on the home page's cards, only ever of what the reader may see; a home page with
one search box, collections with their counts and date spans from the index, and a timeline
whose years lead to their browse pages; templates a strict CSP can serve."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from chancery.bootstrap import build_app
from chancery.config import load_settings
from chancery.demo import demo_sources
from chancery.search.interface import Bucket
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from chancery.web.views.finding import MAX_YEAR_BARS, timeline

TEMPLATES = Path(__file__).resolve().parents[2] / "src/chancery/web/templates"
JFK = "JFK Assassination Records (2025 release)"


def _scan(path: Path, words: str) -> None:
    page = Image.new("L", (850, 1100), 255)
    ImageDraw.Draw(page).text((80, 80), words, fill=0)
    page.save(path)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("look")


@pytest.fixture(scope="module")
def hidden_scan(root: Path, site: TestClient) -> str:
    """The SHA-256 of the draft's scan."""
    return hashlib.sha256((root / "hidden.png").read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def site(root: Path) -> Iterator[TestClient]:
    """The demo archive, plus two scanned documents in the JFK collection: one published,
    one a draft dated 1999 (outside the collection's public span)."""
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    _scan(root / "open.png", "OPEN PAGE")
    _scan(root / "hidden.png", "HIDDEN PAGE")
    (root / "extra.csv").write_text(
        "id,title,type,date,language,text,files,collection,state\n"
        f"open-scan,Cable on the open page,cable,1962-11-02,en,Havana text,open.png,{JFK},published\n"
        f"hidden-scan,Cable on the hidden page,cable,1999-01-01,en,Havana text,hidden.png,{JFK},draft\n",
        encoding="utf-8")
    assert not import_paths([*demo_sources(), root / "extra.csv"], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    yield TestClient(create_app(app))
    app.catalogue.dispose()


def _page(site: TestClient, path: str) -> str:
    got = site.get(path)
    assert got.status_code == 200, (path, got.status_code)
    return got.text


def _hits(html: str) -> list[str]:
    """Each result's HTML."""
    return re.findall(r'<li class="hit[^"]*">(.*?)</li>', html, re.S)


def _thumbnails(html: str) -> list[str]:
    return re.findall(r'<img src="(/scans/[0-9a-f]{64}/1-200\.png)"[^>]*>', html)


def test_scanned_results_show_their_first_page_and_the_others_none(site: TestClient) -> None:
    hits = _hits(_page(site, "/search?q=Cuba"))
    scanned = [h for h in hits if "nara-jfk/" in h]
    assert scanned and len(scanned) < len(hits)  # FRUS telegrams on Cuba have no scans
    for hit in hits:
        assert bool(_thumbnails(hit)) == (hit in scanned)
    img = re.search(r"<img [^>]*>", scanned[0])
    assert img is not None
    for attribute in ('loading="lazy"', 'width="200"', 'height="259"', 'alt="First page of the scan"'):
        assert attribute in img.group(0)


def test_a_thumbnail_is_the_first_page_200_pixels_wide(site: TestClient) -> None:
    src = _thumbnails(_page(site, "/search?q=Cuba"))[0]
    png = site.get(src)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).width == 200


def test_a_draft_lends_no_thumbnail_anywhere(site: TestClient, hidden_scan: str) -> None:
    """The draft's scan is named by no page and its page image is refused; the published
    twin beside it shows its own."""
    pages = [_page(site, p) for p in ("/", "/search?q=Havana", "/search?q=type:cable",
                                      "/collections/jfk-assassination-records-2025-release")]
    assert "Cable on the open page" in pages[1] and "Cable on the hidden page" not in pages[1]
    assert [bool(_thumbnails(h)) for h in _hits(pages[1])] == [True]
    assert all(hidden_scan not in html for html in pages)
    assert site.get(f"/scans/{hidden_scan}/1-200.png").status_code == 404


def test_the_home_page_has_one_search_box(site: TestClient) -> None:
    html = _page(site, "/")
    assert html.count('type="search"') == 1 and 'id="home-q"' in html
    assert 'type="search"' in _page(site, "/collections")  # other pages keep the header's


def test_home_lists_collections_with_counts_and_public_date_spans(site: TestClient) -> None:
    """FRUS 1958-60 and the JFK release with their counts and spans; the draft of 1999 in the
    JFK collection counts neither in its number nor in its span."""
    text = " ".join(re.sub(r"<[^>]+>", " ", _page(site, "/")).split())
    assert "Foreign Relations of the United States 404 documents 1958–1960" in text
    assert f"{JFK} 4 documents 1962" in text
    assert "1999" not in text


def test_the_home_timeline_links_each_year_to_its_browse_page(site: TestClient) -> None:
    html = _page(site, "/")
    bars = html[html.index('<ol class="timeline'):html.index("</ol>", html.index('<ol class="timeline'))]
    assert re.findall(r'href="/browse/(\d{4})"', bars) == ["1958", "1959", "1960", "1962"]
    assert "1961" in bars and "no documents" in bars  # the gap shows, without a link
    assert "1999" not in bars


def test_recent_additions_are_cards_with_the_scans_first_page(site: TestClient) -> None:
    html = _page(site, "/")
    recent = html[html.index('id="recent-h"'):]
    cards = re.findall(r'<li class="card doc-card[^"]*">(.*?)</li>', recent, re.S)
    assert len(cards) == 8
    assert "Cable on the open page" in cards[0] and _thumbnails(cards[0])
    assert any("sheet" in c and not _thumbnails(c) for c in cards)


def test_the_timeline_draws_decades_over_a_long_span_and_keeps_gaps() -> None:
    short = timeline([Bucket("1958", 10), Bucket("1960", 5), Bucket("undated", 7)])
    assert [(b.start, b.count, b.height, b.decade) for b in short] == [
        (1958, 10, 100, False), (1959, 0, 0, False), (1960, 5, 50, False)]
    long = timeline([Bucket("1917", 1), Bucket("1919", 3), Bucket(str(1917 + MAX_YEAR_BARS), 2)])
    assert [(b.start, b.count, b.decade) for b in long][:2] == [(1910, 4, True), (1920, 0, True)]
    assert long[-1].start == 1970 and timeline([]) == []


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_need_no_inline_script_or_style(template: str) -> None:
    """A Content-Security-Policy without 'unsafe-inline' can serve every page: scripts come
    from files (JSON-LD is data, not script), bar heights are classes."""
    html = (TEMPLATES / template).read_text()
    assert " style=" not in html and "<style" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="' in tag or 'type="application/ld+json"' in tag, tag
