"""benchmarks/gold/spelling_pairs.csv is a well-formed yardstick: enough pairs, none twice,
each on a person or a place, each historic form printed in at least 2 core documents, and
its grep counts those of the corpus (benchmarks/spelling_pairs.py counts them)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import CORPUS, ROOT, need


def _pairs_module() -> ModuleType:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("benchmarks.spelling_pairs")


def test_pairs_file_has_at_least_50_distinct_pairs_of_people_and_places() -> None:
    """The file parses, has at least 50 rows, no pair twice, and only person or place rows
    whose historic form the file says is printed in 2 documents or more."""
    pairs = _pairs_module().read_pairs()
    assert len(pairs) >= 50
    keys = [(p.modern, p.historic) for p in pairs]
    assert len(set(keys)) == len(keys)
    assert {p.kind for p in pairs} == {"person", "place"}
    assert all(p.modern != p.historic and p.language for p in pairs)
    assert all(p.historic_docs_grep >= 2 for p in pairs)


def test_a_malformed_row_is_refused(tmp_path: Path) -> None:
    """A row of another kind, or without its counts, is an error, not a silent pair."""
    module = _pairs_module()
    header = ",".join(module.COLUMNS)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{header}\nZhou Enlai,Chou En-lai,organization,zh-Latn-pinyin,28,0,x\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match="person or place"):
        module.read_pairs(bad)
    bad.write_text(f"{header}\nZhou Enlai,Chou En-lai,person,zh-Latn-pinyin,,0,x\n",
                   encoding="utf-8")
    with pytest.raises(ValueError):
        module.read_pairs(bad)


@pytest.mark.corpus
def test_grep_counts_are_those_of_the_core_volumes() -> None:
    """Every historic_docs_grep and modern_docs_grep is the corpus's count, recounted."""
    core = CORPUS / "frus" / "core"
    need(core.is_dir(), f"FRUS core volumes not found at {core}")
    module = _pairs_module()
    texts = module.document_texts(core)
    assert len(texts) == 3172  # the documents of the 9 volumes
    differ = [(p.label, p.historic_docs_grep, module.grep_count(p.historic, texts),
               p.modern_docs_grep, module.grep_count(p.modern, texts))
              for p in module.read_pairs()
              if (p.historic_docs_grep, p.modern_docs_grep)
              != (module.grep_count(p.historic, texts), module.grep_count(p.modern, texts))]
    assert differ == []
