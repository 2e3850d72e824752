"""Boxes on scans: burned into every page image, IIIF image and download the public gets,
under a new key each time the boxes change; the original's hash unknown to the public and
still open to editors (services/scan_redacting.py, blobs/burning.py)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from chancery.bootstrap import App, build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.domain.media import WIDTHS
from chancery.domain.publication import Actor
from chancery.domain.redactions import Box
from chancery.domain.workflow import Acting, Refused
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from tests.conftest import CORPUS, need
from tests.scan_pdfs import page_text, text_pdf, word_box

NAME = "Quokkawitz"  # the name on page 1 that the box covers
LETTER = text_pdf([[(72, 650, "Memorandum for the record."), (72, 600, f"Agent {NAME} met"),
                    (72, 560, "the ambassador in Berlin.")], [(72, 650, "Page two, Berlin.")]])
OPERATOR = Acting.operator()


def _pattern() -> bytes:
    """A PNG with something on every part of it (so "unchanged" means something)."""
    img = Image.new("RGB", (800, 1000), (230, 220, 200))
    draw = ImageDraw.Draw(img)
    for i in range(0, 800, 40):
        draw.line((i, 0, 800 - i, 1000), fill=(i % 255, 90, 160), width=3)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _archive(root: Path) -> App:
    """Two published documents: a letter (a 2-page PDF with a text layer), a picture (PNG)."""
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    assert not import_paths([_bundle(root)], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    return app


def _bundle(root: Path) -> Path:
    """The letter and the picture as a bundle in ``root/bundle``."""
    src = root / "bundle"
    src.mkdir()
    (src / "letter.pdf").write_bytes(LETTER)
    (src / "picture.png").write_bytes(_pattern())
    (src / "bundle.yaml").write_text(yaml.safe_dump({"format": "chancery-bundle", "version": 1}))
    for pid, title, scan in (("letter01", "Letter on Berlin", "letter.pdf"),
                             ("picture1", "Picture of Berlin", "picture.png")):
        (src / f"{pid}.yaml").write_text(yaml.safe_dump({
            "public_id": pid, "title": title, "type": "letter", "date": "1961-05-02",
            "media": [{"file": scan, "label": "Scan"}], "publication": {"state": "published"}}))
    return src


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[App]:
    app = _archive(tmp_path)
    yield app
    app.catalogue.dispose()


def _original(app: App, pid: str) -> str:
    stored = app.catalogue.get_document(pid, Actor.EDITOR, date.today())
    assert stored is not None
    return stored.document.media[0].sha256


def _key(site: TestClient, pid: str) -> str:
    return str(site.get(f"/api/v1/documents/{pid}").json()["media"][0]["sha256"])


def _png(answer: object) -> Image.Image:
    assert answer.status_code == 200, getattr(answer, "text", "")[:200]
    return Image.open(io.BytesIO(answer.content)).convert("RGB")


def _black_inside(img: Image.Image, box: Box, margin: int = 1) -> None:
    """Every pixel of the box is (0, 0, 0), less a margin at its edges where resampling
    (Lanczos) or JPEG mixes in the page around the box (never what is under it, which is
    black in the picture every image is cut from)."""
    left, top, right, bottom = box.pixels(*img.size)
    inside = img.crop((left + margin, top + margin, right - margin, bottom - margin))
    assert inside.width > 0 and inside.height > 0
    assert inside.getextrema() == ((0, 0), (0, 0), (0, 0)), (img.size, box)


def _as_burned(original: Image.Image, box: Box) -> Image.Image:
    out = original.copy()
    left, top, right, bottom = box.pixels(*out.size)
    ImageDraw.Draw(out).rectangle((left, top, right - 1, bottom - 1), fill="black")
    return out


def test_page_images_have_the_box_burned_in_at_every_width(archive: App) -> None:
    """/scans/{key}/1-{w}.png at 200, 400, 1000 and 2000: black in the box, every other pixel
    as on the original's rendering."""
    site = TestClient(create_app(archive))
    box = word_box(LETTER, 1, NAME)
    archive.scan_redacting.redact_box("letter01", 1, f"pct:{box.x * 100},{box.y * 100},"
                                      f"{box.w * 100},{box.h * 100}", "(b)(6)", OPERATOR)
    key, sha = _key(site, "letter01"), _original(archive, "letter01")
    assert key != sha
    for width in WIDTHS:
        burned = _png(site.get(f"/scans/{key}/1-{width}.png"))
        plain = archive.pages.image(sha, "application/pdf", 1, width)
        assert plain is not None and burned.width == width
        stored = archive.catalogue.served_scan(key, Actor.EDITOR, date.today())
        assert stored is not None
        _black_inside(burned, stored.boxes[0][1])
        with Image.open(plain) as original:
            assert burned.tobytes() == _as_burned(original.convert("RGB"),
                                                  stored.boxes[0][1]).tobytes(), width
    page2 = _png(site.get(f"/scans/{key}/2-400.png"))  # no box on page 2: as it was
    with Image.open(archive.pages.image(sha, "application/pdf", 2, 400) or "") as original:
        assert page2.tobytes() == original.convert("RGB").tobytes()


def test_iiif_images_have_the_box_burned_in_at_every_region_and_size(archive: App) -> None:
    """Full, a region holding the box, a scaled size, a tile at scale 2 and gray: the box
    is black in all; outside it the page is not."""
    site = TestClient(create_app(archive))
    box = Box(0.2, 0.3, 0.3, 0.1)
    archive.scan_redacting.redact_box("picture1", 1, "160,300,240,100", "privacy", OPERATOR)
    key = _key(site, "picture1")
    info = site.get(f"/iiif/3/{key}-1/info.json").json()
    width, height = info["width"], info["height"]
    assert (width, height) == (800, 1000)
    full = _png(site.get(f"/iiif/3/{key}-1/full/max/0/default.png"))
    _black_inside(full, box)
    assert full.getpixel((5, 5)) != (0, 0, 0)
    half = _png(site.get(f"/iiif/3/{key}-1/full/400,/0/default.png"))
    _black_inside(half, box, margin=4)
    # a region from (100, 250) of 400 x 250: the box is at (60, 50) to (300, 150) in it
    region = _png(site.get(f"/iiif/3/{key}-1/100,250,400,250/max/0/default.png"))
    _black_inside(region, Box(60 / 400, 50 / 250, 240 / 400, 100 / 250))
    scaled = _png(site.get(f"/iiif/3/{key}-1/pct:0,0,50,50/200,/0/default.png"))
    _black_inside(scaled, Box(0.4, 0.6, 0.6, 0.2), margin=4)
    tile = _png(site.get(f"/iiif/3/{key}-1/0,0,512,512/256,/0/default.png"))
    _black_inside(tile, Box(160 / 512, 300 / 512, 240 / 512, 100 / 512), margin=4)
    gray = _png(site.get(f"/iiif/3/{key}-1/full/max/0/gray.png"))
    _black_inside(gray, box)


def test_the_public_pdf_is_rasterised_with_no_text_and_a_black_box(archive: App) -> None:
    """The download of a redacted PDF: every page a burned picture, no text layer at all (so
    no word under the box), black where the box is, the same number and size of pages."""
    site = TestClient(create_app(archive))
    box = word_box(LETTER, 1, NAME)
    archive.scan_redacting.redact_box("letter01", 1, f"pct:{box.x * 100},{box.y * 100},"
                                      f"{box.w * 100},{box.h * 100}", "(b)(6)", OPERATOR)
    answer = site.get(f"/files/{_key(site, 'letter01')}/letter.pdf")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert NAME.encode() not in answer.content
    assert NAME in page_text(LETTER, 1)  # the original had it as text
    for n in (1, 2):
        assert page_text(answer.content, n).strip() == ""
    pdf = pdfium.PdfDocument(answer.content)
    try:
        assert len(pdf) == 2 and pdf[0].get_size() == (612, 792)
        _black_inside(pdf[0].render(scale=1000 / 612).to_pil().convert("RGB"), box, margin=6)
    finally:
        pdf.close()


def test_the_original_answers_404_to_the_public_and_200_to_an_editor(archive: App) -> None:
    """Once a box exists, /files, /scans and IIIF by the original's hash are unknown to the
    public (they served it before); an editor still fetches the original in the workspace."""
    site = TestClient(create_app(archive))
    sha = _original(archive, "letter01")
    urls = [f"/files/{sha}/letter.pdf", f"/scans/{sha}/1-400.png", f"/iiif/3/{sha}-1/info.json",
            f"/iiif/3/{sha}-1/full/max/0/default.jpg", f"/iiif/3/{sha}-2/full/200,/0/default.jpg"]
    assert [site.get(u).status_code for u in urls] == [200] * len(urls)
    archive.scan_redacting.redact_box("letter01", 1, "pct:10,10,20,5", "(b)(6)", OPERATOR)
    search.refresh_index(archive.catalogue, archive.index)  # as the CLI and workspace do
    assert [site.get(u).status_code for u in urls] == [404] * len(urls)
    manifest = site.get("/iiif/3/manifests/letter01")
    key = _key(site, "letter01")
    assert manifest.status_code == 200 and sha not in manifest.text and key in manifest.text
    assert len(manifest.json()["items"]) == 2
    assert manifest.json()["rendering"][0]["label"]["en"][0].startswith("Scan, with redacted")
    for page in ("/documents/letter01", "/documents/letter01.json", "/api/v1/documents/letter01",
                 "/search?q=Berlin", "/"):
        assert sha not in site.get(page).text, page
    assert f"/scans/{key}/1-200.png" in site.get("/search?q=Berlin").text  # the thumbnail
    editor = _logged_in(archive)
    original = editor.get(f"/workspace/files/{sha}/letter.pdf")
    assert original.status_code == 200 and original.content == LETTER
    assert "no-store" in original.headers["cache-control"]
    assert TestClient(create_app(archive), follow_redirects=False).get(
        f"/workspace/files/{sha}/letter.pdf").status_code == 303


def _logged_in(app: App) -> TestClient:
    email, password = "scan-editor@example.org", "a long enough passphrase"
    app.accounts.add_user(email, "editor", password)
    client = TestClient(create_app(app), follow_redirects=False, client=("10.9.3.1", 50000))
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert csrf
    client.post("/login", data={"csrf": csrf.group(1), "email": email, "password": password,
                                "next": "/workspace"})
    return client


def test_a_second_box_makes_a_new_key_and_the_old_one_goes(archive: App) -> None:
    """Adding a box changes the public key: the old key's files, pages and IIIF images 404,
    the new one's carry both boxes."""
    site = TestClient(create_app(archive))
    archive.scan_redacting.redact_box("picture1", 1, "pct:10,10,20,10", "privacy", OPERATOR)
    old = _key(site, "picture1")
    for url in (f"/files/{old}/p.png", f"/scans/{old}/1-400.png", f"/iiif/3/{old}-1/info.json"):
        assert site.get(url).status_code == 200, url
    archive.scan_redacting.redact_box("picture1", 1, "pct:50,60,20,10", "(b)(1)", OPERATOR)
    new = _key(site, "picture1")
    assert new not in (old, _original(archive, "picture1"))
    for url in (f"/files/{old}/p.png", f"/scans/{old}/1-400.png", f"/iiif/3/{old}-1/info.json"):
        assert site.get(url).status_code == 404, url
    burned = _png(site.get(f"/files/{new}/picture.png"))
    assert burned.size == (800, 1000)
    _black_inside(burned, Box(0.1, 0.1, 0.2, 0.1))
    _black_inside(burned, Box(0.5, 0.6, 0.2, 0.1))
    _black_inside(_png(site.get(f"/scans/{new}/1-200.png")), Box(0.5, 0.6, 0.2, 0.1))
    _black_inside(_png(site.get(f"/iiif/3/{new}-1/full/max/0/default.png")), Box(0.1, 0.1, 0.2, 0.1))


def test_a_box_is_checked_stored_with_a_revision_and_audited(archive: App) -> None:
    """Page out of range, a box off the page, no reason: refused with nothing stored. A box
    in pixels is taken on the page as IIIF serves it in full; it writes a revision, moves the
    change number and the audit log."""
    before = archive.catalogue.changes()
    for page, box, reason, said in ((3, "pct:1,1,1,1", "x", "no page 3; its pages are 1 to 2"),
                                    (1, "1900,10,200,10", "x", "outside the page"),
                                    (1, "1,2,3", "x", "x,y,w,h"), (1, "pct:1,1,1,1", " ", "reason")):
        with pytest.raises(Refused, match=said):
            archive.scan_redacting.redact_box("letter01", page, box, reason, OPERATOR)
    with pytest.raises(Refused, match="no such document"):
        archive.scan_redacting.redact_box("nosuch", 1, "pct:1,1,1,1", "x", OPERATOR)
    assert archive.catalogue.changes() == before
    done = archive.scan_redacting.redact_box("letter01", 2, "200,0,1000,2588", "(b)(6)",
                                             OPERATOR)
    assert done.box == Box(0.1, 0, 0.5, 1) and done.page == 2  # the page is 2000 x 2588
    assert archive.catalogue.changes() == before + 1
    history = archive.publishing.history("letter01")
    assert history is not None and "redacted a region of page 2: (b)(6)" in history.entries[-1].summary
    logged = [e for e in archive.accounts.audit() if e.action == "redact"]
    assert [(e.subject, e.detail["page"], e.detail["reason"]) for e in logged] == \
        [("letter01", 2, "(b)(6)")]


def test_a_box_covers_the_file_in_every_document_that_carries_it(tmp_path: Path) -> None:
    """The same scan attached to a second document: a box put through one covers both, so
    neither serves the original to the public."""
    app = _archive(tmp_path)
    try:
        extra = tmp_path / "bundle"
        doc = yaml.safe_load((extra / "letter01.yaml").read_text())
        (extra / "copy0001.yaml").write_text(yaml.safe_dump({**doc, "public_id": "copy0001"}))
        assert not import_paths([extra], app.import_context()).failed
        app.scan_redacting.redact_box("letter01", 1, "pct:10,10,20,5", "(b)(6)", OPERATOR)
        site = TestClient(create_app(app))
        key = _key(site, "letter01")
        assert _key(site, "copy0001") == key
        assert site.get(f"/files/{_original(app, 'copy0001')}/x.pdf").status_code == 404
    finally:
        app.catalogue.dispose()


def test_redact_scan_command(archive: App) -> None:
    """`chancery redact-scan`: says the new public address; a page out of range, a reader's
    account or a missing option is refused with the reason and nothing changes."""
    data = str(archive.settings.data)
    before = archive.catalogue.changes()
    archive.accounts.add_user("reader@example.org", "editor", None)
    archive.accounts.set_role("reader@example.org", "reader")
    for args, said in ((["--page", "9"], "has no page 9"),
                       (["--page", "1", "--as", "reader@example.org"], "reader"),
                       (["--page", "1", "--scan", "other.pdf"], "no scan 'other.pdf'")):
        result = CliRunner().invoke(cli, ["--data", data, "redact-scan", "letter01", *args,
                                          "--box", "pct:1,1,10,10", "--reason", "privacy"])
        assert result.exit_code != 0 and said in result.output, result.output
    assert archive.catalogue.changes() == before
    result = CliRunner().invoke(cli, ["--data", data, "redact-scan", "letter01", "--page", "1",
                                      "--box", "pct:10,20,30,5", "--reason", "(b)(6)"])
    assert result.exit_code == 0, result.output
    key = _key(TestClient(create_app(archive)), "letter01")
    assert f"/files/{key}/letter.pdf" in result.output


def test_a_name_on_a_real_declassified_scan_is_burned_out(tmp_path: Path) -> None:
    """A 2025 JFK release (OCR'd PDF, three pages): a box over the defector's name in the
    heading of page 1; the public PDF has no text layer, and the page is black there."""
    scans = CORPUS / "scans"
    need(scans.is_dir(), "the shared corpus is not here")
    real = scans / "104-10106-10312_ocr.pdf"
    app = _archive(tmp_path)
    try:
        (tmp_path / "bundle" / "letter.pdf").write_bytes(real.read_bytes())
        assert not import_paths([tmp_path / "bundle"], app.import_context()).failed
        box = word_box(real.read_bytes(), 1, "NOSENKO", margin=0.004)
        app.scan_redacting.redact_box("letter01", 1, f"pct:{box.x * 100},{box.y * 100},"
                                      f"{box.w * 100},{box.h * 100}", "privacy", OPERATOR)
        site = TestClient(create_app(app))
        key = _key(site, "letter01")
        public = site.get(f"/files/{key}/letter.pdf").content
        assert "NOSENKO" in page_text(real.read_bytes(), 1)
        assert all(page_text(public, n).strip() == "" for n in (1, 2, 3))
        _black_inside(_png(site.get(f"/scans/{key}/1-1000.png")), box)
    finally:
        app.catalogue.dispose()
