"""Every example in README.md and docs/api.md works on the demo archive as `make demo` builds
it: each address answers 200 (a search finds something), each command exits 0 (a search
finds something)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chancery.bootstrap import build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.web.server import create_app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
API_DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
DEMO_URL = "http://127.0.0.1:8000"  # where `make demo` serves
EXAMPLES = re.findall(r"^GET (\S+)$", API_DOC, re.M)
README_URLS = sorted(set(re.findall(re.escape(DEMO_URL) + r"(/[^\s`)]*)", README)))
COMMANDS = [line for line in re.findall(r"^\s*(\.venv/bin/chancery .+|chancery .+)$",
                                        README + API_DOC, re.M)]
runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo archive, built by `chancery demo` as `make demo` does."""
    data = tmp_path_factory.mktemp("demo") / "demo-data"
    result = runner.invoke(cli, ["--data", str(data), "demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    return data


@pytest.fixture(scope="module")
def site(demo: Path) -> Iterator[TestClient]:
    built = build_app(load_settings(data=str(demo)))
    yield TestClient(create_app(built), base_url=DEMO_URL)
    built.catalogue.dispose()


def test_the_documents_have_examples() -> None:
    assert len(EXAMPLES) >= 20 and len(README_URLS) >= 3 and len(COMMANDS) >= 12


@pytest.mark.parametrize("path", EXAMPLES + README_URLS)
def test_each_address_answers_on_the_demo(site: TestClient, path: str) -> None:
    got = site.get(path)
    assert got.status_code == 200, (path, got.text[:200])
    if path.startswith("/api/v1/") and path != "/api/v1/docs":
        assert got.headers["content-type"] == "application/json" and got.headers["etag"]
        assert got.json() or path.endswith("/relations")  # the demo's documents have none
    if path.startswith("/api/v1/search"):
        assert got.json()["total"] > 0, path
    if path.startswith("/iiif/3/") and not path.endswith(("jpg", "png", "webp")):
        assert got.json()["id"]
    if path.startswith("/oai?"):  # OAI-PMH errors come with 200: look inside
        assert "<error" not in got.text, got.text[:300]


def _argv(command: str, data: Path) -> list[str]:
    """A documented command as arguments for this archive: the demo's folder for ./demo-data,
    paths in the repository made absolute."""
    words = shlex.split(command, comments=True)[1:]
    if words[:1] == ["--data"]:
        words = words[2:]
    return ["--data", str(data), *[str(ROOT / w) if (ROOT / w).is_file() else w for w in words]]


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_works_on_the_demo(demo: Path, command: str, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # exports write where the example says, here
    argv = _argv(command, demo)
    result = runner.invoke(cli, argv, env={"COLUMNS": "200"})
    assert result.exit_code == 0, (command, result.output[-500:])
    if argv[2] == "search":
        found = re.search(r"([\d,]+) (?:documents match|matching passage)", result.output)
        assert found and found.group(1) != "0", (command, result.output[:300])
