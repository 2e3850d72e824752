"""What a reader sees on the demo archive (issue #10, points 19, 20 and 22): scans before raw
OCR, human labels on version tabs, a sensible order on phones, registers and day pages, a
collection's year histogram, linked notes, one archive per archive, short facet labels."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.demo import demo_sources
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.web.server import create_app

LATE = "late-ru-note"  # a document added after the demo, later the same day


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The demo archive, then one Russian note imported later the same day."""
    root = tmp_path_factory.mktemp("reader")
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    assert not import_paths(demo_sources(), app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    late = root / "late.csv"
    late.write_text(f"id,title,date,language,text,state\n{LATE},Note on the withdrawal of "
                    "experts,1960-07-16,ru,Текст ноты.,published\n", encoding="utf-8")
    assert not import_paths([late], app.import_context()).failed
    search.sync_index(app.catalogue, app.index)
    yield app
    app.catalogue.dispose()


@pytest.fixture(scope="module")
def site(archive: App) -> TestClient:
    return TestClient(create_app(archive))


def test_a_document_page_reads_its_document_once(archive: App, site: TestClient,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The page at its address with a slug, "more like this" included, reads the document
    from the catalogue once (it read it three times: each read is ~8 queries on PostgreSQL);
    an old slug still leads to the one address."""
    reads: list[str] = []
    real = archive.catalogue.get_document

    def counted(ident: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(ident)
        return real(ident, *args, **kwargs)

    monkeypatch.setattr(archive.catalogue, "get_document", counted)
    moved = site.get("/documents/jfk-104-10216-10046/an-old-slug", follow_redirects=False)
    assert moved.status_code == 301
    canonical = moved.headers["location"]
    reads.clear()
    _page(site, canonical)
    assert reads == ["jfk-104-10216-10046"]


def test_the_documents_its_notes_cite_are_looked_up_together(
        archive: App, site: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """d307's notes cite Document 303: the page reads d307 whole once and finds what its
    notes cite in one look-up (it read each cited document whole: about a dozen queries
    each, and a FRUS page's notes cite up to 20)."""
    canonical = site.get("/documents/frus1958-60v19/d307", follow_redirects=False)
    reads: list[str] = []
    looked: list[list[str]] = []
    real_get, real_titles = archive.catalogue.get_document, archive.catalogue.titles_by_source

    def counted(ident: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(ident)
        return real_get(ident, *args, **kwargs)

    def titles(idents: list[str], *args: Any, **kwargs: Any) -> Any:
        looked.append(idents)
        return real_titles(idents, *args, **kwargs)

    monkeypatch.setattr(archive.catalogue, "get_document", counted)
    monkeypatch.setattr(archive.catalogue, "titles_by_source", titles)
    html = _page(site, canonical.headers["location"])
    assert len(reads) == 1 and len(looked) == 1 and "frus1958-60v19/d303" in looked[0]
    assert ">Document 303</a>" in html


def _page(site: TestClient, path: str) -> str:
    got = site.get(path)
    assert got.status_code == 200, (path, got.status_code)
    return got.text


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _tabs(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-tab="([^"]+)">([^<]+)</a>', html)


# -- 19: scans first, human labels ---------------------------------------------------------

def test_a_scanned_document_opens_on_its_scans_and_labels_the_ocr(site: TestClient) -> None:
    """The first tab (the one shown) is the scan; the OCR tab says "English (OCR)"."""
    tabs = _tabs(_page(site, "/documents/jfk-104-10216-10046"))
    assert tabs[0] == ("scans", "Scans (2 p.)")
    assert ("text-en-ocr", "English (OCR)") in tabs


def test_a_version_without_a_label_is_named_by_language_and_kind(site: TestClient) -> None:
    html = _page(site, f"/documents/{LATE}")
    assert _tabs(html) == [] or _tabs(html)[0][1] == "Russian (original)"
    assert '<h3 id="h-ru-original">Russian (original)</h3>' in html


def test_the_iiif_manifest_names_the_ocr_text_for_people(site: TestClient) -> None:
    manifest = site.get("/iiif/3/manifests/jfk-104-10216-10046").json()
    labels = [r["label"]["en"][0] for r in manifest["rendering"]]
    assert "Text: English (OCR)" in labels


def test_machine_read_text_says_it_is_unchecked(site: TestClient) -> None:
    assert "not checked by a person" in _page(site, "/documents/jfk-104-10236-10054")


# -- 20: a sensible order on a phone ---------------------------------------------------------

def test_search_results_come_before_the_facets(site: TestClient) -> None:
    """In reading order (a phone's single column) the results precede the facet list, which
    a link at the top leads to."""
    html = _page(site, "/search?q=Taiwan")
    assert html.index('class="results"') < html.index('id="facets"')
    assert html.index('href="#facets"') < html.index('class="results"')


def test_a_collection_lists_its_documents_before_the_facets(site: TestClient) -> None:
    html = _page(site, "/collections/frus/frus1958-60v19")
    assert html.index('class="results"') < html.index('id="facets"')


def test_the_document_page_has_a_jump_bar_to_cite_share_and_related(site: TestClient) -> None:
    html = _page(site, "/documents/frus1958-60v19/d3")
    bar = html[html.index('class="jump"'):html.index("</nav>", html.index('class="jump"'))]
    for target in ("texts", "cite", "share", "record", "downloads"):
        assert f'href="#{target}"' in bar and f'id="{target}"' in html, target


def test_the_stylesheet_shows_the_jump_bar_only_on_narrow_screens() -> None:
    css = (Path(__file__).resolve().parents[2] / "src/chancery/web/static/chancery.css").read_text()
    assert re.search(r"\.jump\s*\{[^}]*display:\s*none", css)
    narrow = css[css.index("@media (max-width: 60rem)"):]
    assert re.search(r"\.jump\s*\{[^}]*display:\s*block", narrow[:narrow.index("\n}")])


# -- 22: registers, days, histograms, notes, archives, labels, feed --------------------------

@pytest.mark.parametrize("path", ["/people", "/organizations", "/places", "/subjects"])
def test_every_register_has_a_page(site: TestClient, path: str) -> None:
    assert "<h1>" in _page(site, path)


def test_the_people_register_lists_people_by_name(site: TestClient) -> None:
    html = _page(site, "/people")
    assert '<a href="/people/herter-christian-a">Herter, Christian A.</a>' in html


def test_a_day_has_a_page_and_the_month_links_to_it(site: TestClient) -> None:
    day = _page(site, "/browse/1958/08/23")
    assert "<h1>23 August 1958</h1>" in day and "frus1958-60v19/d41" in day
    assert 'href="/browse/1958/08/23"' in _page(site, "/browse/1958/08")
    assert site.get("/browse/1958/02/30").status_code == 404
    assert site.get("/browse/99999999999999999999/1/1").status_code == 404


def test_the_collection_page_has_a_year_histogram(site: TestClient) -> None:
    html = _page(site, "/collections/frus/frus1958-60v19")
    assert 'class="histogram"' in html
    assert 'href="/collections/frus/frus1958-60v19?f=year%3A1959&amp;sort=date"' in html


def test_a_source_note_says_source_once(site: TestClient) -> None:
    assert "Source: Source:" not in _text(_page(site, "/documents/frus1958-60v19/d3"))


def test_note_markers_link_to_their_notes_and_back(site: TestClient) -> None:
    html = _page(site, "/documents/frus1958-60v19/d3")
    assert re.search(r'<a href="#(note-en-original-2)" id="ref-\1"[^>]*>1</a>', html)
    assert '<li id="note-en-original-2">' in html
    assert 'href="#ref-note-en-original-2"' in html


def test_document_303_in_a_note_links_to_d303(site: TestClient) -> None:
    html = _page(site, "/documents/frus1958-60v19/d307")
    target = site.get("/documents/frus1958-60v19/d303", follow_redirects=False)
    assert re.search(rf'<a href="{re.escape(target.headers["location"])}">Document 303</a>', html)


def test_an_archive_is_one_archive_whatever_its_case(site: TestClient) -> None:
    facets = site.get("/api/v1/search", params={"q": "", "limit": 1}).json()["facets"]["archive"]
    names = [b["value"] for b in facets]
    assert "Department of State" in names
    assert not [n for n in names if n.lower() == "department of state" and n != "Department of State"]
    assert not [n for n in names if "Press Release" in n]


def test_long_facet_labels_are_shortened_with_the_whole_on_hover(site: TestClient) -> None:
    html = _page(site, "/search?q=Taiwan")
    found = re.search(r'<span class="label" title="(August–October 1958, the Taiwan Strait Crisis:'
                      r'[^"]+)">([^<]+)</span>', html)
    assert found and found.group(2) == "August–October 1958, the Taiwan Strait Crisis"


def test_the_histogram_counts_one_document_in_the_singular(site: TestClient) -> None:
    html = _page(site, "/search?q=Djakarta")
    assert "1 documents" not in html and ": 1 document<" in html


def test_the_recent_feed_has_a_document_added_later_the_same_day(site: TestClient) -> None:
    feed = feedparser.parse(_page(site, "/feeds/recent.atom"))
    assert LATE in feed.entries[0].link
