"""`chancery authority ...` as an archivist runs it: records found by any spelling, shown with
their names, identifiers and documents; renamed, described, given names and identifiers,
merged (the documents follow and the old address answers 301) and split; each change in the
audit log under the account acting, search following at once, and every refusal said."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.main import get_command
from typer.testing import CliRunner

from chancery.bootstrap import build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.web.server import create_app
from tests.authority_archive import FROST, KENNAN, VARIANT, import_archive

runner = CliRunner()
EDITOR = "editor@example.org"


def run(data: Path, *args: str, user: str = EDITOR, stdin: str | None = None) -> tuple[int, str]:
    """Exit code and everything said (stdout and stderr), acting as ``user``."""
    result = runner.invoke(cli, ["--data", str(data), *args], input=stdin,
                           env={"COLUMNS": "200", "CHANCERY_USER": user})
    return result.exit_code, result.output


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The small published archive of tests/authority_archive.py and an editor's account."""
    folder = tmp_path / "data"
    made = build_app(load_settings(data=str(folder), database_url=""))
    import_archive(made, tmp_path / "bundle")
    made.accounts.add_user(EDITOR, "editor", "a long enough passphrase")
    made.catalogue.dispose()
    return folder


def record(data: Path, key: str) -> dict[str, Any]:
    code, out = run(data, "authority", "show", key, "--json")
    assert code == 0, out
    found: dict[str, Any] = json.loads(out)
    return found


def audit(data: Path) -> list[tuple[str, str, str]]:
    code, out = run(data, "audit", "--json")
    assert code == 0, out
    return [(e["actor"], e["action"], e["subject"]) for e in json.loads(out)
            if e["action"].startswith("authority-")]


def found_by(data: Path, word: str, *facets: str) -> list[str]:
    code, out = run(data, "search", word, "--json", *[f"--facet={f}" for f in facets])
    assert code == 0, out
    return sorted(h["public_id"] for h in json.loads(out)["hits"])


@pytest.fixture
def web(data: Path) -> Iterator[TestClient]:
    """The reading room over the archive the commands change."""
    built = build_app(load_settings(data=str(data), database_url=""))
    yield TestClient(create_app(built), follow_redirects=False)
    built.catalogue.dispose()


def test_list_finds_records_by_any_spelling_and_kind(data: Path) -> None:
    code, out = run(data, "authority", "list", "--kind", "person", "--query", "zarn")
    assert code == 0 and out.split()[0] == KENNAN and len(out.strip().splitlines()) == 1
    code, out = run(data, "authority", "list", "--json")
    assert code == 0 and {r["key"] for r in json.loads(out)} == {
        KENNAN, FROST, "organization/policy-planning-staff"}
    code, out = run(data, "authority", "list", "--kind", "ghost")
    assert code == 2 and "ghost" in out


def test_show_gives_names_with_their_sources_identifiers_and_documents(data: Path) -> None:
    shown = record(data, KENNAN)
    assert shown["name"] == "Kennan, George F." and shown["documents"] == 2
    assert {"name": "Кеннан, Джордж", "source": "original-script", "language": "ru",
            "scheme": ""} in shown["names"]
    assert sorted(d["public_id"] for d in shown["linked_documents"]) == ["kdoc1", "kdoc2"]
    code, out = run(data, "authority", "show", KENNAN)
    assert code == 0 and VARIANT in out and "2 documents name it:" in out and "kdoc1" in out


def test_rename_describe_and_names_are_saved_audited_and_searched(data: Path) -> None:
    assert run(data, "authority", "rename", KENNAN, "Kennan, George Frost")[0] == 0
    assert run(data, "authority", "describe", KENNAN, "Director of Policy Planning")[0] == 0
    code, out = run(data, "authority", "add-name", KENNAN, "Wolkenstein", "--source", "generated",
                    "--language", "ru-Latn")
    assert code == 0, out
    shown = record(data, KENNAN)
    assert shown["name"] == "Kennan, George Frost" and shown["description"] == (
        "Director of Policy Planning")
    names = {n["name"]: (n["source"], n["language"]) for n in shown["names"]}
    assert "Kennan, George F." in names and names["Wolkenstein"] == ("generated", "ru-Latn")
    # a name finds its record's documents at once (and those of records spelled like it)
    assert {"kdoc1", "kdoc2"} <= set(found_by(data, "Wolkenstein"))
    assert run(data, "authority", "remove-name", KENNAN, "Wolkenstein")[0] == 0
    assert found_by(data, "Wolkenstein") == []
    assert audit(data) == [(EDITOR, a, KENNAN) for a in (
        "authority-edit", "authority-edit", "authority-name-add", "authority-name-remove")]


def test_identifiers_are_set_kept_removed_and_checked(data: Path) -> None:
    code, out = run(data, "authority", "set-id", KENNAN, "wikidata=q312622",
                    "viaf=https://viaf.org/viaf/46764061/")
    assert code == 0, out
    assert record(data, KENNAN)["identifiers"] == {"wikidata": ["Q312622"], "viaf": ["46764061"]}
    assert run(data, "authority", "set-id", KENNAN, "viaf=")[0] == 0  # the others stay
    assert record(data, KENNAN)["identifiers"] == {"wikidata": ["Q312622"]}
    code, out = run(data, "authority", "set-id", KENNAN, "wikidata=Q-nope")
    assert code == 1 and "Wikidata identifiers look like Q1000" in out
    code, out = run(data, "authority", "set-id", FROST, "wikidata=Q312622")
    assert code == 1 and f"Q312622 is on {KENNAN} already" in out
    assert run(data, "authority", "set-id", KENNAN, "orcid=0000")[0] == 2
    assert run(data, "authority", "set-id", KENNAN)[0] == 2
    assert run(data, "authority", "set-id", KENNAN, "--clear")[0] == 0
    assert record(data, KENNAN)["identifiers"] == {}


def test_merge_asks_first_then_moves_the_documents_and_the_old_address_leads_on(
        data: Path, web: TestClient) -> None:
    code, out = run(data, "authority", "merge", KENNAN, FROST, stdin="n\n")
    assert code == 1 and "Merge person/kennan-george-frost" in out
    assert record(data, FROST)["documents"] == 1  # declined: nothing changed
    code, out = run(data, "authority", "merge", KENNAN, FROST, "--yes")
    assert code == 0 and "its 1 document followed" in out, out
    assert sorted(d["public_id"] for d in record(data, KENNAN)["linked_documents"]) == [
        "kdoc1", "kdoc2", "kdoc3"]
    # the index caught up: the person facet of search counts kdoc3 under the kept record
    assert found_by(data, "containment", f"person:{KENNAN}") == ["kdoc1", "kdoc2", "kdoc3"]
    old = web.get("/people/kennan-george-frost")
    assert old.status_code == 301 and old.headers["location"].endswith("/people/kennan-george-f")
    code, out = run(data, "authority", "show", FROST)
    assert code == 0 and f"merged into {KENNAN}" in out
    assert audit(data)[-1] == (EDITOR, "authority-merge", KENNAN)


def test_split_makes_a_record_with_the_names_and_documents_given(data: Path) -> None:
    code, out = run(data, "authority", "split", KENNAN, "--names", VARIANT, "--documents",
                    "kdoc1", "--yes")
    assert code == 0 and "the new record is person/zarnicki" in out, out
    new = record(data, "person/zarnicki")
    assert new["name"] == VARIANT and [d["public_id"] for d in new["linked_documents"]] == ["kdoc1"]
    kept = record(data, KENNAN)
    assert VARIANT not in {n["name"] for n in kept["names"]} and kept["documents"] == 1
    assert audit(data)[-1] == (EDITOR, "authority-split", KENNAN)


def test_refusals_say_why_and_change_nothing(data: Path) -> None:
    for args in (["show", "person/nobody"], ["rename", "person/nobody", "X"],
                 ["add-name", "person/nobody", "X"], ["merge", KENNAN, "person/nobody", "-y"]):
        code, out = run(data, "authority", *args)
        assert code == 1 and "No authority record person/nobody" in out, (args, out)
    code, out = run(data, "authority", "remove-name", KENNAN, "Kennan, George F.")
    assert code == 1 and "display name" in out
    code, out = run(data, "authority", "merge", KENNAN, "organization/policy-planning-staff", "-y")
    assert code == 1 and "only records of one kind merge" in out
    code, out = run(data, "authority", "split", KENNAN, "--names", "Nobody at all", "--yes")
    assert code == 1 and "no name Nobody at all" in out
    code, out = run(data, "authority", "split", KENNAN, "--documents", "kdoc4", "--yes")
    assert code == 1 and "do not name this record: kdoc4" in out
    assert run(data, "authority", "split", KENNAN, "--yes")[0] == 2
    code, out = run(data, "authority", "rename", KENNAN, "X", user="ghost@example.org")
    assert code == 2 and "ghost@example.org" in out
    assert record(data, KENNAN)["name"] == "Kennan, George F." and audit(data) == []


def test_the_operator_acts_without_an_account(data: Path) -> None:
    assert run(data, "authority", "describe", FROST, "Diplomat", user="")[0] == 0
    assert audit(data) == [("operator", "authority-edit", FROST)]


def test_every_authority_and_collection_command_is_in_the_archivists_guide() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "editing.md").read_text("utf-8")
    group = get_command(cli)
    for name in ("authority", "collection"):
        commands = group.commands[name].commands  # type: ignore[attr-defined]
        assert len(commands) >= 5
        for command in commands:
            assert f"chancery {name} {command} " in guide, (name, command)
