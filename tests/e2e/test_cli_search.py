"""`chancery search` and `chancery reindex` as a person uses them, and docs/search.md kept true."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from chancery.cli import app
from chancery.search.grammar import FIELDS
from chancery.search.interface import FACETS

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def _run(data: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--data", str(data), *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_search_needs_an_index_then_answers_in_json(tmp_path: Path, reference_bundle: Path) -> None:
    """An import leaves the archive searchable; without its index the search says what to do;
    after `reindex`, --json gives total, hits with snippets and facets, and a facet narrows."""
    data = tmp_path / "archive"
    assert _run(data, "import", "--no-progress", str(reference_bundle))[0] == 0
    assert json.loads(_run(data, "search", "Khrushchev", "--json")[1])["total"] == 1
    shutil.rmtree(data / "index")
    code, out = _run(data, "search", "Khrushchev")
    assert code == 1 and "chancery reindex" in out
    code, out = _run(data, "reindex")
    assert code == 0 and "Indexed 2 documents" in out, out
    code, out = _run(data, "search", "Khruschev OR experts", "--json")
    assert code == 0, out
    found = json.loads(out)
    assert found["total"] == 2
    assert {h["public_id"] for h in found["hits"]} == {"7da35b31", "0874552c"}
    assert any("<mark>" in h["snippet"] for h in found["hits"])
    assert {b["value"]: b["count"] for b in found["facets"]["type"]} == {"note": 1, "letter": 1}
    code, out = _run(data, "search", "experts", "--facet", "type:letter", "--json")
    assert [h["public_id"] for h in json.loads(out)["hits"]] == ["0874552c"]


def test_facet_options_read_as_f_does_and_the_old_equals_still_works(
        tmp_path: Path, reference_bundle: Path) -> None:
    """--facet takes facet:value like f= on the web and in the API; facet=value still narrows
    the same way, with a warning to write facet:value."""
    data = tmp_path / "archive"
    _run(data, "import", "--no-progress", str(reference_bundle))
    _run(data, "reindex")
    old = runner.invoke(app, ["--data", str(data), "search", "experts", "--facet", "type=letter",
                              "--json"])
    assert old.exit_code == 0
    assert "write facet:value" in old.stderr and "type:letter" in old.stderr
    assert [h["public_id"] for h in json.loads(old.stdout)["hits"]] == ["0874552c"]


def test_search_inside_one_document_and_bad_input(tmp_path: Path, reference_bundle: Path) -> None:
    """--in lists every matching passage; a malformed query or facet option exits 2 with a
    message, never a traceback."""
    data = tmp_path / "archive"
    _run(data, "import", "--no-progress", str(reference_bundle))
    _run(data, "reindex")
    code, out = _run(data, "search", "experts", "--in", "7da35b31", "--json")
    assert code == 0 and len(json.loads(out)) >= 4
    for args in (["search", '"unclosed'], ["search", "x", "--facet", "type"],
                 ["search", "x", "--sort", "sideways"], ["search", "x", "--facet", "colour=red"]):
        code, out = _run(data, *args)
        assert code == 2, args
        assert "Cannot read the query" in out and "Traceback" not in out


def test_a_small_archive_counts_exactly_with_or_without_exact(tmp_path: Path,
                                                              reference_bundle: Path) -> None:
    """Far below the sampling threshold no facet is estimated; --exact asks for what the
    default already gives, and the JSON says so per facet."""
    data = tmp_path / "archive"
    _run(data, "import", "--no-progress", str(reference_bundle))
    code, out = _run(data, "search", "experts", "--json")
    code_exact, out_exact = _run(data, "search", "experts", "--exact", "--json")
    assert code == code_exact == 0, out_exact
    default, exact = json.loads(out), json.loads(out_exact)
    assert default["facets"] == exact["facets"] and default["facets"]["type"]
    assert default["approximate"] and not any(default["approximate"].values())
    assert "≈" not in _run(data, "search", "experts")[1]


def test_docs_describe_every_field_and_facet() -> None:
    """docs/search.md names every field of the grammar and every facet."""
    text = (ROOT / "docs" / "search.md").read_text()
    assert all(f"`{field}:" in text for field in FIELDS), [f for f in FIELDS if f"`{f}:" not in text]
    lowered = text.lower()
    assert all(facet in lowered for facet in FACETS)
