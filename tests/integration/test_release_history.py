"""A document's release history through storage (SQLite and PostgreSQL) and files: a bundle
imports it, history shows its change and revert restores it, a bundle export imports again
with it whole, and CSV files carry it in four columns both ways."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from chancery.bootstrap import App, build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.domain.declassification import Release
from chancery.domain.readers import Reader
from chancery.domain.workflow import Acting
from chancery.services import datasets, documents
from chancery.services.exports import export_bundle
from tests.integration.sources import bundle_document, run_import, write_bundle, write_csv

JFK = {"released": "2017-10-26", "agency": "NARA", "authority": "JFK Records Act",
       "note": "Released in part; 3 pages withheld."}
FULL = {"released": "2025-03-18", "agency": "NARA", "authority": "JFK Records Act",
        "note": "Released in full."}
MDR = {"released": "2019", "agency": "CIA", "authority": "MDR case 2019-0421", "note": ""}


def _releases(app: App, ident: str) -> tuple[Release, ...]:
    found = documents.show_document(app.catalogue, ident, Reader.editor())
    assert found is not None, ident
    return found.document.releases


def test_a_bundle_imports_the_history_and_revert_restores_it(app: App, tmp_path: Path) -> None:
    """Releases come in in order; a re-import adding one is a revision whose diff names
    the releases; reverting to the first revision takes the added one away again."""
    doc = bundle_document(1, public_id="rel00001", releases=[JFK])
    assert not run_import(app, write_bundle(tmp_path / "b1", {"d": doc})).failed
    assert _releases(app, "rel00001") == (Release(**JFK),)
    doc["releases"] = [JFK, FULL]
    assert not run_import(app, write_bundle(tmp_path / "b2", {"d": doc})).failed
    assert _releases(app, "rel00001") == (Release(**JFK), Release(**FULL))
    history = app.publishing.history("rel00001")
    assert history is not None and "releases" in history.entries[-1].changes
    app.publishing.revert("rel00001", 1, Acting.operator())
    assert _releases(app, "rel00001") == (Release(**JFK),)


def test_a_bundle_export_imports_again_with_the_history_whole(app: App, tmp_path: Path) -> None:
    """Export → import into a fresh archive: the same releases, in the same order; and the
    archive it came from finds the export unchanged."""
    docs = {"a": bundle_document(1, public_id="rel00001", releases=[JFK, FULL, MDR]),
            "b": bundle_document(2, public_id="rel00002")}
    assert not run_import(app, write_bundle(tmp_path / "src", docs)).failed
    out = tmp_path / "export"
    export_bundle(app.catalogue, app.blobs, out, Reader.editor())
    fresh = build_app(load_settings(data=str(tmp_path / "fresh"), database_url=""))
    try:
        assert not run_import(fresh, out).failed
        assert _releases(fresh, "rel00001") == tuple(Release(**r) for r in (JFK, FULL, MDR))
        assert _releases(fresh, "rel00002") == ()
    finally:
        fresh.close()
    again = run_import(app, out)
    assert (again.updated, again.failed) == (0, [])


def test_csv_rows_carry_releases_in_four_columns(app: App, tmp_path: Path) -> None:
    """A CSV row with bar-separated release columns imports them; a row whose columns do
    not line up fails alone with the reason; the CSV export writes the same columns."""
    rows = [{"id": "csvrel01", "title": "Cable on Cuba", "text": "Text.",
             "release_date": "2017-10-26 | 2025-03-18", "release_agency": "NARA | NARA",
             "release_authority": "JFK Records Act | JFK Records Act",
             "release_note": "Released in part; 3 pages withheld. | Released in full."},
            {"id": "csvrel02", "title": "Cable on Laos", "text": "Text.",
             "release_date": "2017 | 2025", "release_agency": "NARA",
             "release_authority": "", "release_note": ""}]
    summary = run_import(app, write_csv(tmp_path / "box.csv", rows))
    assert summary.imported == 1 and len(summary.failed) == 1
    assert "different numbers" in str(summary.failed[0])
    assert _releases(app, "csvrel01") == (Release(**JFK), Release(**FULL))
    text = b"".join(datasets.csv_lines(app.catalogue, Reader.editor())).decode()
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["public_id"] == "csvrel01")
    assert row["release_date"] == "2017-10-26 | 2025-03-18"
    assert row["release_note"] == "Released in part; 3 pages withheld. | Released in full."


def test_show_json_and_jsonl_carry_the_history(sqlite_app: App, tmp_path: Path) -> None:
    """`chancery show --json` and the JSON lines download hold the releases as records."""
    doc = bundle_document(1, public_id="rel00001", releases=[MDR])
    assert not run_import(sqlite_app, write_bundle(tmp_path / "b", {"d": doc})).failed
    done = CliRunner().invoke(cli, ["--data", str(sqlite_app.settings.data), "show",
                                    "rel00001", "--json"])
    assert done.exit_code == 0 and "MDR case 2019-0421" in done.output, done.output
    lines = b"".join(datasets.jsonl_lines(sqlite_app.catalogue, Reader.public())).decode()
    assert '"authority": "MDR case 2019-0421"' in lines
