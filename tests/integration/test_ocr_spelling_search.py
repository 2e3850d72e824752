"""OCR is also searched in its spelling-corrected reading: a misread word is found by its right
spelling, and every reader still sees only the raw OCR (snippets point at the raw words)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.readers import Reader
from chancery.ocr.spelling import respell
from chancery.search.tantivy_index import TantivyIndex
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from tests.conftest import CORPUS, need

# the first page of a 1964 carbon as its publisher's OCR read it ("perforuod", "silhousctte")
CARBON = CORPUS / "scans" / "reference-ocr" / "104-10216-10171_ocr.txt"


def _page() -> str:
    need(CARBON.is_file(), f"scans not found at {CARBON}")
    return CARBON.read_text().split("\f")[0]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """A published document whose only text is the carbon's OCR."""
    root = tmp_path_factory.mktemp("respelled")
    src = root / "bundle"
    src.mkdir()
    (src / "bundle.yaml").write_text(yaml.safe_dump({"format": "chancery-bundle", "version": 1}))
    (src / "carbon.en.txt").write_text(_page())
    (src / "carbon01.yaml").write_text(yaml.safe_dump({
        "public_id": "carbon01", "title": "Tests of modified sights", "type": "memorandum",
        "date": "1964-06-10", "publication": {"state": "published"},
        "texts": [{"language": "en", "kind": "ocr", "file": "carbon.en.txt"}]}))
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    assert not import_paths([src], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    yield app
    app.catalogue.dispose()


def test_a_misread_word_is_found_by_its_spelling_and_shown_as_read(archive: App) -> None:
    """"performed" finds the carbon that reads "perforuod"; the snippet shows the raw words
    around that place, "perforuod" highlighted, never the correction."""
    page = archive.search.documents("performed")
    assert [h.public_id for h in page.results.hits] == ["carbon01"]
    (snippet,) = page.results.hits[0].snippets
    assert snippet.version == "en-ocr"
    assert [f.text for f in snippet.fragments if f.highlighted] == ["perforuod"]
    shown = "".join(f.text for f in snippet.fragments)
    assert "The tests were perforuod with" in shown and "performed" not in shown


def test_searching_within_the_document_shows_the_raw_paragraph(archive: App) -> None:
    """Inside the document too, "performed" finds the paragraph that reads "perforuod",
    shown as read."""
    passages = archive.search.within("carbon01", "performed")
    assert passages is not None and len(passages) == 1
    assert passages[0].version == "en-ocr"
    assert [f.text for f in passages[0].fragments if f.highlighted] == ["perforuod"]
    assert "performed" not in "".join(f.text for f in passages[0].fragments)


def test_the_raw_words_still_find_it_first(archive: App) -> None:
    """The raw OCR stays searchable as read, with its own snippet."""
    page = archive.search.documents("perforuod")
    assert [h.public_id for h in page.results.hits] == ["carbon01"]
    assert [f.text for f in page.results.hits[0].snippets[0].fragments
            if f.highlighted] == ["perforuod"]


def test_an_index_without_the_corrected_reading_does_not_find_it(archive: App,
                                                                 tmp_path: Path) -> None:
    """The finding is the corrected reading's doing: the same archive indexed without it
    does not find "performed"."""
    plain = TantivyIndex(tmp_path / "index")
    plain.clear(1)  # not rebuild_index: that would make the archive's own index stale
    plain.upsert(search.index_document(s) for chunk in archive.catalogue.documents_for_index()
                 for s in chunk)
    plain.commit(0)
    request = archive.search._request("performed", None, "relevance", 1, 20, Reader.public())
    assert plain.search(request).total == 0
    assert archive.index.search(request).total == 1


def _corrections(text: str) -> set[str]:
    """Long words only the corrected reading has (short ones appear in any page's chrome)."""
    raw = set(re.findall(r"[a-z]+", text.lower()))
    fixed = set(re.findall(r"[a-z]+", respell(text, "en").lower()))
    return {w for w in fixed - raw if len(w) >= 8}


def test_no_reader_output_shows_the_corrected_reading(archive: App) -> None:
    """Pages, snippets, the API, exports and feeds show the raw OCR only."""
    leaked = _corrections(_page())
    assert {"performed", "silhouette", "undersigned"} <= leaked
    site = TestClient(create_app(archive))
    urls = ["/search?q=performed", "/api/v1/search?q=performed", "/feeds/search.atom?q=performed",
            "/search/cite.ris?q=performed", "/documents/carbon01", "/documents/carbon01.json",
            "/api/v1/documents/carbon01", "/api/v1/documents/carbon01/texts/en-ocr",
            "/documents/carbon01/text/en-ocr.txt", "/downloads/documents.csv",
            "/oai?verb=ListRecords&metadataPrefix=oai_dc", "/feeds/recent.atom"]
    for url in urls:
        response = site.get(url)
        assert response.status_code == 200, url
        body = response.text.lower()
        shown = {w for w in leaked if re.search(rf"\b{w}\b", body)} - {"performed"}
        assert not shown, (url, shown)
    assert "perforuod" in site.get("/documents/carbon01").text
    hit = site.get("/api/v1/search?q=performed").json()
    assert "perforuod" in str(hit) and "respelled" not in str(hit)
