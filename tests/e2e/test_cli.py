"""The `chancery` command as a person uses it: global options, show, list, stats, check, help."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from chancery.cli import app
from chancery.demo import DEMO_DIR
from tests.conftest import write_reference_bundle

runner = CliRunner()


def _run(data: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--data", str(data), *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite archive holding the two reference records and the demo's scanned cables
    (their OCR jobs make it 6 s: made once for the module)."""
    root = tmp_path_factory.mktemp("cli")
    data = root / "archive"
    code, out = _run(data, "import", "--no-progress",
                     str(write_reference_bundle(root / "reference-bundle")),
                     str(DEMO_DIR / "scans" / "scans.csv"))
    assert code == 0, out
    return data


@pytest.fixture
def archive(imported: Path, tmp_path: Path) -> Path:
    """A copy of it for each test: a test may damage it."""
    return Path(shutil.copytree(imported, tmp_path / "archive"))


def test_every_command_explains_itself_with_an_example() -> None:
    """`--help` on each command says what it does and gives an example."""
    group = get_command(app)
    names = sorted(group.commands)  # type: ignore[attr-defined]
    assert {"init", "import", "export", "show", "list", "stats", "check", "serve", "demo"} <= set(names)
    for name in names:
        result = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, name
        if name != "version":
            assert "Example" in result.output, name


def test_init_creates_the_data_folder_named_by_flag_or_environment(tmp_path: Path) -> None:
    """`--data DIR` and CHANCERY_DATA both choose where the catalogue goes."""
    code, out = _run(tmp_path / "by-flag", "init")
    assert code == 0 and (tmp_path / "by-flag" / "catalogue.sqlite3").is_file(), out
    result = runner.invoke(app, ["init"], env={"CHANCERY_DATA": str(tmp_path / "by-env")})
    assert result.exit_code == 0 and (tmp_path / "by-env" / "catalogue.sqlite3").is_file()


def test_show_prints_every_field_of_the_record_page(archive: Path) -> None:
    """Title, date and its note, summary, marking, funder, archive and reference, translators,
    the English text and the enclosure, all in `chancery show`."""
    code, out = _run(archive, "show", "7da35b31")
    assert code == 0, out
    flat = " ".join(out.split())
    for expected in [
        "Note, the Soviet Embassy in Beijing to the Ministry of Foreign Affairs",
        "July 18, 1960", "The copy of the Russian note is not dated but known from other sources.",
        "The Soviet Embassy reports that in response to Chinese dissatisfaction",
        "Strictly confidential", "Leon Levy Foundation", "J IV 2/202/280",
        "im Bundesarchiv", "History and Public Policy Program Digital Archive",
        "Dieter Heinzig", "Anna Eckner", "Soviet Embassy in Beijing",
        "Enclosed in", "The Embassy of the Union of the Socialist Soviet Republics",
        "Yang Zhengwu", "Guangzhou"]:
        assert expected in flat, expected


def test_show_json_carries_the_full_record(archive: Path) -> None:
    """`show --json` by source id gives the record with links, relations and history."""
    code, out = _run(archive, "show", "--json", "wilson/001_0874552cb937a2de")
    assert code == 0, out
    rec = json.loads(out)
    assert rec["classification"] == {"marking": "Completely Secret", "level": "top_secret",
                                     "caveats": []}
    assert [r["label"] for r in rec["related"]] == ["Encloses"]
    assert {"Khrushchev, Nikita Sergeevich"} <= {lk["name"] for lk in rec["links"]}
    assert rec["revisions"][0]["summary"].startswith("imported from")


def test_show_of_an_unknown_id_says_so_and_fails(archive: Path) -> None:
    """A missing document is a clear message and exit status 1, not a traceback."""
    code, out = _run(archive, "show", "frus1958-60v19/d9999")
    assert code == 1
    assert "No document" in out and "Traceback" not in out


def test_list_and_stats_count_what_was_imported(archive: Path) -> None:
    """`list` shows every document; `stats --json` counts them by facet."""
    code, out = _run(archive, "list", "--json")
    assert code == 0
    assert len(json.loads(out)) == 5
    code, out = _run(archive, "stats", "--json")
    stats = json.loads(out)
    assert stats["documents"] == 5
    assert stats["by"]["decade"] == {"1960s": 5}
    assert sum(stats["by"]["language"].values()) >= 5
    assert set(stats["by"]) >= {"collection", "type", "decade", "classification", "language"}


def test_check_finds_a_damaged_scan(archive: Path) -> None:
    """`check` passes on a sound archive and fails, naming the problem, once a scan is damaged."""
    code, out = _run(archive, "check", "--verify-hashes")
    assert code == 0, out
    blob = next(p for p in (archive / "blobs").rglob("*") if p.is_file())
    blob.write_bytes(b"not the scan any more")
    code, out = _run(archive, "check", "--verify-hashes")
    assert code == 1
    assert "missing or damaged" in out


def test_cite_in_the_house_style_any_csl_style_and_as_exports(archive: Path) -> None:
    """`chancery cite`: the house citation letter for letter, CSL styles by our short names and
    by file name, BibTeX / RIS / CSL-JSON, and clear errors for an unknown style or id."""
    code, out = _run(archive, "cite", "7da35b31")
    assert code == 0 and out.startswith("“Note, the Soviet Embassy in Beijing")
    assert "Translated by Dieter Heinzig and Anna Eckner." in out
    code, out = _run(archive, "cite", "7da35b31", "--style", "chicago-note")
    assert code == 0 and "trans. Dieter Heinzig and Anna Eckner, July 18, 1960" in out
    code, out = _run(archive, "cite", "7da35b31", "--style", "apa-6th-edition")
    assert code == 0 and out.startswith("Soviet Embassy in Beijing. (1960).")
    code, out = _run(archive, "cite", "7da35b31", "--style", "csl-json")
    assert json.loads(out)[0]["archive_location"] == "J IV 2/202/280"
    code, out = _run(archive, "cite", "7da35b31", "--style", "ris")
    assert out.startswith("TY  - MANSCPT")
    code, out = _run(archive, "cite", "7da35b31", "--style", "no-such-style")
    assert code == 2 and "no CSL style named 'no-such-style'" in out
    code, out = _run(archive, "cite", "nothing-here")
    assert code == 1 and "No document" in out
    code, out = _run(archive, "cite", "--list-styles")
    assert code == 0 and {"chicago-note", "mla", "apa", "turabian", "ieee"} <= set(out.split())


def test_serve_refuses_a_data_folder_that_holds_no_archive(tmp_path: Path) -> None:
    """A mistyped --data (a folder that does not exist, or one without a catalogue) is refused
    with a message naming it, and nothing is created there."""
    import socket

    with socket.socket() as taken:  # were it to serve, it would stop at once, not hang
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        for data in (tmp_path / "archvie", tmp_path):
            code, out = _run(data, "serve", "--port", str(taken.getsockname()[1]))
            assert code == 1 and "No archive in" in out and "--create" in out, out
            assert data.name in out.replace("\n", ""), out
    assert not (tmp_path / "archvie").exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [
    ["export", "--public", "--format", "jsonl", "--out", "OUT"], ["search", "Berlin"],
    ["stats"], ["list"], ["show", "x1"], ["check"], ["cite", "x1"], ["reindex"],
    ["migrate"]])  # migrate made an empty archive in a mistyped folder (a hostile test)
def test_commands_that_read_refuse_a_data_folder_that_holds_no_archive(
        tmp_path: Path, command: list[str]) -> None:
    """A mistyped --data is refused by every command that reads an archive, as by serve: no
    empty archive is made there, and no empty export is written and called a success."""
    out_file = tmp_path / "out.jsonl"
    code, out = _run(tmp_path / "archvie", *[str(out_file) if a == "OUT" else a for a in command])
    assert code == 1 and "No archive in" in out and "archvie" in out.replace("\n", ""), out
    assert not (tmp_path / "archvie").exists() and not out_file.exists()


def _serve_once(data: Path, *flags: str) -> int:
    """Start `chancery serve` as an operator would, fetch robots.txt, stop it; the status."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-c", "from chancery.cli import app; app()", "--data", str(data),
               "serve", "--port", str(port), *flags]
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5) as page:
                    return int(page.status)
            except urllib.error.HTTPError as exc:
                return exc.code
            except OSError:
                if server.poll() is not None:
                    return -1
                time.sleep(0.1)
        return 0
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_create_starts_a_new_archive_and_serve_reopens_it(tmp_path: Path) -> None:
    """With --create, serve makes the archive and answers; afterwards plain serve opens it."""
    data = tmp_path / "new-archive"
    assert _serve_once(data, "--create") == 200
    assert (data / "catalogue.sqlite3").is_file()
    assert _serve_once(data) == 200


def test_a_process_the_command_starts_does_not_load_the_whole_cli() -> None:
    """An import's reader and index follower are spawned: each runs the console script
    again as its main module, as multiprocessing does here, and must not pay for importing
    the whole CLI (~0.6 s of CPU each, taken from the import). The script itself still runs
    the command."""
    script = Path(sys.executable).parent / "chancery"
    assert script.is_file(), f"{script} is missing: `make install` makes it"
    as_spawned = ("import runpy, sys; runpy.run_path(sys.argv[1], run_name='__mp_main__'); "
                  "print(sorted(m for m in ('chancery.cli', 'chancery.bootstrap', 'sqlalchemy')"
                  " if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", as_spawned, str(script)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    run = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "import" in run.stdout


def test_a_catalogue_that_cannot_be_opened_is_said_in_one_line(tmp_path: Path) -> None:
    """Found by a hostile test: a data folder whose catalogue is not SQLite, or a database
    URL naming a PostgreSQL database that does not exist, made `migrate`, `check` and
    `backup` print a traceback; the console script says it in one line, exit 1."""
    from tests.conftest import PG_URL
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "catalogue.sqlite3").write_text("not a database\n")
    runs = [["--data", str(broken), "check"], ["--data", str(broken), "migrate"]]
    if PG_URL:
        from sqlalchemy.engine import make_url
        missing = make_url(PG_URL).set(database="no_such_database_h23")
        runs.append(["--data", str(tmp_path / "pg"), "--db",
                     missing.render_as_string(hide_password=False), "migrate"])
    for args in runs:
        done = subprocess.run([sys.executable, "-m", "chancery", *args], capture_output=True,
                              text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})
        assert done.returncode == 1, (args, done.stderr[-2000:])
        assert "Cannot open the catalogue:" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "pg").exists() or not any((tmp_path / "pg").iterdir())
    typo = tmp_path / "typo" / "deep" / "x.sqlite3"  # migrate made it, folders and all
    code, out = _run(tmp_path / "data", "--db", f"sqlite:///{typo}", "migrate")
    assert code == 1 and "No archive in" in out and not (tmp_path / "typo").exists()
