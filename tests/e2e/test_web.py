"""The reading room over HTTP: every page family, the reference pair's record page, stable
addresses, metadata for Zotero and the web, the access rule, and no 500s on odd input."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.citing.pandoc import PandocEngine
from chancery.citing.styles import PAGE_STYLES
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.domain.publication import Actor
from chancery.services import citing, search
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from tests.conftest import FIXTURES, REFERENCE, _reference_text, need
from tests.e2e.test_api import _build


def _bundle(dest: Path, publication: dict[str, dict[str, str]] | None = None) -> Path:
    import shutil

    shutil.copytree(FIXTURES / "reference", dest)
    (dest / "000.en.txt").write_text(_reference_text("000", "The Embassy of the Union", None))
    (dest / "001.en.txt").write_text(_reference_text("001", "TO THE CENTRAL COMMITTEE", "18 July 1960"))
    for name, pub in (publication or {}).items():
        meta = yaml.safe_load((dest / name).read_text())
        meta["publication"] = pub
        (dest / name).write_text(yaml.safe_dump(meta, allow_unicode=True))
    return dest


def _site(root: Path, publication: dict[str, dict[str, str]] | None = None) -> tuple[App, TestClient]:
    need(REFERENCE.is_dir(), f"reference documents not found at {REFERENCE}")
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    sources = [_bundle(root / "bundle", publication), DEMO_DIR / "frus1958-60v19.xml",
               DEMO_DIR / "scans" / "scans.csv"]
    assert not import_paths(sources, app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    d3 = app.catalogue.get_document("frus1958-60v19/d3", Actor.EDITOR, date.today())
    ids = ["7da35b31", "0874552c", *([d3.document.public_id] if d3 else [])]
    citing.prerender(app.catalogue, app.citer, PAGE_STYLES, ids)
    return app, TestClient(create_app(app), follow_redirects=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The demo archive plus the reference pair, served."""
    app, client = _site(tmp_path_factory.mktemp("web"))
    yield client
    app.catalogue.dispose()


def _meta(html: str, name: str) -> list[str]:
    return re.findall(rf'<meta (?:name|property)="{re.escape(name)}" content="([^"]*)"', html)


def test_reference_note_page_shows_every_field_of_the_record_page(site: TestClient) -> None:
    """Title, date and its note, summary, funder, house citation, share link, formats,
    classification, text and the enclosure, all on the document page."""
    page = site.get("/documents/7da35b31", follow_redirects=True)
    assert page.status_code == 200
    html = page.text.replace("&#39;", "'").replace("&#34;", '"')
    for expected in [
        "Note, the Soviet Embassy in Beijing to the Ministry of Foreign Affairs",
        "July 18, 1960", "The copy of the Russian note is not dated but known from other sources.",
        "The Soviet Embassy reports that in response to Chinese dissatisfaction",
        "made possible with support from the Leon Levy Foundation", "Strictly confidential",
        "History and Public Policy Program Digital Archive", "J IV 2/202/280",
        "Translated by Dieter Heinzig and Anna Eckner", "Permanent link", "English translation",
        "The Embassy of the Union of the Socialist Soviet Republics", "Enclosed in",
        "Yang Zhengwu", "Guangzhou", "Copy citation"]:
        assert expected in html, expected
    citation = re.search(r'id="citation-house">([^<]*)<', page.text)
    assert citation and citation.group(1).startswith("“Note, the Soviet Embassy in Beijing")
    assert "Translated by Dieter Heinzig and Anna Eckner. The copy of the Russian note" in citation.group(1)


def test_enclosure_links_both_ways(site: TestClient) -> None:
    """The letter says it encloses the note; the note links back to the letter."""
    letter = site.get("/documents/0874552c", follow_redirects=True).text
    assert re.search(r'Encloses:</span> <a href="/documents/7da35b31/[^"]+">Note, the Soviet', letter)
    note = site.get("/documents/7da35b31", follow_redirects=True).text
    assert re.search(r'Enclosed in:</span> <a href="/documents/0874552c/', note)


def test_addresses_are_stable_and_old_ones_redirect(site: TestClient) -> None:
    """A FRUS source id, a bare public id and an old slug all lead, permanently, to one URL."""
    first = site.get("/documents/frus1958-60v19/d3")
    assert first.status_code == 301
    canonical = first.headers["location"]
    assert re.fullmatch(r"/documents/[0-9a-z]{8}/letter-from-the-under-secretary[a-z-]+", canonical)
    public_id = canonical.split("/")[2]
    assert site.get(f"/documents/{public_id}").headers["location"] == canonical
    assert site.get(f"/documents/{public_id}/an-old-title").headers["location"] == canonical
    assert site.get(canonical).status_code == 200


def test_metadata_for_zotero_scholar_and_link_previews(site: TestClient) -> None:
    """Highwire tags carry title, author, date with its real precision, archive and location;
    Dublin Core, JSON-LD ArchiveComponent and Open Graph are there too."""
    html = site.get("/documents/frus1958-60v19/d3", follow_redirects=True).text
    assert _meta(html, "citation_title") == [
        "Letter From the Under Secretary of State (Herter) to President Chiang"]
    assert _meta(html, "citation_author") == ["Herter, Christian A."]
    assert _meta(html, "citation_date") == ["1958/02/11"]
    assert _meta(html, "citation_archive_location") == ["Central Files, 793.5-MSP/2-1158"]
    assert _meta(html, "DC.date") == ["1958-02-11"] and _meta(html, "og:type") == ["article"]
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert data["@type"] == "ArchiveComponent" and data["creator"][0]["name"] == "Herter, Christian A."
    month = site.get("/documents/7da35b31", follow_redirects=True).text
    assert _meta(month, "citation_date") == ["1960/07/18"]


def test_unchanged_pages_answer_304(site: TestClient) -> None:
    """A page fetched again with its ETag is not sent again."""
    first = site.get("/documents/0874552c", follow_redirects=True)
    etag = first.headers["etag"]
    assert first.headers["last-modified"]
    again = site.get(str(first.url.path), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert site.get("/search?q=Taiwan", headers={"If-None-Match": etag}).status_code == 200


def test_every_page_family_renders(site: TestClient) -> None:
    """Home, search with facets, collections, people, places, subjects, dates, sitemap, robots."""
    home = site.get("/").text
    assert "Documents" in home and "Recently added" in home and "Foreign Relations" in home
    results = site.get("/search?q=Quemoy&f=type:telegram").text
    assert "Document type" in results and "Remove filter" in results and "<mark>" in results
    assert 'class="histogram"' in site.get("/search?q=Taiwan").text
    for url in ["/collections", "/collections/frus/frus1958-60v19", "/people/herter-christian-a",
                "/places/beijing", "/subjects/soviet-experts-in-china",
                "/organizations/soviet-embassy-in-beijing",
                "/browse", "/browse/1958", "/browse/1958/09", "/search-help", "/opensearch.xml"]:
        assert site.get(url).status_code == 200, url
    letter = site.get("/documents/0874552c", follow_redirects=True).text
    link = re.search(r'href="(/people/khrushchev[^"]*)"', letter)
    assert link is not None
    person = site.get(link.group(1)).text
    assert "Хрущёв" in person and "All documents naming them" in person
    key = "person/" + link.group(1).split("/")[-1]
    assert "/documents/0874552c/" in site.get(f"/search?f=person:{key}&q=experts").text
    assert "Disallow: /search" in site.get("/robots.txt").text


def test_malformed_input_gets_a_page_never_a_500(site: TestClient) -> None:
    """Broken queries, unknown facets, bad numbers and unknown addresses answer 4xx pages."""
    cases = {"/search?q=%22open": 400, "/search?q=x&f=colour:red": 400, "/search?page=abc": 400,
             "/search?q=x&page=99999": 400, "/browse/1958/13": 404, "/nowhere/at-all": 404,
             "/documents/frus1958-60v19/d99999": 404, "/collections/no/such": 404,
             "/people/nobody-at-all": 404, "/files/abc/x.pdf": 404, "/scans/abc/1-1000.png": 404,
             "/sitemaps/2.xml": 404, f"/sitemaps/{10**30}.xml": 404, "/browse?month=13": 404,
             "/browse?month=7": 404, f"/search?f=year:{10**30}": 200}
    for url, status in cases.items():
        answer = site.get(url)
        assert answer.status_code == status, url
        assert "Traceback" not in answer.text


def test_scans_are_shown_as_page_images_and_downloadable(site: TestClient) -> None:
    """A scanned cable's page renders as PNG; its PDF downloads; plain text and JSON too."""
    page = site.get("/search?q=type:cable", follow_redirects=True)
    link = re.search(r'href="(/documents/[^"]+)"', page.text.split('class="hits"')[1])
    assert link is not None
    html = site.get(link.group(1)).text
    image = re.search(r'src="(/scans/[0-9a-f]{64}/1-1000\.png)"', html)
    assert image is not None and 'loading="lazy"' in html
    png = site.get(image.group(1))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    pdf = re.search(r'href="(/files/[0-9a-f]{64}/[^"]+\.pdf)"', html)
    assert pdf is not None and site.get(pdf.group(1)).content.startswith(b"%PDF")
    public_id = link.group(1).split("/")[2]
    assert site.get(f"/documents/{public_id}.json").json()["public_id"] == public_id


def test_hidden_documents_are_404_and_withdrawn_410(tmp_path: Path) -> None:
    """A draft is absent from pages, search, sitemap and relations, and so are the records
    only it names; a withdrawn document that was public answers 410 with a clear page, one
    withdrawn before it was ever public answers 404."""
    app, site = _site(tmp_path, {"000.yaml": {"state": "draft"}, "001.yaml": {"state": "withdrawn"}})
    try:
        assert site.get("/documents/7da35b31").status_code == 404
        assert site.get("/documents/0874552c").status_code == 404  # never public: unknown
        bundle = _bundle(tmp_path / "again", {"000.yaml": {"state": "draft"}})
        assert not import_paths([bundle], app.import_context()).failed  # 001 published
        _bundle(tmp_path / "later", {"000.yaml": {"state": "draft"},
                                     "001.yaml": {"state": "withdrawn"}})
        assert not import_paths([tmp_path / "later"], app.import_context()).failed
        search.rebuild_index(app.catalogue, app.index)
        gone = site.get("/documents/0874552c")
        assert gone.status_code == 410 and "withdrawn" in gone.text
        assert "7da35b31" not in site.get("/search?q=Beijing").text
        assert "7da35b31" not in site.get("/sitemaps/1.xml").text
        # named by the draft alone (the slugs follow from names: a probe must learn nothing)
        for path in ("/organizations/soviet-embassy-in-beijing", "/people/yang-zhengwu",
                     "/places/guangzhou", "/subjects/soviet-experts-in-china"):
            assert site.get(path).status_code == 404, path
        assert site.get("/people/khrushchev-nikita-sergeevich").status_code == 200  # FRUS names him too
        assert "/documents/0874552c/" not in site.get("/search?q=Khrushchev").text
    finally:
        app.catalogue.dispose()


def test_the_cite_box_offers_every_page_style_and_the_exports(site: TestClient) -> None:
    """Chicago (note and bibliography), Chicago author-date, MLA, APA and Turabian, each with a
    copy button; BibTeX, RIS and CSL-JSON downloads; any installed style by name."""
    html = site.get("/documents/7da35b31", follow_redirects=True).text
    for name in PAGE_STYLES:
        assert f'id="citation-{name}"' in html and f'data-copy="#citation-{name}"' in html
    assert "trans. Dieter Heinzig and Anna Eckner, July 18, 1960" in html  # the Chicago note
    assert "(D. Heinzig &amp; A. Eckner, Trans.)" in html  # APA
    bib = site.get("/documents/7da35b31/cite.bib")
    assert bib.status_code == 200 and bib.headers["content-type"].startswith("application/x-bibtex")
    assert bib.text.startswith("@unpublished{7da35b31,") and "J IV 2/202/280" in bib.text
    ris = site.get("/documents/7da35b31/cite.ris")
    assert ris.text.startswith("TY  - MANSCPT\r\n") and "AN  - J IV 2/202/280\r\n" in ris.text
    item = site.get("/documents/7da35b31/cite.json").json()[0]
    assert item["type"] == "manuscript" and item["issued"] == {"date-parts": [[1960, 7, 18]]}
    apa = site.get("/documents/7da35b31/cite", params={"style": "apa"})
    assert apa.status_code == 200 and apa.text.startswith("Soviet Embassy in Beijing. (1960).")
    assert site.get("/documents/7da35b31/cite", params={"style": "no-such"}).status_code == 404
    assert site.get("/documents/7da35b31/cite.doc").status_code == 404
    assert site.get("/documents/nope/cite.bib").status_code == 404


def test_zotero_tags_carry_what_the_csl_json_carries(site: TestClient) -> None:
    for ident in ("7da35b31", "frus1958-60v19/d3"):
        page = site.get(f"/documents/{ident}", follow_redirects=True)
        html = page.text.replace("&#39;", "\'").replace("&#34;", '"').replace("&amp;", "&")
        public_id = page.url.path.split("/")[2]
        item = site.get(f"/documents/{public_id}/cite.json").json()[0]
        assert _meta(html, "citation_title") == [item["title"]]
        names = [a.get("literal") or f"{a['family']}, {a['given']}" for a in item["author"]]
        assert _meta(html, "citation_author") == names
        assert _meta(html, "citation_date")[0].split("/") == [
            f"{p:02d}" if i else str(p) for i, p in enumerate(item["issued"]["date-parts"][0])]
        assert _meta(html, "citation_archive") == [item["archive"]]
        assert _meta(html, "citation_archive_location") == [item["archive_location"]]
        assert _meta(html, "citation_public_url") == [item["URL"]]
        assert _meta(html, "citation_publisher") == [item.get("publisher") or item["source"]]


def test_search_results_carry_coins_for_saving_several_at_once(site: TestClient) -> None:
    html = site.get("/search", params={"q": "Taiwan"}).text
    spans = re.findall(r'<span class="Z3988" title="([^"]+)"></span>', html)
    assert len(spans) == 20
    first = spans[0].replace("&amp;", "&")
    assert "ctx_ver=Z39.88-2004" in first and "rft.title=" in first and "rft.creator=" in first


def test_a_long_query_says_it_shows_documents_with_most_of_the_words(site: TestClient) -> None:
    """The page and the API say when results match most, not all, of the words; a query of
    one or two words, or in quotes, says nothing of the kind."""
    q = "Soviet experts withdrawal 1960"
    page = site.get("/search", params={"q": q}).text
    assert "showing documents that match most of your words" in page.lower()
    api = site.get("/api/v1/search", params={"q": q}).json()
    assert api["total"] > api["all_words_total"] >= 0
    assert "match most of your words" in api["notice"]
    plain = site.get("/api/v1/search", params={"q": "Soviet experts"}).json()
    assert plain["all_words_total"] is None and plain["notice"] is None
    assert "most of your words" not in site.get("/search", params={"q": '"Soviet experts"'}).text


def test_a_malformed_facet_selection_is_said_not_dropped(site: TestClient) -> None:
    """f=type (no value) is refused with the form to write, on the page, the API and feeds,
    where the page used to ignore it and show every document."""
    page = site.get("/search", params={"q": "Taiwan", "f": "type"})
    assert page.status_code == 400 and "facet:value" in page.text
    api = site.get("/api/v1/search", params={"q": "Taiwan", "f": "type"})
    assert api.status_code == 400 and "facet:value" in api.json()["error"]
    assert site.get("/feeds/search.atom", params={"q": "Taiwan", "f": "type"}).status_code == 400


def test_missing_styles_are_made_in_the_background_not_on_the_request(site: TestClient) -> None:
    """A page whose styles were never rendered answers at once with the house style, says the
    others are coming, and sends no ETag; a moment later the page has them."""
    import time

    first = site.get("/documents/frus1958-60v19/d10", follow_redirects=True)
    assert first.status_code == 200 and "etag" not in first.headers
    assert "More citation styles are being prepared" in first.text
    assert 'id="citation-house"' in first.text
    deadline = time.monotonic() + 120  # a busy machine renders slowly; ready is ready
    while time.monotonic() < deadline:
        later = site.get(first.url.path)
        if "being prepared" not in later.text:  # every page style is there
            break
        time.sleep(0.2)
    assert 'id="citation-apa"' in later.text and "etag" in later.headers


def test_a_citation_error_on_a_page_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Without a working pandoc the page still answers with the house citation, and the
    operator finds why in the log (the error used to be swallowed)."""
    app, client = _build(tmp_path, frus=False)
    app.engine = PandocEngine(binary=str(tmp_path / "no-pandoc"))
    with caplog.at_level(logging.WARNING, logger="chancery.web"):
        page = client.get("/documents/0874552c", follow_redirects=True)
    assert page.status_code == 200 and 'id="citation-house"' in page.text
    logged = [r for r in caplog.records if r.name == "chancery.web" and "0874552c" in r.getMessage()]
    assert logged and "pandoc" in logged[0].getMessage()
    app.catalogue.dispose()
