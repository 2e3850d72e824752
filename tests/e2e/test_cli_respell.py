"""`chancery authority respell` on an archive imported before the spelling bridges (FRUS
1958-60 vol. XIX with its generated spellings and the gazetteer's marks taken out): the run
gives Chou En-lai, Liu Shao-chi and Peiping back the spellings a reader types, a dry run
changes nothing, a spelling an editor removed stays removed, and a second run changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import and_, delete
from typer.testing import CliRunner

from chancery.bootstrap import build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.services.imports import import_paths
from chancery.services.search import rebuild_index, refresh_index
from chancery.storage.tables import authority_names, authority_source_ids
from tests.conftest import CORPUS, need

VOLUME = CORPUS / "frus" / "core" / "frus1958-60v19.xml"
EDITOR = "editor@example.org"
runner = CliRunner()


def run(data: Path, *args: str) -> tuple[int, str]:
    """Exit code and everything said, acting as the editor."""
    result = runner.invoke(cli, ["--data", str(data), *args],
                           env={"COLUMNS": "200", "CHANCERY_USER": EDITOR})
    return result.exit_code, result.output


def found(data: Path, query: str) -> int:
    code, out = run(data, "search", query, "--json")
    assert code == 0, out
    return int(json.loads(out)["total"])


def names(data: Path, key: str) -> set[str]:
    code, out = run(data, "authority", "show", key, "--json")
    assert code == 0, out
    return {n["name"] for n in json.loads(out)["names"]}


@pytest.fixture(scope="module")
def old_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Vol. XIX imported, then made as an archive from before the bridges is: no generated
    spelling stored, no gazetteer entry laid; the index rebuilt from that."""
    need(VOLUME.is_file(), f"FRUS volume not found at {VOLUME}")
    data = tmp_path_factory.mktemp("respell") / "data"
    app = build_app(load_settings(data=str(data), database_url=""))
    assert not import_paths([VOLUME], app.import_context()).failed
    refresh_index(app.catalogue, app.index)
    app.lay_gazetteer()
    with app.catalogue.engine.begin() as conn:
        conn.execute(delete(authority_names).where(and_(
            authority_names.c.source == "generated", authority_names.c.scheme != "")))
        conn.execute(delete(authority_source_ids).where(
            authority_source_ids.c.source_id.like("gazetteer:%")))
    rebuild_index(app.catalogue, app.index)
    app.accounts.add_user(EDITOR, "editor", "a long enough passphrase")
    app.close()
    return data


@pytest.mark.corpus
def test_respell_restores_generated_spellings_keeps_removals_and_settles(old_archive: Path) -> None:
    data = old_archive
    before = {q: found(data, q) for q in ("周恩来", "Liu Shaoqi", "Beijing")}
    assert before == {"周恩来": 0, "Liu Shaoqi": 0, "Beijing": 0}
    chou = found(data, '"Chou En-lai"')
    assert chou > 10

    code, out = run(data, "authority", "respell", "--dry-run", "--no-progress")
    assert code == 0, out
    assert "+ Wang Bingnan" in out and "would be changed" in out  # pinyin for Wang Ping-nan
    assert "spellings would be laid onto" in out
    assert found(data, "周恩来") == 0  # the dry run stored nothing

    code, out = run(data, "authority", "respell", "--no-progress")
    assert code == 0, out
    assert "documents indexed again" in out
    assert found(data, "周恩来") == chou  # Chou En-lai's documents, by his name in characters
    assert found(data, "Liu Shaoqi") > 0 and found(data, "Beijing") > 0  # pinyin; gazetteer

    code, out = run(data, "authority", "list", "--query", "Chou En-lai", "--json")
    key = json.loads(out)[0]["key"]
    assert {"周恩来", "周恩來", "Zhou Enlai"} <= names(data, key)
    code, out = run(data, "authority", "remove-name", key, "周恩來")  # laid by the gazetteer
    assert code == 0, out
    wang = "person/wang-ping-nan-wang-bingnan"
    assert "Wang Pingnan" in names(data, wang)  # generated from his name
    code, out = run(data, "authority", "remove-name", wang, "Wang Pingnan")
    assert code == 0, out

    code, out = run(data, "authority", "respell", "--no-progress")
    assert code == 0, out
    assert "0 changed, 0 generated spellings added, 0 removed" in out
    assert "1 an editor removed stay removed" in out
    assert "周恩來" not in names(data, key) and "周恩来" in names(data, key)
    assert "Wang Pingnan" not in names(data, wang) and "Wang Bingnan" in names(data, wang)
    assert "Gazetteer: 0 spellings laid onto 0 records, 0 records made." in out

    code, out = run(data, "audit", "--json")
    actions = [(e["actor"], e["action"]) for e in json.loads(out)]
    assert (EDITOR, "authority-respell") in actions and (EDITOR, "authority-gazetteer") in actions
