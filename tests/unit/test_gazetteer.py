"""The gazetteer of historic names loads, names every source, and its Chinese forms agree."""

import opencc
import pytest
from pypinyin import Style, lazy_pinyin

from chancery.domain.authorities import AuthorityKind, VariantSource, fold
from chancery.enrich.gazetteer import GazetteerEntry, GazetteerError, entries, entry_for, parse

PLACE, PERSON = AuthorityKind.PLACE, AuthorityKind.PERSON
_HEADER = "@source\tk\tA list\n"


def test_every_entry_loads_with_a_source_and_variants() -> None:
    """At least 60 places and 20 people, each with variants and the lists it follows."""
    all_entries = entries()
    assert sum(e.kind is PLACE for e in all_entries) >= 60
    assert sum(e.kind is PERSON for e in all_entries) >= 20
    for e in all_entries:
        assert e.source and e.variants, e.name
        assert all(v.source is VariantSource.GENERATED and v.scheme == "gazetteer"
                   and v.language for v in e.variants)


def test_no_name_belongs_to_two_entries_of_a_kind() -> None:
    """A spelling (folded) finds one place or one person, never two."""
    owners: dict[tuple[AuthorityKind, str], str] = {}
    for e in entries():
        for name in e.all_names():
            key = (e.kind, fold(name))
            assert owners.setdefault(key, e.name) == e.name, (name, e.name, owners[key])


@pytest.mark.parametrize("written,kind,modern", [
    ("Peiping", PLACE, "Beijing"), ("Peking", PLACE, "Beijing"), ("北平", PLACE, "Beijing"),
    ("Canton", PLACE, "Guangzhou"), ("Swatow", PLACE, "Shantou"), ("Formosa", PLACE, "Taiwan"),
    ("Quemoy", PLACE, "Kinmen"), ("MUKDEN", PLACE, "Shenyang"), ("Moskau", PLACE, "Moscow"),
    ("Москва", PLACE, "Moscow"), ("Warschau", PLACE, "Warsaw"), ("Genève", PLACE, "Geneva"),
    ("Geneve", PLACE, "Geneva"), ("Sun Zhongshan", PERSON, "Sun Yat-sen"),
    ("孫中山", PERSON, "Sun Yat-sen"), ("Chou En-lai", PERSON, "Zhou Enlai"),
    ("Liu Shao-chi", PERSON, "Liu Shaoqi"), ("Jiang Jieshi", PERSON, "Chiang Kai-shek")])
def test_a_historic_or_foreign_form_finds_its_entry(written: str, kind: AuthorityKind,
                                                     modern: str) -> None:
    """Any spelling, compared folded, leads to the modern name."""
    found = entry_for([written], kind)
    assert found is not None and found.name == modern


def test_a_place_name_is_not_a_person() -> None:
    """Kinds stay apart: "Canton" is no person, "Zhou Enlai" no place."""
    assert entry_for(["Canton"], PERSON) is None
    assert entry_for(["Zhou Enlai"], PLACE) is None
    assert entry_for(["Springfield", "Peiping"], PLACE) is not None


def _scripts(entry: GazetteerEntry) -> tuple[set[str], set[str]]:
    """The entry's simplified and traditional forms ("zh" is the same in both)."""
    hans = {v.name for v in entry.variants if v.language in ("zh-Hans", "zh")}
    hant = {v.name for v in entry.variants if v.language in ("zh-Hant", "zh")}
    return hans, hant


def test_simplified_and_traditional_forms_pair_up() -> None:
    """OpenCC turns each traditional form into a simplified one the entry lists, and each
    simplified form is what some traditional one becomes (a typo in either script fails)."""
    t2s = opencc.OpenCC("t2s.json")
    for e in entries():
        hans, hant = _scripts(e)
        converted = {t2s.convert(t) for t in hant}
        assert converted <= hans and hans <= converted, (e.name, hans, hant)


def test_characters_read_as_a_pinyin_name_of_the_entry() -> None:
    """The pinyin of each simplified form is the entry's name or one of its Latin variants,
    so characters and romanisations name the same place or person."""
    for e in entries():
        hans, _ = _scripts(e)
        latin = {_letters(n) for n in e.all_names()}
        for form in hans:
            reading = "".join(lazy_pinyin(form, style=Style.NORMAL, v_to_u=True))
            assert _letters(reading) in latin, (e.name, form, reading)


def _letters(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalpha())


@pytest.mark.parametrize("row,problem", [
    ("place\tBeijing\ten:Peking", "4 tab-separated fields"),
    ("town\tBeijing\ten:Peking\tk", "kind 'town'"),
    ("place\tBeijing\ten:Peking\tnowhere", "unknown or missing source"),
    ("place\tBeijing\tPeking\tk", "is not 'language:form'"),
    ("place\tBeijing\ten:Beijing\tk", "repeats the preferred name"),
    ("place\tBeijing\t\tk", "has no variants")])
def test_a_bad_row_is_refused_with_its_line_number(row: str, problem: str) -> None:
    """The loader names the line and what is wrong with it."""
    with pytest.raises(GazetteerError, match=f"line 3: .*{problem}"):
        parse(_HEADER + "# a comment\n" + row + "\n")


def test_a_name_claimed_twice_is_refused() -> None:
    """Two entries of one kind may not share a spelling; a person may share a place's."""
    rows = "place\tGuangzhou\ten:Canton\tk\nplace\tCanton (Ohio)\ten:canton\tk\n"
    with pytest.raises(GazetteerError, match="line 3: 'canton' already names the entry on line 2"):
        parse(_HEADER + rows)
    assert len(parse(_HEADER + "place\tChina\tfr:Chine\tk\nperson\tChina\ten:x\tk\n")) == 2
