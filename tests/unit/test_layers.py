"""The import direction of the layers is checked, not hoped for."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "chancery"

# What each package may import from chancery (besides itself).
ALLOWED = {
    "domain": set(),
    "enrich": {"domain"},
    "ingest": {"domain", "fileutil"},
    "blobs": {"fileutil"},
    "storage": {"domain"},
    "services": {"domain", "storage.interface", "ingest.base", "search.grammar", "search.interface",
                 "citing.interface", "lifetime"},
    "citing": {"domain", "lifetime"},
    "search": {"domain"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chancery."):
            found.add(node.module.removeprefix("chancery."))
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("chancery.") for a in node.names
                      if a.name.startswith("chancery.")}
    return found


def test_layers_import_only_inward() -> None:
    """Domain imports nothing of ours; services never import an adapter; adapters stay in lane."""
    wrong = []
    for package, allowed in ALLOWED.items():
        for path in (SRC / package).rglob("*.py"):
            for module in _imports(path):
                ok = module.startswith(package) or any(
                    module == a or module.startswith(a + ".") for a in allowed)
                if not ok:
                    wrong.append(f"{path.relative_to(SRC)} imports chancery.{module}")
    assert wrong == []


def test_the_checker_sees_imports() -> None:
    """The walker really finds imports (so the test above can fail)."""
    assert "domain.documents" in _imports(SRC / "services" / "imports.py")
