"""Words read on a real scan, shown to readers: a search's hits marked on the page images,
IIIF Content Search inside the manifest, a searchable PDF; and the redaction rule on each
(a JFK cable from the 2025 release, its word layer read from its own text layer)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml
from fastapi.testclient import TestClient
from PIL import Image

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.readers import Reader
from chancery.domain.workflow import Acting
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.services.redacting import Wanted
from chancery.storage.words import SqlWordLayers
from chancery.web.server import create_app
from tests.conftest import CORPUS, need
from tests.scan_words import pdf_words

SCAN = CORPUS / "scans" / "104-10236-10054_ocr.pdf"  # a 2-page cable: Cuba, Jamaica
PID = "jfkcable1"
MARK = re.compile(r'<rect class="hit-box" x="([\d.]+)%" y="([\d.]+)%" width="([\d.]+)%" '
                  r'height="([\d.]+)%"><title>([^<]*)</title></rect>')


def _archive(root: Path) -> App:
    """The cable, published, with a transcription and the word layer of its text layer."""
    need(SCAN.is_file(), f"the JFK scans ({SCAN})")
    src = root / "bundle"
    src.mkdir()
    (src / "cable.pdf").write_bytes(SCAN.read_bytes())
    (src / "bundle.yaml").write_text(yaml.safe_dump({"format": "chancery-bundle", "version": 1}))
    (src / f"{PID}.en.txt").write_text("Coverage of the Cuban problem from Jamaica.\n")
    (src / f"{PID}.yaml").write_text(yaml.safe_dump({
        "public_id": PID, "title": "Cable on coverage from Jamaica", "type": "telegram",
        "date": "1962-10-03", "texts": [{"language": "en", "file": f"{PID}.en.txt"}],
        "media": [{"file": "cable.pdf", "label": "Scan"}], "publication": {"state": "published"}}))
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    assert not import_paths([src], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    stored = app.catalogue.get_document(PID, Reader.editor().actor, Reader.editor().today)
    assert stored is not None
    sha = stored.document.media[0].sha256
    sizes = app.pages.sizes(sha, "application/pdf")
    SqlWordLayers(app.catalogue.engine).replace(stored.id, pdf_words(SCAN.read_bytes(), sizes),
                                                "text-layer")
    return app


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[App]:
    app = _archive(tmp_path)
    yield app
    app.catalogue.dispose()


def _marks(site: TestClient, q: str) -> list[tuple[float, float, float, float, str]]:
    page = site.get(f"/documents/{PID}?q={q}")
    assert page.status_code == 200
    return [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in MARK.findall(page.text)]


def test_a_search_marks_its_words_on_the_page_images(archive: App) -> None:
    """From a result, the scan shows a box over every word the search matches, stemmed as the
    index stems (cuban: CUBAN, CUBANS, ANTI-CUBAN), each over ink on the page image."""
    site = TestClient(create_app(archive))
    result = site.get("/search?q=cuban").text
    assert f'/documents/{PID}/cable-on-coverage-from-jamaica?q=cuban"' in result
    marks = _marks(site, "cuban")
    assert sorted({t for *_, t in marks}) == ["ANTI-CUBAN", "CUBAN", "CUBANS"] and len(marks) == 5
    key = site.get(f"/api/v1/documents/{PID}").json()["media"][0]["sha256"]
    pages = [Image.open(io.BytesIO(site.get(f"/scans/{key}/{n}-1000.png").content)).convert("L")
             for n in (1, 2)]
    html = site.get(f"/documents/{PID}?q=cuban").text
    on = [int(n) for n in re.findall(r'id="hit-1-(\d)"', html)]
    assert on == [1, 2]
    first_page = html.split('id="hit-1-2"')[0]
    for left, top, width, height, _ in marks:
        image = pages[0] if f'x="{left:.3f}%" y="{top:.3f}%"' in first_page else pages[1]
        w, h = image.size
        cut = image.crop((int(left * w / 100), int(top * h / 100),
                          int((left + width) * w / 100) + 1, int((top + height) * h / 100) + 1))
        assert min(cut.getdata()) < 110, (left, top)  # type of the word under the box
    assert _marks(site, "") == [] and _marks(site, "%22unclosed") == []


def test_withheld_words_are_never_marked_searched_or_in_the_pdf(archive: App) -> None:
    """A text redaction (Jamaica) and a box over one word: neither is marked, found by IIIF
    Content Search, or in the searchable PDF's text; the PDF made before is gone from disk."""
    site = TestClient(create_app(archive))
    before = site.get(f"/documents/{PID}/scans/1/searchable.pdf")
    assert before.status_code == 200 and "JAMAICA" in _pdf_text(before.content)
    made = sorted((archive.settings.derived_path / "files").rglob("*"))
    assert len(_marks(site, "jamaica")) == 5  # not JAMAICAN: another stem
    archive.redacting.redact(PID, Wanted("(b)(1)", text="Jamaica", version="en"),
                             Acting.operator())
    cuban = next(m for m in _marks(site, "cuban") if m[4] == "CUBANS")
    box = f"pct:{cuban[0]},{cuban[1]},{cuban[2]},{cuban[3]}"
    archive.scan_redacting.redact_box(PID, 1, box, "(b)(6)", Acting.operator())
    assert _marks(site, "jamaica") == [] and "No word matching" in site.get(
        f"/documents/{PID}?q=jamaica").text
    assert sorted(t for *_, t in _marks(site, "cuban")) == ["ANTI-CUBAN", "CUBAN", "CUBAN",
                                                            "CUBAN"]
    found = site.get(f"/iiif/3/manifests/{PID}/search?q=jamaica cubans").json()
    assert {a["body"]["value"] for a in found["items"]} == {"CUBAN", "ANTI-CUBAN"}
    pdf = site.get(f"/documents/{PID}/scans/1/searchable.pdf")
    text = _pdf_text(pdf.content)
    assert "JAMAICA" not in text.upper() and "CUBANS" not in text and "CUBAN" in text
    assert not [p for p in made if p.is_file() and p.exists()]  # the old one dropped


def test_iiif_content_search_answers_within_the_manifest(archive: App) -> None:
    """The manifest offers SearchService2; a search answers an AnnotationPage of highlighting
    annotations on canvas regions, with the words around each; bad or no q is a 400."""
    site = TestClient(create_app(archive))
    manifest = site.get(f"/iiif/3/manifests/{PID}").json()
    [service] = manifest["service"]
    assert service["type"] == "SearchService2" and service["id"].endswith(f"{PID}/search")
    assert any(r["format"] == "application/pdf" and "searchable" in r["id"]
               for r in manifest["rendering"])
    answer = site.get(f"/iiif/3/manifests/{PID}/search?q=cuban&user=x")
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == "*"
    page = answer.json()
    assert page["type"] == "AnnotationPage" and page["ignored"] == ["user"]
    assert len(page["items"]) == 5 and {a["motivation"] for a in page["items"]} == {"highlighting"}
    canvases = [c["id"] for c in manifest["items"]]
    targets = [a["target"].split("#xywh=") for a in page["items"]]
    assert {t[0] for t in targets} == set(canvases)
    width = manifest["items"][0]["width"]
    assert all(0 <= int(t[1].split(",")[0]) < width for t in targets)
    [context] = page["annotations"]
    quotes = [a["target"]["selector"][0] for a in context["items"]]
    assert {q["exact"] for q in quotes} == {"CUBAN", "CUBANS", "ANTI-CUBAN"}
    assert any("COVERAGE" in q.get("prefix", "") for q in quotes)
    for bad in ("", "q=", "q=%20", "q=author:Smith", "q=" + "a" * 2000):
        refused = site.get(f"/iiif/3/manifests/{PID}/search?{bad}")
        assert refused.status_code == 400 and refused.json()["error"], bad
    assert site.get("/iiif/3/manifests/nosuch/search?q=cuba").status_code == 404


def _first(page: pdfium.PdfPage, word: str) -> tuple[float, float, float, float]:
    """(left, top, page width, page height) of a word's first character on a PDF page."""
    found = page.get_textpage().search(word, match_case=True)
    at = found.get_next()
    assert at is not None, word
    left, _, _, top = page.get_textpage().get_charbox(at[0], loose=True)
    return left, top, *page.get_size()


def _pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(pdf[n].get_textpage().get_text_range() for n in range(len(pdf)))
    finally:
        pdf.close()


def test_the_searchable_pdf_is_the_served_pages_with_their_words(archive: App) -> None:
    """Offered on the page; every page of the scan, its words findable where they stand on
    the image; no scan or no words: 404."""
    site = TestClient(create_app(archive))
    page = site.get(f"/documents/{PID}").text
    assert f'href="/documents/{PID}/scans/1/searchable.pdf"' in page
    answer = site.get(f"/documents/{PID}/scans/1/searchable.pdf")
    assert answer.headers["content-type"] == "application/pdf"
    assert "attachment" in answer.headers["content-disposition"]
    made = pdfium.PdfDocument(answer.content)
    original = pdfium.PdfDocument(SCAN.read_bytes())
    try:
        assert len(made) == len(original) == 2
        left, top, width, height = _first(made[0], "CUBAN")
        o_left, o_top, o_width, o_height = _first(original[0], "CUBAN")
        assert abs(left / width - o_left / o_width) < 0.01  # where the word is on the page
        assert abs((height - top) / height - (o_height - o_top) / o_height) < 0.02
    finally:
        made.close()
        original.close()
    for missing in ("2", "0", "99999"):
        assert site.get(f"/documents/{PID}/scans/{missing}/searchable.pdf").status_code == 404


def test_the_api_record_links_the_searchable_pdf(archive: App) -> None:
    """The API's media entry names the searchable PDF of a scan with words read on it."""
    site = TestClient(create_app(archive))
    [media] = site.get(f"/api/v1/documents/{PID}").json()["media"]
    assert media["searchable_pdf"].endswith(f"/documents/{PID}/scans/1/searchable.pdf")
    SqlWordLayers(archive.catalogue.engine).replace(
        archive.catalogue.get_document(PID, Reader.editor().actor, Reader.editor().today).id,
        [], "text-layer")
    assert site.get(f"/api/v1/documents/{PID}").json()["media"][0]["searchable_pdf"] is None
