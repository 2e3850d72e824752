"""The archive's words as the vocabulary counts them, and which typed words are bridged."""

from __future__ import annotations

from chancery.domain.spellings import edit_distance, romanised
from chancery.domain.vocabulary import bridgeable, other_script, words_of


def test_words_are_lowercased_letters_without_stop_words_digits_or_chinese() -> None:
    text = ["Chou En-lai told Turkey’s envoy of the 1960 U-2 flight", "ракеты в Турции 周恩来"]
    assert words_of(text) == {"chou", "en-lai", "told", "turkey's", "envoy", "flight",
                              "ракеты", "турции"}
    assert words_of(["a" * 41, "ab", "The"]) == set()


def test_other_scripts_are_told_from_latin_with_its_accents() -> None:
    assert not other_script("Gomułka Türkei Hruščëv U-2")
    assert other_script("Хрущёв") and other_script("周恩来") and other_script("U-2侦察机")


def test_what_is_worth_bridging() -> None:
    assert bridgeable("Турции") and bridgeable("导弹") and bridgeable("核")
    assert not bridgeable("в") and not bridgeable("the") and not bridgeable("of")


def test_cyrillic_is_romanised_plainly_and_distances_count_edits() -> None:
    assert romanised("Кеннеди") == "kennedi" and romanised("Хрущёв") == "khrushchev"
    assert edit_distance("kennedi", "kennedy") == 1 and edit_distance("gerter", "greater") == 2
