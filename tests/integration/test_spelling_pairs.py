"""The spelling pairs of issue #13 on the 9 core FRUS volumes: a form a reader types today
(Zhou Enlai, 周恩来, Хрущёв, Moskau) finds what the form the archive prints finds (Chou
En-lai, Khrushchev, Moscow), and not much more; and no bridge gives a person record another
person's surname. The measuring is benchmarks/spellings.py's, so the test and the printed
table agree."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

import pytest

from chancery.bootstrap import App
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.corpus

CORE = CORPUS / "frus" / "core"


def _benchmark() -> ModuleType:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("benchmarks.spellings")


BENCH = _benchmark()
PAIRS = BENCH.read_pairs()


@pytest.fixture(scope="module")
def core(core_archive: App) -> App:
    """The core volumes, imported once for the session (tests/integration/conftest.py)."""
    return core_archive


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


def test_a_whole_name_finds_that_person_not_everyone_of_his_surname(core: App) -> None:
    """"Wang Bingnan" typed without quotes is one name: it finds the documents that print one
    of Wang Ping-nan's spellings or tag him, not every Wang (before: all 134 Wang documents,
    since each word was expanded alone and his record carries the bare "Wang")."""
    wang, _ = BENCH.found(core, "Wang")
    him, _ = BENCH.found(core, "Wang Bingnan")
    historic, _ = BENCH.found(core, "Wang Ping-nan")
    assert him == historic
    assert 0 < len(him) < len(wang) / 2


def test_a_chinese_name_in_characters_finds_its_person_not_his_surname(core: App) -> None:
    """王炳南 is Wang Bingnan's whole name: his documents, not every Wang's; 蒋介石 finds
    Chiang Kai-shek, not Chiang Ching-kuo as well."""
    assert BENCH.found(core, "王炳南")[0] == BENCH.found(core, "Wang Ping-nan")[0]
    father, son = BENCH.found(core, "蒋介石")[0], BENCH.found(core, "Chiang Ching-kuo")[0]
    assert len(father) <= 1.5 * len(BENCH.found(core, "Chiang Kai-shek")[0])
    assert not son <= father


def test_a_short_sound_key_does_not_bridge_unrelated_names(core: App) -> None:
    """Xinjiang and Jiang Qingguo (a reading of Chiang Ching-kuo) share the sound key "kng":
    too short to mean the same name, so Xinjiang finds Sinkiang and nothing of Chiang's."""
    xinjiang, _ = BENCH.found(core, "Xinjiang")
    assert xinjiang == BENCH.found(core, "Sinkiang")[0]
