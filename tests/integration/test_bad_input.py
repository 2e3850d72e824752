"""Bad input: every malformed or hostile file is refused with its name and a clear reason,
the rest of the batch lands, and nothing of a refused file is stored. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import resource
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from chancery.bootstrap import App
from chancery.cli import app as cli
from chancery.domain.publication import Actor
from chancery.ingest.base import ImportRefused, Limits
from chancery.ingest.bundle import validate
from chancery.ingest.xml import parse_xml_file
from chancery.services.imports import ImportSummary
from tests.integration.sources import (
    PDF,
    SCANS,
    bundle_document,
    catalogue_text,
    row_counts,
    run_import,
    stored_idents,
    tei_document,
    tei_volume,
    write_bundle,
    write_csv,
    write_volume,
)

SECRET = "TOP-SECRET-TOKEN-4711"


def _failures(summary: ImportSummary) -> dict[str, str]:
    """File name (plus item, when only one item failed) -> reason."""
    return {Path(f.path).name + (f" {f.item}" if f.item else ""): f.reason for f in summary.failed}


def _secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\n")
    return path


def _hostile_xml(case: str, secret: Path) -> str:
    doc = tei_document(1, head="&xxe;")
    if case == "broken":
        return tei_volume("broken", [tei_document(1)])[:-40]
    if case == "external-entity":
        return tei_volume("x", [doc], f'<!DOCTYPE TEI [<!ENTITY xxe SYSTEM "file://{secret}">]>\n')
    if case == "parameter-entity":
        return tei_volume("x", [doc], f'<!DOCTYPE TEI [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>\n')
    # A DOCTYPE hidden behind a comment longer than the bytes sniffed before parsing.
    hidden = ("<!-- http://www.tei-c.org/ns/1.0 history.state.gov " + "x" * 5000 + " -->\n"
              f'<!DOCTYPE TEI SYSTEM "file://{secret}">\n')
    return tei_volume("x", [doc]).replace("\n", "\n" + hidden, 1)


HOSTILE_XML = {"broken": "malformed XML", "external-entity": "DOCTYPE or entities",
               "parameter-entity": "DOCTYPE or entities",
               "doctype-after-long-comment": "DOCTYPE or entities"}


def test_broken_or_hostile_xml_is_refused_and_the_rest_lands(app: App, tmp_path: Path) -> None:
    """Malformed XML and external entities (plain, parameter, or a DOCTYPE hidden behind a
    long comment) are each refused by name; no byte of the file an entity points to reaches
    the catalogue; the good volume beside them lands."""
    secret = _secret_file(tmp_path)
    bad = []
    for case in HOSTILE_XML:
        bad.append(tmp_path / f"{case}.xml")
        bad[-1].write_text(_hostile_xml(case, secret), encoding="utf-8")
    summary = run_import(app, write_volume(tmp_path / "good.xml"), *bad)
    assert summary.imported == 2
    failures = _failures(summary)
    assert sorted(failures) == sorted(f"{case}.xml" for case in HOSTILE_XML)
    for case, reason in HOSTILE_XML.items():
        assert reason in failures[f"{case}.xml"], case
    assert stored_idents(app) == {"good/d1", "good/d2"}
    assert SECRET not in catalogue_text(app)


def _billion_laughs() -> str:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    return tei_volume("bomb", [tei_document(1, head="&lol9;")],
                      f'<!DOCTYPE TEI [<!ENTITY lol0 "lol">{entities}]>\n')


def _yaml_bomb() -> str:
    lines = ["title: bomb", 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join([*lines, "subjects: *l9"]) + "\n"


def test_expansion_bombs_are_refused_quickly_without_memory_blowup(app: App, tmp_path: Path) -> None:
    """A billion-laughs XML file and its YAML cousin (nested aliases) are refused in well under
    a second, without the expansion ever being built."""
    xml_bomb = tmp_path / "laughs.xml"
    xml_bomb.write_text(_billion_laughs(), encoding="utf-8")
    yaml_bomb = write_bundle(tmp_path / "yaml-bomb", {})
    (yaml_bomb / "bomb.yaml").write_text(_yaml_bomb(), encoding="utf-8")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    summary = run_import(app, xml_bomb, yaml_bomb)
    assert time.perf_counter() - started < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < 50_000  # KiB
    failures = _failures(summary)
    assert "DOCTYPE or entities" in failures["laughs.xml"]
    assert "aliases" in failures["bomb.yaml"]
    assert summary.imported == 0 and stored_idents(app) == set()


@pytest.mark.parametrize(("declaration", "reference"), [
    ('<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">', "&lol2;"),
    ('<!ENTITY xxe SYSTEM "file:///etc/hostname">', "&xxe;"),
])
def test_entities_are_refused_in_any_encoding(tmp_path: Path, declaration: str, reference: str) -> None:
    """A UTF-16 file hides its declarations from a byte search; the parsed tree still shows
    the DOCTYPE and the file is refused."""
    path = tmp_path / "utf16.xml"
    text = tei_volume("x", [tei_document(1, head=reference)], f"<!DOCTYPE TEI [{declaration}]>\n")
    path.write_text(text.replace('encoding="UTF-8"', 'encoding="UTF-16"'), encoding="utf-16")
    assert b"<!ENTITY" not in path.read_bytes()
    with pytest.raises(ImportRefused, match="XML declares a DOCTYPE or entities"):
        parse_xml_file(path, Limits(1024 * 1024, 1000))


def test_one_broken_document_in_a_volume_fails_alone(app: App, tmp_path: Path) -> None:
    """A FRUS volume whose second document has no xml:id: that document is named as the
    failed item, the others and the volume's chapters land."""
    path = tmp_path / "frus-test.xml"
    path.write_text(tei_volume("frus-test", [tei_document(1), tei_document(2, xml_id=False),
                                             tei_document(3)]), encoding="utf-8")
    summary = run_import(app, path)
    assert (summary.imported, _failures(summary)) == (2, {"frus-test.xml #2": "document has no xml:id"})
    assert stored_idents(app) == {"frus-test/d1", "frus-test/d3"}
    assert "frus/frus-test/ch1" in {c.key for c in app.catalogue.collections(Actor.EDITOR, date.today())}


def _fake_pdfs(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PDF, folder / "real.pdf")
    (folder / "fake.pdf").write_text("Minutes of the meeting, typed, not a PDF at all.\n")
    (folder / "truncated.pdf").write_bytes(PDF.read_bytes()[:4000])
    return folder / "fake.pdf", folder / "truncated.pdf"


def test_a_pdf_that_is_not_a_pdf_is_refused_in_a_bundle_and_in_a_csv(app: App, tmp_path: Path) -> None:
    """A text file named .pdf and a truncated PDF fail their own document (bundle file or CSV
    line), with the reason; the documents with a real scan land, and only that scan is stored."""
    bundle = tmp_path / "box"
    _fake_pdfs(bundle)
    write_bundle(bundle, {"good": bundle_document(1, media=[{"file": "real.pdf"}]),
                          "fake": bundle_document(2, media=[{"file": "fake.pdf"}]),
                          "cut": bundle_document(3, media=[{"file": "truncated.pdf"}])})
    sheet = write_csv(bundle / "rows.csv", [
        {"id": "row-1", "title": "Cable one", "text": "Text one.", "files": "real.pdf"},
        {"id": "row-2", "title": "Cable two", "text": "Text two.", "files": "fake.pdf"}])
    summary = run_import(app, bundle, sheet)
    failures = _failures(summary)
    assert summary.imported == 2 and len(failures) == 3
    assert "fake.pdf: not a PDF file" in failures["fake.yaml"]
    assert "truncated.pdf: not a readable PDF" in failures["cut.yaml"]
    assert "fake.pdf: not a PDF file" in failures["rows.csv line 3"]
    assert stored_idents(app) == {"test-bundle/1", "rows/row-1"}
    (media,) = {m for m in app.catalogue.media_hashes()}
    assert [p.name for p in app.blobs.root.rglob("*") if p.is_file()] == [media]


def test_a_csv_with_a_missing_required_column_is_refused(app: App, tmp_path: Path) -> None:
    """A CSV without a required column is refused as a whole, naming the column; another CSV
    in the same import lands."""
    no_title = write_csv(tmp_path / "no-title.csv", [{"id": "a", "text": "Some text."}])
    no_content = write_csv(tmp_path / "no-content.csv", [{"id": "a", "title": "A cable"}])
    good = write_csv(tmp_path / "good.csv", [{"id": "g1", "title": "A cable", "text": "Text."}])
    summary = run_import(app, no_title, no_content, good)
    assert summary.imported == 1 and stored_idents(app) == {"good/g1"}
    failures = _failures(summary)
    assert failures["no-title.csv"] == "missing required column(s): title"
    assert failures["no-content.csv"] == "missing required column(s): text_file or files or text"


def test_files_over_the_size_limit_are_refused(app: App, tmp_path: Path) -> None:
    """With a 20 KB limit, a larger volume is refused as a whole and a larger scan fails its
    document, both saying how to raise the limit; small sources land."""
    big = write_volume(tmp_path / "big.xml", count=60)
    assert big.stat().st_size > 20_000
    bundle = tmp_path / "box"
    _fake_pdfs(bundle)
    write_bundle(bundle, {"small": bundle_document(1),
                          "scan": bundle_document(2, media=[{"file": "real.pdf"}])})
    summary = run_import(app, big, write_volume(tmp_path / "small.xml"), bundle, max_bytes=20_000)
    failures = _failures(summary)
    assert set(failures) == {"big.xml", "scan.yaml"}
    for reason in failures.values():
        assert "over the limit of 20,000" in reason and "--max-file-size" in reason
    assert stored_idents(app) == {"small/d1", "small/d2", "test-bundle/1"}


SCHEMA_BREAKS = {
    "unknown-field": ({**bundle_document(1), "colour": "red"}, "'colour' was unexpected"),
    "bad-state": (bundle_document(2, publication={"state": "public"}), "at publication/state"),
    "bad-id": (bundle_document(3, public_id="has space"), "at public_id"),
    "no-title": ({"summary": "A document without a title."}, "'title' is a required property"),
    "text-without-language": (bundle_document(4, texts=[{"body": "x"}]), "at texts/0"),
}


def test_bundle_metadata_failing_the_schema_is_refused(app: App, tmp_path: Path) -> None:
    """Each document file that breaks the JSON Schema fails alone, saying where and why; the
    valid one beside them lands."""
    docs = {"good": bundle_document(9), **{name: meta for name, (meta, _) in SCHEMA_BREAKS.items()}}
    summary = run_import(app, write_bundle(tmp_path / "box", docs))
    failures = _failures(summary)
    assert summary.imported == 1 and stored_idents(app) == {"test-bundle/9"}
    assert sorted(failures) == sorted(f"{name}.yaml" for name in SCHEMA_BREAKS)
    for name, (_, reason) in SCHEMA_BREAKS.items():
        found = failures[f"{name}.yaml"]
        assert found.startswith("invalid metadata") and reason in found, (name, found)


def test_a_bundle_whose_manifest_or_files_are_malformed_is_refused(app: App, tmp_path: Path) -> None:
    """A manifest failing the schema refuses its bundle; malformed YAML and JSON nested beyond
    reason fail their own document; another bundle lands."""
    wrong = write_bundle(tmp_path / "wrong", {"a": bundle_document(1)},
                         manifest={"format": "someone-elses", "version": 1})
    odd = write_bundle(tmp_path / "odd", {"good": bundle_document(2)})
    (odd / "broken.yaml").write_text("title: [unclosed\n")
    (odd / "deep.json").write_text('{"title": "x", "subjects": ' + "[" * 50_000 + "]" * 50_000 + "}")
    summary = run_import(app, wrong, odd)
    failures = _failures(summary)
    assert "invalid metadata at format" in failures["wrong"]
    assert failures["broken.yaml"].startswith("malformed YAML")
    assert "nested too deeply" in failures["deep.json"]
    assert summary.imported == 1 and stored_idents(app) == {"test-bundle/2"}


def _mixed_batch(tmp_path: Path) -> list[Path]:
    bad_csv = write_csv(tmp_path / "no-title.csv", [{"id": "x", "text": "Text."}])
    broken = tmp_path / "broken.xml"
    broken.write_text(tei_volume("broken", [tei_document(1)])[:-40])
    bomb = tmp_path / "laughs.xml"
    bomb.write_text(_billion_laughs())
    wrong = write_bundle(tmp_path / "wrong", {"a": bundle_document(5)}, manifest={"format": "x"})
    (tmp_path / "notes.txt").write_text("not a source\n")
    return [write_volume(tmp_path / "good.xml"), broken, SCANS / "scans.csv", bomb, bad_csv,
            write_bundle(tmp_path / "box", {"one": bundle_document(1), "two": bundle_document(2)}),
            wrong, tmp_path / "notes.txt", tmp_path / "missing.xml"]


def test_a_batch_with_broken_sources_imports_all_the_others(app: App, tmp_path: Path) -> None:
    """Nine sources, six of them bad: the three good ones land whole (7 documents) and each
    bad one is reported once, by name."""
    summary = run_import(app, *_mixed_batch(tmp_path))
    assert (summary.imported, summary.files) == (7, 9)
    assert sorted(_failures(summary)) == sorted(["broken.xml", "laughs.xml", "no-title.csv", "wrong",
                                                 "notes.txt", "missing.xml"])
    assert len(stored_idents(app)) == 7
    assert "unrecognised format" in _failures(summary)["notes.txt"]
    assert "no such file" in _failures(summary)["missing.xml"]


def test_cli_import_exits_non_zero_and_names_each_failure(tmp_path: Path) -> None:
    """`chancery import` ends with a summary naming each failed file and its reason, exits 1,
    and prints the failures as JSON with --json."""
    sources = [str(p) for p in _mixed_batch(tmp_path)]
    runner = CliRunner()
    # a narrow console wrapped the summary ("6 \nfailed") when the rate had more digits. Not
    # by setting the console's width here: undone, that left it fixed at 80 for the next test
    text = runner.invoke(cli, ["--data", str(tmp_path / "a"), "import", "--no-progress", *sources],
                         env={"COLUMNS": "400"})
    assert text.exit_code == 1
    assert "7 imported" in text.output and "6 failed" in text.output
    for name, reason in [("broken.xml", "malformed XML"), ("no-title.csv", "missing required"),
                         ("laughs.xml", "DOCTYPE or entities")]:
        assert any(name in line and reason in line for line in text.output.splitlines()), name
    as_json = runner.invoke(cli, ["--data", str(tmp_path / "b"), "import", "--json", *sources])
    assert as_json.exit_code == 1
    result = json.loads(as_json.stdout)
    assert result["imported"] == 7
    failed = {Path(f["file"]).name: f["reason"] for f in result["failed"]}
    assert "malformed XML" in failed["broken.xml"] and len(failed) == 6


def test_cli_max_file_size_refuses_larger_files(tmp_path: Path) -> None:
    """`--max-file-size` sets the limit: a larger file is refused and the exit status is 1."""
    big = write_volume(tmp_path / "big.xml", count=60)
    result = CliRunner().invoke(cli, ["--data", str(tmp_path / "a"), "--max-file-size", "20000",
                                      "import", "--json", str(big)])
    assert result.exit_code == 1
    (failure,) = json.loads(result.stdout)["failed"]
    assert failure["file"] == str(big) and "over the limit of 20,000" in failure["reason"]


def test_bundle_yaml_helper_writes_valid_documents(tmp_path: Path) -> None:
    """The document metadata these tests start from is itself valid (so each refusal above
    is caused by the one thing each case breaks)."""
    path = write_bundle(tmp_path / "box", {"d": bundle_document(1)}) / "d.yaml"
    meta = yaml.safe_load(path.read_text())
    validate(meta, "document")


def test_csv_rows_cannot_read_files_outside_their_folder(app: App, tmp_path: Path) -> None:
    """Rows naming a text file or scan outside the CSV's folder (by ``..`` or an absolute
    path) are refused and the file's content never reaches the catalogue; the row beside
    them lands."""
    secret = _secret_file(tmp_path)
    shutil.copy(PDF, tmp_path / "outside.pdf")
    box = tmp_path / "box"
    (box / "sub").mkdir(parents=True)
    sneaky = [{"text_file": "../secret.txt"}, {"text_file": str(secret)},
              {"text_file": "sub/../../secret.txt"}, {"files": "../outside.pdf"}]
    sheet = write_csv(box / "rows.csv", [
        {"id": "ok", "title": "A cable", "text_file": "", "files": "", "text": "Text."},
        *({"id": f"sneaky-{i}", "title": "Another", "text_file": "", "files": "", **row}
          for i, row in enumerate(sneaky))])
    summary = run_import(app, sheet)
    assert summary.imported == 1 and stored_idents(app) == {"rows/ok"}
    failures = _failures(summary)
    assert sorted(failures) == [f"rows.csv line {n}" for n in range(3, 7)]
    assert all("outside the CSV's folder" in reason for reason in failures.values())
    assert SECRET not in catalogue_text(app) and row_counts(app)["media"] == 0


def test_csv_ids_must_be_usable_and_unique(app: App, tmp_path: Path) -> None:
    """An id with spaces or slashes, one longer than a public id may be, or one used twice,
    fails its row on both backends alike, instead of being stored (or not) at the database's
    whim."""
    ids = ["first", "box 3/item 12", "x" * 41, "first"]
    sheet = write_csv(tmp_path / "rows.csv", [{"id": i, "title": f"Cable {n}", "text": "Text."}
                                              for n, i in enumerate(ids)])
    summary = run_import(app, sheet)
    assert summary.imported == 1 and stored_idents(app) == {"rows/first"}
    failures = _failures(summary)
    assert "not usable as a public id" in failures["rows.csv line 3"]
    assert "not usable as a public id" in failures["rows.csv line 4"]
    assert "same document as line 2" in failures["rows.csv line 5"]


def test_a_bundle_cannot_describe_one_document_twice(app: App, tmp_path: Path) -> None:
    """A second file with a source id already used in the bundle, and a document with two
    texts under one key, fail alone with the reason instead of a database error."""
    same_texts = [{"language": "en", "kind": "ocr", "body": "One."},
                  {"language": "en", "kind": "ocr", "body": "Two."}]
    bundle = write_bundle(tmp_path / "box", {"a": bundle_document(1), "b": bundle_document(1),
                                             "c": bundle_document(3, texts=same_texts)})
    summary = run_import(app, bundle)
    assert summary.imported == 1 and stored_idents(app) == {"test-bundle/1"}
    failures = _failures(summary)
    assert "source_id 'test-bundle/1' is already used by a.yaml" in failures["b.yaml"]
    assert "text versions share a key (en-ocr, en-ocr)" in failures["c.yaml"]
