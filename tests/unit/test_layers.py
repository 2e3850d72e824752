"""The import direction of the layers is checked, not hoped for."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "chancery"

# What each package may import from chancery (besides itself).
ALLOWED = {
    "domain": set(),
    "enrich": {"domain"},
    "suggest": {"domain", "enrich"},  # suggested metadata: content in, findings out
    "ingest": {"domain", "fileutil"},
    "blobs": {"domain", "fileutil"},
    "storage": {"domain"},
    "services": {"domain", "storage.interface", "ingest.base", "search.grammar", "search.interface",
                 "meaning.interface", "citing.interface", "lifetime"},
    "citing": {"domain", "lifetime"},
    "search": {"domain"},
    "meaning": {"domain"},  # embeddings and the vector index
    # what the HTTP entry points share; the rate-limit buckets are an interface of storage
    "http": {"domain", "services", "config", "storage.interface"},
    # the Prometheus counts' folder, shared by the processes of one machine
    "telemetry": {"config"},
}

# The entry points are siblings: each talks to the services (through the composition root)
# and shares only http/, never an adapter or one another. The query grammar, the search and
# citation interfaces and the style list are the services' own vocabulary.
_ENTRY_ALLOWED = {"services", "domain", "config", "bootstrap", "http", "search.grammar",
                  "search.interface", "citing.interface", "citing.styles", "telemetry"}
ENTRY_POINTS = {
    "web": _ENTRY_ALLOWED, "api": _ENTRY_ALLOWED, "oai": _ENTRY_ALLOWED,
    "iiif": _ENTRY_ALLOWED,
    "cli": _ENTRY_ALLOWED | {"progress", "render", "demo", "cli_operate", "tasks"},
    "render": _ENTRY_ALLOWED | {"progress"},  # the CLI's output
    # the job workers: in-process or Celery, both over the services through the root
    "tasks": _ENTRY_ALLOWED | {"lifetime"},
    "__main__": {"cli"},  # the console script: the CLI, imported only when it runs
}
# The two places the siblings are put together: the server mounts the API, OAI-PMH and IIIF
# beside the reading room, and `chancery serve` starts that server.
ASSEMBLY = {"web/server.py": {"api.app", "oai.routes", "iiif.routes"},
            "cli_operate.py": {"web.server"}}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chancery"):
            # "from chancery.iiif import routes" imports chancery.iiif.routes (or a name of
            # chancery.iiif): recorded whole, so a sibling's module cannot hide in the names
            module = node.module.removeprefix("chancery").removeprefix(".")
            found |= {f"{module}.{a.name}".lstrip(".") for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("chancery.") for a in node.names
                      if a.name.startswith("chancery.")}
    return found


def _files(package: str) -> list[Path]:
    """A package's modules, or the top-level modules of that name (cli.py, cli_operate.py)."""
    if (SRC / package).is_dir():
        return sorted((SRC / package).rglob("*.py"))
    return sorted(SRC.glob(f"{package}*.py"))


def _wrong_imports(rules: dict[str, set[str]]) -> list[str]:
    wrong = []
    for package, allowed in rules.items():
        for path in _files(package):
            extra = ASSEMBLY.get(str(path.relative_to(SRC)), set())
            for module in _imports(path):
                ok = module.startswith(package) or module == "__version__" or any(
                    module == a or module.startswith(a + ".") for a in allowed | extra)
                if not ok:
                    wrong.append(f"{path.relative_to(SRC)} imports chancery.{module}")
    return wrong


def test_layers_import_only_inward() -> None:
    """Domain imports nothing of ours; services never import an adapter; adapters stay in lane."""
    assert _wrong_imports(ALLOWED) == []


def test_entry_points_are_siblings_over_the_services() -> None:
    """web, api, oai, iiif and the CLI import services, domain, config, bootstrap and http,
    never storage, the Tantivy or pandoc adapters, the blob store, or one another."""
    assert _wrong_imports(ENTRY_POINTS) == []


def _reaches_past_services(source: str, name: str) -> list[str]:
    """Where a module uses the catalogue or the index itself (``x.catalogue.get_document``)
    or chooses who reads (``Actor.PUBLIC``) instead of making a Reader."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                and node.value.attr in ("catalogue", "index")):
            found.append(f"{name}:{node.lineno} .{node.value.attr}.{node.attr}")
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id == "Actor"):
            found.append(f"{name}:{node.lineno} Actor.{node.attr}")
    return found


def test_entry_points_read_through_services() -> None:
    """No entry point calls the catalogue or the index, or names an actor: they make a
    Reader and hand it to a service (bootstrap, the composition root, wires the adapters)."""
    found = [f for package in ENTRY_POINTS for path in _files(package)
             for f in _reaches_past_services(path.read_text(), str(path.relative_to(SRC)))]
    assert found == []


def test_the_checker_sees_imports() -> None:
    """The walker really finds imports (so the test above can fail)."""
    assert "domain.documents.Document" in _imports(SRC / "services" / "imports.py")
    assert "web.server.run" in _imports(SRC / "cli_operate.py")
    assert "iiif.routes" in _imports(SRC / "web" / "server.py")


def test_the_checker_sees_catalogue_calls() -> None:
    """The walker finds a call through the catalogue or the index and a chosen actor (so the
    test above can fail), and lets a catalogue handed to a service pass."""
    source = ("a = app.catalogue.get_document(i, Actor.PUBLIC, today())\n"
              "b = self.app.index.search(r)\nc = reading.collections(app.catalogue, reader)\n")
    assert _reaches_past_services(source, "m") == [
        "m:1 .catalogue.get_document", "m:1 Actor.PUBLIC", "m:2 .index.search"]
