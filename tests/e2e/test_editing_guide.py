"""The archivists' guides (docs/editing.md, docs/scans.md) and the security model
(docs/security.md) name only commands and options the CLI has, and the guide names every
command an archivist acts with."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from chancery.cli import app as cli

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDES = ("editing.md", "security.md", "scans.md")
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
_INLINE = re.compile(r"`(chancery [^`]+)`")
_OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z-]*)")


def _mentions(text: str) -> Iterator[str]:
    """Every `chancery …` the page shows: lines of its sh blocks, `$ chancery …` lines of its
    text blocks, and inline code."""
    for language, block in _FENCE.findall(text):
        for line in block.splitlines():
            line = line.strip()
            if language == "sh" and line.startswith("chancery "):
                yield line
            elif line.startswith("$ chancery "):
                yield line[2:]
    outside = _FENCE.sub("", text)
    yield from (m.replace("\n", " ") for m in _INLINE.findall(outside))


def _resolve(line: str) -> tuple[list[str], Any]:
    """The command path a line names (["authority", "set-id"]) and its command; the global
    --data option and its value may come first."""
    words = line.split("#")[0].split()[1:]
    while words[:1] in (["--data"], ["--db"]):
        words = words[2:]
    command: Any = get_command(cli)  # typer's own click: groups are told by their commands
    path: list[str] = []
    while _is_group(command) and words and words[0] in command.commands:
        command = command.commands[words[0]]
        path.append(words.pop(0))
    return path, command


def _is_group(command: Any) -> bool:
    return hasattr(command, "commands")


def _options(command: Any) -> set[str]:
    # every command answers --help (click adds it apart from the parameters)
    return {"--help"} | {o for p in command.params for o in (*p.opts, *p.secondary_opts)}


@pytest.mark.parametrize("page", GUIDES)
def test_every_command_and_option_named_exists(page: str) -> None:
    """Each `chancery …` in the page is a command of the CLI, with options it takes."""
    text = (DOCS / page).read_text(encoding="utf-8")
    top = _options(get_command(cli))
    wrong = []
    for line in _mentions(text):
        path, command = _resolve(line)
        if not path:  # a group named alone (`chancery user`) is a command too
            wrong.append(f"no such command: {line}")
            continue
        unknown = set(_OPTION.findall(line.split("#")[0])) - _options(command) - top
        wrong += [f"{' '.join(path)} has no {o}: {line}" for o in sorted(unknown)]
    assert wrong == []


def test_the_guide_shows_every_command_an_archivist_acts_with() -> None:
    """Every command that acts as an account (--as) has an example in docs/editing.md, and so
    does the audit log's."""
    text = (DOCS / "editing.md").read_text(encoding="utf-8")
    shown = {" ".join(_resolve(line)[0]) for line in _mentions(text)}
    acting = {" ".join(path) for path, command in _commands(get_command(cli))
              if "--as" in _options(command)}
    assert len(acting) >= 20 and "redact-scan" in acting
    assert sorted((acting | {"audit"}) - shown) == []


def _commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if _is_group(group):
        for name, command in group.commands.items():
            yield from _commands(command, (*path, name))
    else:
        yield path, group
