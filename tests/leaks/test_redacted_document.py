"""The canary archive's redacted document (``canary.SEALED``) from both sides: the public
reads that it was redacted, when and why, and cites its revision date; editors read and find
the withheld words, and redact or lift a redaction from the workspace page."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select, update

from chancery.bootstrap import App
from chancery.domain import clock
from chancery.domain.publication import Actor
from chancery.domain.redactions import RedactionKind
from chancery.domain.workflow import Acting, Refused
from chancery.services.citing import coins_for, csl_for
from chancery.services.redacting import Wanted
from chancery.storage.tables import documents
from chancery.web.server import create_app
from tests.e2e.test_workspace_access import _account, _client, _csrf, _log_in
from tests.leaks.canary import CANARY, FORMER, HIDDEN, PUBLIC, SEALED, build_archive, scan_png


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    app = build_archive(tmp_path_factory.mktemp("sealed"))
    yield app
    app.catalogue.dispose()


@pytest.fixture(scope="module")
def site(archive: App) -> TestClient:
    return TestClient(create_app(archive), follow_redirects=True)


def test_a_citation_read_without_the_texts_cites_as_the_whole_read(archive: App) -> None:
    """A search page's COinS read its documents without the texts' bodies and relations:
    for every document, as the public and as an editor, the citation is the one the whole
    read gives (the redacted title and names, the languages of the texts, the revision
    date), and the sealed document's differs between the two."""
    ids = list(archive.catalogue.changed_since(0))
    cited = {}
    for actor in (Actor.PUBLIC, Actor.EDITOR):
        whole, light = ({s.document.public_id: csl_for(s, archive.citer) for s in
                         archive.catalogue.documents_seen_by(ids, actor, clock.today(),
                                                             bodies=bodies)}
                        for bodies in (True, False))
        assert light == whole and SEALED in whole and any(i["language"] for i in whole.values())
        cited[actor] = whole
    assert cited[Actor.PUBLIC][SEALED] != cited[Actor.EDITOR][SEALED]
    assert CANARY not in str(coins_for(archive.catalogue, archive.citer, ids))


def test_the_public_page_and_api_say_what_was_redacted_when_and_why(site: TestClient) -> None:
    """"Redacted on DATE (reason)" on the page, and the same in the API, never the words."""
    day = clock.today().isoformat()
    page = site.get(f"/documents/{SEALED}").text
    assert f'Redacted on <time datetime="{day}">{day}</time> ((b)(6)): in the text.' in page
    assert "(privacy): in the title." in page and "(privacy): a name in the record." in page
    record = site.get(f"/api/v1/documents/{SEALED}").json()
    assert sorted((r["kind"], r["reason"], r["date"]) for r in record["redactions"]) == [
        ("link", "privacy", day), ("summary", "(b)(1)", day), ("text", "(b)(6)", day),
        ("title", "privacy", day)]
    assert site.get("/api/v1/documents/open0001").json()["redactions"] == []


@pytest.mark.parametrize(("style", "said"), [
    ("chicago-note", "July 23, 1960, revised {month} {day}, {year}, "),
    ("apa", "[Telegram; Revised {month} {day}, {year}]"),
])
def test_citations_carry_the_revision_date(site: TestClient, style: str, said: str) -> None:
    """A historian who cited the document before can see that it changed, and when."""
    today = clock.today()
    cited = site.get(f"/documents/{SEALED}/cite?style={style}").text
    assert said.format(month=f"{today:%B}", day=today.day, year=today.year) in cited, cited
    assert "revised" not in site.get(f"/documents/open0001/cite?style={style}").text.lower()


def test_editors_read_and_find_what_the_public_may_not(archive: App, site: TestClient) -> None:
    """The workspace page shows the withheld words marked; an editor's search finds the
    document by them, the public's does not."""
    client = _client(archive)
    _log_in(client, _account(archive))
    page = client.get(f"/workspace/documents/{SEALED}").text
    assert '<mark class="redacted" title="redacted: (b)(6)">quokka source</mark>' in page
    assert "link:person/quokka-sealed" in page and 'action="/workspace/redactions/' in page
    archive.accounts.add_user("sealed-editor@example.org", "editor", None)
    _, secret = archive.tokens.create("sealed-editor@example.org", "read")
    editor = {"Authorization": f"Bearer {secret}"}
    for word in ("quokka", "Sealed"):
        found = site.get(f"/api/v1/search?q={word}", headers=editor).json()
        assert SEALED in [h["public_id"] for h in found["hits"]], word
        assert SEALED not in [h["public_id"] for h in site.get(f"/api/v1/search?q={word}")
                              .json()["hits"]]


def test_the_workspace_redacts_and_lifts_with_four_eyes(archive: App) -> None:
    """An editor's form redacts at once; refused words say why; an editor asks to lift it,
    which changes nothing public; a reviewer approves, and the words are back."""
    public = TestClient(create_app(archive))
    editor, reviewer = _client(archive), _client(archive)
    _log_in(editor, _account(archive))
    _log_in(reviewer, _account(archive, "reviewer"))
    csrf = _csrf(editor.get(f"/workspace/documents/{SEALED}").text)
    form = {"csrf": csrf, "what": "text", "text": "en-original", "words": "consul",
            "reason": "privacy"}
    assert editor.post(f"/workspace/redactions/{SEALED}", data=form).status_code == 303
    assert "consul" not in public.get(f"/documents/{SEALED}/text/en-original.txt").text
    assert public.get("/api/v1/search?q=consul").json()["total"] == 0
    refused = editor.post(f"/workspace/redactions/{SEALED}", data={**form, "words": "zebra"})
    assert refused.status_code == 400 and "do not occur in en-original" in refused.text
    page = editor.get(f"/workspace/documents/{SEALED}").text
    rid = max(int(n) for n in re.findall(rf"/workspace/redactions/{SEALED}/(\d+)/", page))
    asked = editor.post(f"/workspace/redactions/{SEALED}/{rid}/request-removal",
                        data={"csrf": csrf, "comment": "released"})
    assert asked.status_code == 303
    assert "consul" not in public.get(f"/documents/{SEALED}/text/en-original.txt").text
    assert editor.post(f"/workspace/redactions/{SEALED}/{rid}/approve-removal",
                       data={"csrf": csrf}).status_code == 403
    rcsrf = _csrf(reviewer.get(f"/workspace/documents/{SEALED}").text)
    assert reviewer.post(f"/workspace/redactions/{SEALED}/{rid}/approve-removal",
                         data={"csrf": rcsrf}).status_code == 303
    assert "consul" in public.get(f"/documents/{SEALED}/text/en-original.txt").text
    assert public.get("/api/v1/search?q=consul").json()["total"] == 1
    assert CANARY not in public.get(f"/documents/{SEALED}/text/en-original.txt").text.lower()


def test_a_box_on_a_scan_page_is_stored_for_the_burn(archive: App) -> None:
    """--page N --box: the box is kept against the scan that holds page N, as fractions of
    the page; one in pixels is measured on the page as IIIF serves it in full."""
    operator = Acting.operator()
    scan = hashlib.sha256(scan_png(SEALED)).hexdigest()
    width, height = archive.pages.sizes(scan, "image/png")[0]
    pixels = archive.redacting.redact(SEALED, Wanted("(b)(1)", page=1, box="10,10,40,20"),
                                      operator).redaction
    assert pixels.box is not None
    assert (pixels.box.x, pixels.box.w) == (10 / width, 40 / width)
    assert (pixels.box.y, pixels.box.h) == (10 / height, 20 / height)
    with pytest.raises(Refused, match="there is no page 2"):
        archive.redacting.redact(SEALED, Wanted("(b)(1)", page=2, box="pct:0,0,5,5"), operator)
    done = archive.redacting.redact(SEALED, Wanted("(b)(1)", page=1, box="pct:10,20,30,5"),
                                    operator).redaction
    assert (done.kind, done.media, done.page) == (RedactionKind.BOX, scan, 1)
    assert done.box is not None and done.box.canonical == "0.100000,0.200000,0.300000,0.050000"


def test_the_workspace_box_form_blacks_out_a_region(archive: App) -> None:
    """The document page's box form (page, unit, left, top, width, height, reason), beside a
    link to each original scan: a region in pixels is burned into the public image at once,
    under a new key, the original kept for the staff; a page, number or region that does not
    fit is refused with the reason and nothing stored."""
    public, editor = TestClient(create_app(archive)), _client(archive)
    _log_in(editor, _account(archive))
    page = editor.get(f"/workspace/documents/{SEALED}").text
    assert '<input type="hidden" name="what" value="box">' in page and 'max="1"' in page
    original = f"/workspace/files/{hashlib.sha256(scan_png(SEALED)).hexdigest()}/{SEALED}.png"
    assert f'href="{original}"' in page  # what a box covers, to judge it
    form = {"csrf": _csrf(page), "what": "box", "page": "1", "unit": "px", "x": "0", "y": "0",
            "w": "60", "h": "80", "reason": "(b)(6)"}
    for wrong, said in ((dict(page="2"), "there is no page 2"),
                        (dict(x="left"), "left, top, width and height as numbers"),
                        (dict(w="nan"), "numbers from 0"),
                        (dict(unit="pct", w="120"), "outside the page")):
        refused = editor.post(f"/workspace/redactions/{SEALED}", data={**form, **wrong})
        assert refused.status_code == 400 and said in refused.text, (wrong, refused.text[-600:])
    before = public.get(f"/api/v1/documents/{SEALED}").json()["media"][0]["sha256"]
    assert editor.post(f"/workspace/redactions/{SEALED}", data=form).status_code == 303
    after = public.get(f"/api/v1/documents/{SEALED}").json()["media"][0]["sha256"]
    assert after != before
    tile = public.get(f"/iiif/3/{after}-1/full/max/0/default.png")
    assert tile.status_code == 200
    image = Image.open(io.BytesIO(tile.content)).convert("RGB")
    assert image.getpixel((20, 30)) == (0, 0, 0)  # inside the box
    assert sum(image.getpixel((image.width - 5, image.height - 5))) > 300  # outside it
    assert editor.get(original).content == scan_png(SEALED)  # the staff keep the original


def test_documents_a_note_cites_are_named_as_the_public_reads_them(archive: App) -> None:
    """The titles a document page links its notes' "Document N" to (one query for all,
    by source id in a numbered series) leave out what the public may not see and cover a
    redacted title as the document's own page does; editors get every one, whole."""
    everyone = [SEALED, *PUBLIC, *HIDDEN, FORMER]
    sources = {f"canary/d{n}": p for n, p in enumerate(everyone, start=1)}
    engine = archive.catalogue.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:  # a bundle's documents have none; given here, put back below
        before = dict(conn.execute(select(documents.c.public_id, documents.c.source_id)
                                   .where(documents.c.public_id.in_(everyone))).all())
        for source, public_id in sources.items():
            conn.execute(update(documents).where(documents.c.public_id == public_id)
                         .values(source_id=source))
    try:
        public = archive.catalogue.titles_by_source(list(sources), Actor.PUBLIC, clock.today())
        editors = archive.catalogue.titles_by_source(list(sources), Actor.EDITOR, clock.today())
    finally:
        with engine.begin() as conn:
            for public_id, source in before.items():
                conn.execute(update(documents).where(documents.c.public_id == public_id)
                             .values(source_id=source))
    assert {p for p, _ in public.values()} == {SEALED, *PUBLIC}
    assert CANARY not in repr(public).lower()
    assert public["canary/d1"][0] == SEALED and "Vienna" in public["canary/d1"][1]
    assert {p for p, _ in editors.values()} == set(everyone)
    assert editors["canary/d1"][1] == "Cable on the Quokka arrangements in Vienna"
