"""Tom's journey (JOURNEYS.md) on real scans of the 2025 JFK release, end to end as he runs
it: a folder of scans with a spreadsheet (box, folder, date, title, language, ocr) imported
in one command, with a bar per stage showing rate and ETA; the files that failed listed by
name and reason, the rest landed; an OCR job that failed for a reason outside the scan (the
server lacks the language data) run again, alone, once the data is installed; the documents
found by their words the same day; suggestions for each scan, the date and classification
accepted and a sender corrected in the workspace; nothing public until a reviewer publishes;
then the public page shows the accepted fields, and the OCR text after the scan.

OCR is kept to one real page (the cable read with ``ocr=always``); the other scans' own text
layers read well enough to stand for OCR (mode auto)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chancery.bootstrap import App, build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.domain.accounts import Role
from chancery.domain.jobs import Stage
from chancery.domain.workflow import Acting
from chancery.enrich.ocr.tesseract import TESSDATA
from chancery.web.server import create_app
from tests.conftest import CORPUS, need
from tests.e2e.test_workspace_access import _csrf
from tests.e2e.test_workspace_documents import _act, _logged_in

SCANS = CORPUS / "scans"
CSV = """box,folder,date,title,language,ocr,files
7,1,,Memorandum from the Minneapolis Office,en,,104-10069-10120-p1.pdf
7,1,,Cable on Robert Maheu,en,,157-10004-10280_ocr.pdf
7,2,,Cable from Kingston Station,en,,104-10236-10054_ocr.pdf
7,2,,Cable from JMWAVE on a Miami press article,en,always,104-10298-10184-p1.pdf
7,3,,A scan that is not one,en,,104-99999-00001_ocr.pdf
7,3,,An empty page,en,,blank-page.tif
"""
MEMO = "Memorandum from the Minneapolis Office"
CABLE = "Cable from JMWAVE on a Miami press article"
EDITOR = Acting("tom@example.org", Role.EDITOR)
SENDER = "Central Intelligence Agency, Minneapolis Office"
runner = CliRunner()


def _first_page(name: str, target: Path) -> None:
    """Page 1 of a real scan as a file of its own (a one-page scan)."""
    with pikepdf.open(SCANS / f"{name}_ocr.pdf") as src:
        out = pikepdf.new()
        out.pages.append(src.pages[0])
        out.save(target)


def _box(folder: Path) -> Path:
    """Box 7: four real scans (two of one page), a "PDF" that is a text file, a 0-byte TIFF."""
    folder.mkdir()
    for name in ("157-10004-10280", "104-10236-10054"):
        shutil.copy(SCANS / f"{name}_ocr.pdf", folder)
    _first_page("104-10069-10120", folder / "104-10069-10120-p1.pdf")
    _first_page("104-10298-10184", folder / "104-10298-10184-p1.pdf")
    (folder / "104-99999-00001_ocr.pdf").write_text("Scanned by mistake as text.\n")
    (folder / "blank-page.tif").write_bytes(b"")
    (folder / "box-7.csv").write_text(CSV, encoding="utf-8")
    return folder


@dataclass
class Run:
    code: int
    out: str  # stdout
    err: str  # stderr: the progress bars, as a log file (not a terminal) gets them


@dataclass
class Archive:
    data: Path
    tessdata: Path  # the server's Tesseract data, English missing at first

    def run(self, *args: str) -> Run:
        result = runner.invoke(cli, ["--data", str(self.data), *args],
                               env={"COLUMNS": "200", "TESSDATA_PREFIX": str(self.tessdata),
                                    "CHANCERY_JOB_WORKERS": "1"})
        return Run(result.exit_code, result.stdout, result.stderr)

    def install_english(self) -> None:
        (self.tessdata / "eng.traineddata").symlink_to(Path(TESSDATA) / "eng.traineddata")


@dataclass
class Journey:
    """What Tom ran, in order: the import, `jobs` after it, then, English installed,
    `jobs retry --failed` and `jobs` again."""

    archive: Archive
    imported: Run
    jobs_before: Run
    retried: Run
    jobs_after: Run


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Journey:
    """Box 7 imported (once for the module: it reads a page by OCR) on a server that has
    Tesseract's orientation data but not yet English; then English installed and the failed
    job retried."""
    need(SCANS.is_dir(), f"the JFK scans are not in {SCANS}")
    root = tmp_path_factory.mktemp("tom")
    tessdata = root / "tessdata"
    tessdata.mkdir()
    (tessdata / "osd.traineddata").symlink_to(Path(TESSDATA) / "osd.traineddata")
    archive = Archive(root / "archive", tessdata)
    imported = archive.run("import", str(_box(root / "box-7")))
    before = archive.run("jobs", "--json")
    archive.install_english()  # apt-get install tesseract-ocr-eng
    retried = archive.run("jobs", "retry", "--failed", "--json")
    return Journey(archive, imported, before, retried, archive.run("jobs", "--json"))


def _ids(archive: Archive) -> dict[str, str]:
    """Public id by title, as `chancery list` shows them."""
    found = archive.run("list", "--json")
    assert found.code == 0, found.err
    return {row["title"]: row["public_id"] for row in json.loads(found.out)}


def test_the_import_shows_each_stage_then_what_failed_and_why(journey: Journey) -> None:
    """A bar per stage with its count, rate and ETA (as a log file gets it: the last state);
    the failures by file and reason; the four scans landed as drafts."""
    first = journey.imported
    assert first.code == 1, first.out + first.err  # something failed: the exit says so
    bars = {line.split()[0]: line for line in first.err.splitlines()
            if line.split()[:1] in (["ocr"], ["suggest"])}
    assert set(bars) == {"ocr", "suggest"}, first.err
    assert re.search(r"\b4/4\b.*\d/s.*1 failed.*ETA 00:00:00", bars["ocr"]), bars["ocr"]
    assert re.search(r"\b3/3\b.*\d/s.*ETA 00:00:00", bars["suggest"]), bars["suggest"]
    assert "4 imported" in first.out and "2 failed" in first.out
    assert "104-99999-00001_ocr.pdf: not a PDF file" in first.out
    assert "blank-page.tif: the file is empty (0 bytes)" in first.out
    # the OCR failure: its document, file and stage, and a reason someone can act on
    failed = first.out.split("Failed jobs")[1]
    assert "104-10298-10184-p1.pdf" in failed and "│ ocr " in failed
    assert "no Tesseract language data for eng" in failed and "tesseract-ocr-eng" in failed
    assert "chancery jobs retry --failed" in first.out
    assert set(_ids(journey.archive)) == {MEMO, CABLE, "Cable on Robert Maheu",
                                          "Cable from Kingston Station"}


def test_jobs_lists_the_failure_and_retry_runs_only_it_once_the_cause_is_fixed(
        journey: Journey) -> None:
    (failure,) = json.loads(journey.jobs_before.out)["failures"]
    assert failure["stage"] == "ocr" and failure["file"].endswith("104-10298-10184-p1.pdf")
    assert failure["document"] == _ids(journey.archive)[CABLE]
    retried = journey.retried
    assert retried.code == 0, retried.out + retried.err
    assert json.loads(retried.out) == {"retried": 1, "failures": []}
    after = {s["stage"]: s for s in json.loads(journey.jobs_after.out)["stages"]}
    assert (after["ocr"]["done"], after["ocr"]["failed"]) == (4, 0)
    assert after["suggest"]["done"] == 4  # the cable's suggestions followed its OCR
    built = build_app(load_settings(data=str(journey.archive.data)))
    try:  # the three that had not failed were not run again
        jobs = [built.jobs.store.get(i) for i in range(1, 20)]
        assert sorted(j.attempts for j in jobs if j and j.stage is Stage.OCR) == [1, 1, 1, 2]
    finally:
        built.close()


def test_the_import_json_has_the_jobs_it_queued(tmp_path: Path) -> None:
    """`import --json --no-wait`: what it queued per stage, left for the workers."""
    need(SCANS.is_dir(), f"the JFK scans are not in {SCANS}")
    folder = tmp_path / "box"
    folder.mkdir()
    shutil.copy(SCANS / "157-10004-10280_ocr.pdf", folder)
    archive = Archive(tmp_path / "archive", Path(TESSDATA))
    done = archive.run("import", "--json", "--no-wait", str(folder))
    assert done.code == 0, done.err
    jobs = json.loads(done.out)["jobs"]
    assert jobs["queued"] == {"cite": 1, "ocr": 1} and jobs["waited"] is False
    report = json.loads(archive.run("jobs", "--json").out)
    assert {s["stage"]: s["queued"] for s in report["stages"]} == {"ocr": 1, "cite": 1}


def _search(archive: Archive, query: str) -> list[str]:
    found = archive.run("search", query, "--json")
    assert found.code == 0, found.err
    return [h["title"] for h in json.loads(found.out)["hits"]]


def test_the_documents_are_found_by_their_words_the_same_day(journey: Journey) -> None:
    """By words of the scans' own text layers, and of the page read by OCR, as soon as the
    commands return: no reindex in between."""
    archive = journey.archive
    assert _search(archive, "Maheu") == ["Cable on Robert Maheu"]
    assert _search(archive, "Jamaican") == ["Cable from Kingston Station"]
    assert _search(archive, "Rittenburg") == [MEMO]
    assert CABLE in _search(archive, "HERALD")  # read by Tesseract from the page image


@pytest.fixture
def site(journey: Journey) -> Iterator[App]:
    built = build_app(load_settings(data=str(journey.archive.data)))
    yield built
    built.close()


def _suggestions(client: TestClient, ident: str) -> str:
    page = client.get(f"/workspace/documents/{ident}/suggestions")
    assert page.status_code == 200, page.text[:300]
    return page.text


def _form_of(html: str, kind: str, value: str) -> str:
    """The id of the open suggestion of ``kind`` showing ``value``."""
    section = html.split(f'<h3 id="kind-{kind}">')[1].split("<h3 ")[0]
    found = re.search(r'name="id" value="(\d+)">\s*<p id="sg-\1"><strong class="sg-value">'
                      + re.escape(value) + "<", section)
    assert found, (kind, value, section[:2000])
    return found.group(1)


def _decide(client: TestClient, ident: str, **form: str) -> str:
    html = _suggestions(client, ident)
    answer = client.post(f"/workspace/documents/{ident}/suggestions",
                         data={"csrf": _csrf(html), **form}, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:500]
    return str(answer.headers["location"])


def test_suggestions_confirmed_reviewed_and_published(site: App, journey: Journey) -> None:
    """Each scan has suggestions; Tom accepts the memorandum's date and classification and
    corrects its sender; the public sees nothing until a reviewer publishes it; then the
    page shows the accepted fields, and the OCR text after the scan."""
    ids = _ids(journey.archive)
    for title, ident in ids.items():
        assert site.suggestion_review.suggested(ident, EDITOR).open_count, title
    memo = ids[MEMO]
    editor, _ = _logged_in(site, "editor")
    html = _suggestions(editor, memo)
    assert re.search(r'<img src="/workspace/scans/[0-9a-f]{64}/1-1000.png"', html)
    assert _decide(editor, memo, id=_form_of(html, "date", "31 August 1962"),
                   decision="accept").endswith("done=accepted")
    assert _decide(editor, memo, id=_form_of(html, "classification", "SECRET"),
                   decision="accept").endswith("done=accepted")
    assert _decide(editor, memo, id=_form_of(html, "from", "Chief, Minneapolis Office"),
                   decision="correct", value=SENDER).endswith("done=corrected")
    public = TestClient(create_app(site))
    assert public.get(f"/documents/{memo}", follow_redirects=True).status_code == 404
    assert memo not in public.get("/search?q=Rittenburg").text
    assert public.get("/api/v1/search?q=Rittenburg").json()["hits"] == []
    assert _act(editor, memo, "submit", comment="box 7, folder 1 checked")[0] == 303
    reviewer, _ = _logged_in(site, "reviewer")
    assert _act(reviewer, memo, "publish")[0] == 303
    page = public.get(f"/documents/{memo}")
    assert page.status_code == 200
    record = page.text.split('id="record"')[1].split("</section>")[0]
    assert "<dd>31 August 1962</dd>" in record and "<dd>SECRET <" in record
    assert f">{SENDER}</a>" in record.split("<dt>From</dt>")[1].split("</dd>")[0]
    scans, ocr = page.text.index('id="scans"'), page.text.index('id="text-en-ocr"')
    assert scans < ocr and "Rittenburg" in page.text[ocr:] and "English (OCR)" in page.text
    hits = public.get("/api/v1/search?q=Rittenburg").json()["hits"]
    assert [h["public_id"] for h in hits] == [memo]
    marked = public.get(f"/documents/{memo}?q=Rittenburg").text  # from a search hit
    assert "marked on the scans" in marked and 'class="hit-box"' in marked
