"""The spelling pairs of issue #13 on the 9 core FRUS volumes: a form a reader types today
(Zhou Enlai, 周恩来, Хрущёв, Moskau) finds what the form the archive prints finds (Chou
En-lai, Khrushchev, Moscow), and not much more; and no bridge gives a person record another
person's surname. The measuring is benchmarks/spellings.py's, so the test and the printed
table agree."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from chancery.bootstrap import App
from tests.conftest import CORPUS, ROOT, need

pytestmark = pytest.mark.corpus

CORE = CORPUS / "frus" / "core"


def _benchmark() -> ModuleType:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("benchmarks.spellings")


BENCH = _benchmark()
PAIRS = BENCH.read_pairs()


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The core volumes imported into a fresh SQLite archive and indexed, once."""
    need(CORE.is_dir(), f"FRUS core volumes not found at {CORE}")
    app: App = BENCH.build_archive(tmp_path_factory.mktemp("core"), CORE)
    yield app
    app.close()


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{p.language}:{p.label}" for p in PAIRS])
def test_modern_form_finds_what_the_historic_form_finds(core: App, pair: object) -> None:
    """The modern form finds at least half of the documents the historic form finds, and
    at most 1.5 times as many documents (the issue's rule)."""
    m = BENCH.measure(core, pair)
    assert m.historic, f"{m.pair.historic!r} finds nothing: the pair measures nothing"
    assert m.passes, (f"{m.pair.modern!r} finds {len(m.modern)} documents, {m.overlap} of the "
                      f"{len(m.historic)} that {m.pair.historic!r} finds")


def test_no_person_record_holds_another_persons_surname(core: App) -> None:
    """Among the searchable spellings of every person record, none that is not plausibly
    the record's name holds the surname of another person record."""
    foreign = [w for w in BENCH.implausible_spellings(core) if w.foreign]
    assert foreign == []
