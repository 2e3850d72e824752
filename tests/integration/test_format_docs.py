"""The format documents say what the code accepts: every field of the bundle's JSON Schema
and every CSV column is described, and the examples they show import as they stand."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from PIL import Image

from chancery.bootstrap import App
from chancery.domain.publication import Actor
from chancery.ingest import csvfiles
from chancery.ingest.bundle import validate
from chancery.services import documents
from tests.integration.sources import PDF, run_import

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "src/chancery/ingest/bundle.schema.json").read_text(encoding="utf-8"))
BUNDLE_DOC = (ROOT / "docs/bundle-format.md").read_text(encoding="utf-8")
CSV_DOC = (ROOT / "docs/csv-format.md").read_text(encoding="utf-8")


def _walk(node: Any, key: str) -> Iterator[Any]:
    """Every value stored under ``key`` anywhere in a JSON document."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from _walk(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, key)


def _code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_every_schema_property_and_value_is_in_the_bundle_doc() -> None:
    """Each property name and each allowed value of the JSON Schema appears, in backticks,
    in docs/bundle-format.md."""
    properties = {name for props in _walk(SCHEMA, "properties") for name in props}
    values = {str(v) for enum in _walk(SCHEMA, "enum") for v in enum}
    values |= {str(v) for v in _walk(SCHEMA, "const")}
    assert len(properties) > 50 and {"embargo_until", "as_written", "made_by"} <= properties
    missing = sorted(n for n in properties | values if f"`{n}`" not in BUNDLE_DOC)
    assert missing == []
    assert "bundle.schema.json" in BUNDLE_DOC


def test_every_csv_column_is_in_the_csv_doc() -> None:
    """Each column the CSV importer reads appears in docs/csv-format.md, and the required
    ones are listed as required."""
    missing = [c for c in csvfiles.COLUMNS if f"`{c}`" not in CSV_DOC]
    assert missing == []
    required = CSV_DOC[CSV_DOC.index("## Required columns"):CSV_DOC.index("## Columns")]
    assert all(f"`{c}`" in required for c in (*csvfiles.REQUIRED, *csvfiles.ONE_OF))


def test_the_bundle_doc_example_is_a_valid_bundle_that_imports(sqlite_app: App, tmp_path: Path) -> None:
    """The manifest and the two documents shown in the doc pass the schema and import, with
    the enclosure between them."""
    manifest, note, letter = (yaml.safe_load(b) for b in _code_blocks(BUNDLE_DOC, "yaml"))
    validate(manifest, "manifest")
    for meta in (note, letter):
        validate(meta, "document")
    folder = tmp_path / "example"
    (folder / "scans").mkdir(parents=True)
    shutil.copy(PDF, folder / "scans" / "000.pdf")
    (folder / "000.en.txt").write_text("The Embassy of the Union of Soviet Socialist Republics …\n")
    for name, data in (("bundle", manifest), ("000", note), ("001", letter)):
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    summary = run_import(sqlite_app, folder)
    assert (summary.imported, summary.failed) == (2, [])
    stored = documents.show_document(sqlite_app.catalogue, "7da35b31", Actor.PUBLIC)
    assert stored is not None and [r.label for r in stored.related] == ["Enclosed in"]


def test_the_csv_doc_example_imports(sqlite_app: App, tmp_path: Path) -> None:
    """The CSV shown in the doc imports both its rows once the files it names are there."""
    (example,) = _code_blocks(CSV_DOC, "csv")
    box = tmp_path / "box-3"
    (box / "scans").mkdir(parents=True)
    (box / "texts").mkdir()
    (box / "box-3.csv").write_text(example, encoding="utf-8")
    for name in ("item-1.pdf", "item-2.pdf"):
        shutil.copy(PDF, box / "scans" / name)
    Image.new("L", (20, 30), 255).save(box / "scans" / "item-2-envelope.png")  # pages counted
    (box / "texts" / "item-1.txt").write_text("OCR text of the dispatch.\n", encoding="utf-8")
    summary = run_import(sqlite_app, box / "box-3.csv")
    assert (summary.imported, summary.failed) == (2, [])
    letter = documents.show_document(sqlite_app.catalogue, "item-2", Actor.EDITOR)
    assert letter is not None and letter.document.texts[0].paragraphs == [
        "Dear Ambassador,", "thank you for your letter."]
