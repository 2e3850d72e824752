"""Chinese names reach one another in pinyin, Wade-Giles as FRUS prints it, and characters.

Names are taken from the FRUS lists of persons (volume given beside each), with the office
text the list prints; the corpus test reads the lists of the nine core volumes themselves."""

from __future__ import annotations

import pytest
from lxml import etree

from chancery.domain.authorities import VariantSource, fold
from chancery.enrich.chinese import chinese_variants, looks_chinese
from chancery.enrich.chinese_syllables import read_wade_giles, syllables, wade_giles
from chancery.ingest.frus_persons import read_list
from tests.conftest import CORPUS, need

PRC = "Premier of the People's Republic of China"
ROC = "Foreign Minister of the Republic of China"

# (name as the list prints it, office text, volume, spellings it must reach)
WADE_GILES_TO_PINYIN = [
    ("Chou En-lai", PRC, "frus1955-57v02", {"Zhou Enlai", "Chou Enlai"}),
    ("Mao Tse-tung", "Chairman of the People's Republic of China", "frus1955-57v02",
     {"Mao Zedong", "Mao Tsetung"}),
    ("Chiang Kai-shek", "President of the Republic of China", "frus1961-63v22",
     {"Jiang Jieshi", "Chiang Chieh-shih"}),
    ("Chiang Ching-kuo", ROC, "frus1961-63v22", {"Jiang Jingguo"}),
    ("Ch'en Ch'eng", ROC, "frus1961-63v22", {"Chen Cheng"}),
    ("Ch’en Yi", PRC, "frus1958-60v19", {"Chen Yi", "Chen I"}),
    ("Chen I", PRC, "frus1964-68v30", {"Chen Yi", "Ch'en Yi"}),
    ("Huang Shao-ku", ROC, "frus1958-60v19", {"Huang Shaogu"}),
    ("Wang Ping-nan", PRC, "frus1955-57v02", {"Wang Bingnan", "Wang P'ing-nan"}),
    ("Wang Kuo-ch'uan", PRC, "frus1964-68v30", {"Wang Guoquan", "Wang Kuo-chuan"}),
    ("Wang Shu-ming", ROC, "frus1958-60v19", {"Wang Shuming"}),
    ("Yu Ta-wei", ROC, "frus1958-60v19", {"Yu Dawei", "Yü T'a-wei"}),
    ("Shen Chang-huan", ROC, "frus1961-63v22", {"Shen Changhuan", "Shen Ch'ang-huan"}),
    ("Chang Han-fu", PRC, "frus1955-57v02", {"Zhang Hanfu"}),
    ("Chou Shu-kai", ROC, "frus1955-57v02", {"Zhou Shukai"}),
    ("Hsu Shao-chang", ROC, "frus1955-57v02", {"Xu Shaochang", "Hsü Shao-ch'ang"}),
    ("Peng Meng-chi, General", ROC, "frus1955-57v02", {"Peng Mengji", "P'eng Meng-chi"}),
    ("Shen Ping", PRC, "frus1955-57v02", {"Shen P'ing"}),
    ("Tan Shao-hua", ROC, "frus1955-57v02", {"Tan Shaohua", "T'an Shao-hua"}),
    ("Lin Piao", PRC, "frus1964-68v30", {"Lin Biao", "Lin P'iao"}),
    ("Wei Tao-ming", ROC, "frus1964-68v30", {"Wei Daoming"}),
    ("Yen Chia-kan", ROC, "frus1964-68v30", {"Yan Jiagan"}),
    ("Yui, O.K. (Yu Hung-chun)", ROC, "frus1955-57v02", {"Yu Hongjun", "Yü Hung-chün"}),
    ("Shen, Sampson (Shen Chi)", ROC, "frus1964-68v30", {"Shen Qi", "Shen Ch'i"}),
    ("Yeh, George K.C. (Yeh Kung-ch’ao)", ROC, "frus1958-60v19", {"Ye Gongchao"}),
    ("Chiang Kai-shek, Generalissimo", "President of the Republic of China", "frus1958-60v19",
     {"Jiang Jieshi", "Chiang Kai-shek"}),
    ("Chou, En-lai", "", "(inverted form)", {"Zhou Enlai"}),
    # as FRUS documents print them (the examples), with no office text at all
    ("Liu Shao-chi", "", "documents", {"Liu Shaoqi", "Liu Shao-ch'i", "Liu Shaochi"}),
    ("Teng Hsiao-ping", "", "documents", {"Deng Xiaoping", "Teng Hsiao-p'ing"}),
]

PINYIN_TO_WADE_GILES = [
    ("Chou En-lai (Zhou Enlai)", PRC, "frus1958-60v19", {"Zhou Enlai", "Chou En-lai"}),
    ("Zhou Enlai", PRC, "frus1958-60v19", {"Chou En-lai", "Chou Enlai"}),
    ("Mao Tse-tung (Mao Zedong)", PRC, "frus1958-60v19", {"Mao Tse-tung", "Mao Zedong"}),
    ("Wang Ping-nan (Wang Bingnan)", PRC, "frus1958-60v19", {"Wang Ping-nan"}),
    ("Lin Biao", PRC, "frus1964-68v30", {"Lin Piao"}),
    ("Wang Guoquan", PRC, "frus1964-68v30", {"Wang Kuo-ch'üan", "Wang Kuo-chuan"}),
    ("Chen Yi", PRC, "frus1961-63v22", {"Ch'en Yi", "Ch'en I"}),
    ("Liu Shaoqi", "", "issue #13", {"Liu Shao-ch'i", "Liu Shao-chi"}),
    ("Deng Xiaoping", "", "issue #13", {"Teng Hsiao-p'ing", "Teng Hsiao-ping"}),
    ("Jiang Jieshi", "", "(pinyin of 蔣介石)", {"Chiang Kai-shek", "Chiang Chieh-shih"}),
]

CHARACTERS = [
    ("周恩来", {"周恩來", "Zhou Enlai", "Chou En-lai"}),
    ("周恩來", {"周恩来", "Zhou Enlai", "Chou En-lai"}),
    ("毛泽东", {"毛澤東", "Mao Zedong", "Mao Tse-tung"}),
    ("刘少奇", {"劉少奇", "Liu Shaoqi", "Liu Shao-ch'i", "Liu Shao-chi"}),
    ("鄧小平", {"邓小平", "Deng Xiaoping", "Teng Hsiao-ping"}),
    ("蔣介石", {"蒋介石", "Jiang Jieshi", "Chiang Kai-shek"}),
    ("陳毅", {"陈毅", "Chen Yi", "Ch'en Yi"}),
    ("葉公超", {"叶公超", "Ye Gongchao", "Yeh Kung-ch'ao"}),
    ("曾庆红", {"曾慶紅", "Zeng Qinghong"}),  # 曾 as a surname is Zeng, not ceng
    ("单田芳", {"單田芳", "Shan Tianfang"}),  # 单 as a surname is Shan, not dan
    ("欧阳修", {"歐陽修", "Ouyang Xiu", "Ou-yang Hsiu"}),  # a two-character surname
]

# The lists' own non-Chinese names, shaped like syllables or with East Asian office text.
NOT_CHINESE = [
    ("Dean Rusk", "Secretary of State"),
    ("Rusk, Dean", "Secretary of State"),
    ("Long, Russell B.", "Senator"),
    ("Sun Lin", ""),  # could be anyone's name: no office text, no Chinese shape
    ("Ma Pan", ""),
    ("Lee Young", ""),
    ("Tung", "ARVN, Special Forces Commander until November 1, 1963"),  # frus1961-63v03
    ("Song Yo-chan", "Prime Minister of Korea after May 1961"),  # frus1961-63v22
    ("Chang Yo-yong (Chang Do Young)", "Lieutenant General, ROKA, Chief of Staff"),
    ("Yun Po-sun", "President of the Republic of Korea until June 1962"),
    ("Kim Il-sung", "Premier of the Democratic People’s Republic of Korea"),
    ("Le Duan", "First Secretary of the Lao Dong Party (North Vietnam)"),
    ("O’Neill, Con", "British Chargé in the People’s Republic of China"),
    ("岸信介", "Prime Minister of Japan"),  # Kishi Nobusuke, in kanji
    ("きし のぶすけ", ""),
]


def _names(name: str, description: str) -> set[str]:
    return {v.name for v in chinese_variants(name, description)}


@pytest.mark.parametrize(("name", "description", "volume", "expected"),
                         WADE_GILES_TO_PINYIN + PINYIN_TO_WADE_GILES)
def test_a_chinese_name_reaches_its_other_spellings(name: str, description: str, volume: str,
                                                     expected: set[str]) -> None:
    """Each FRUS form gives the pinyin and Wade-Giles forms a reader may type."""
    assert looks_chinese(name, description), volume
    assert expected <= _names(name, description), volume


@pytest.mark.parametrize(("name", "expected"), CHARACTERS)
def test_characters_give_pinyin_wade_giles_and_the_other_set(name: str,
                                                             expected: set[str]) -> None:
    """Characters in either set give the other set and both romanisations."""
    assert expected <= _names(name, "")


@pytest.mark.parametrize(("name", "description"), NOT_CHINESE)
def test_names_that_are_not_chinese_get_nothing(name: str, description: str) -> None:
    """Western, Korean and Vietnamese names made of the same letters are left alone."""
    assert not looks_chinese(name, description)
    assert chinese_variants(name, description) == []


def test_the_shape_of_a_chinese_name_stands_in_for_office_text() -> None:
    """A surname with a two-syllable given name is Chinese without office text; a surname
    alone or with one syllable needs the office text to say China."""
    assert looks_chinese("Lin Yutang") and looks_chinese("Chou En-lai")
    assert not looks_chinese("Lin Tang") and not looks_chinese("Chang")
    assert looks_chinese("Chang", PRC) and "Zhang" in _names("Chang", PRC)


def test_apostrophe_less_wade_giles_gives_every_reading() -> None:
    """"chi" is ji or qi, "tse" ze or ce: each reading is its own variant."""
    assert {"Liu Shaoqi", "Liu Shaoji"} <= _names("Liu Shao-chi", "")
    assert {"Mao Zedong", "Mao Cedong"} <= _names("Mao Tse-tung", "")


def test_readings_keep_only_chinese_surnames() -> None:
    """"Chiang" reads Jiang or Qiang; only Jiang is a surname, so no Qiang is offered."""
    names = _names("Chiang Ching-kuo", ROC)
    assert "Jiang Jingguo" in names
    assert not any(n.startswith("Qiang") for n in names)


def test_a_printed_apostrophe_is_read_as_written() -> None:
    """"ch'uan" is chuan or quan, never zhuan, which FRUS would print "chuan"."""
    names = _names("Wang Kuo-ch'uan", PRC)
    assert {"Wang Guoquan", "Wang Guochuan"} <= names
    assert "Wang Guozhuan" not in names
    assert "Wang Guozhuan" in _names("Wang Kuo-chuan", PRC)


def test_variants_are_generated_unique_and_never_the_name() -> None:
    """Every variant is marked generated, with its language and scheme, and appears once."""
    variants = chinese_variants("Chou En-lai", PRC)
    names = [v.name for v in variants]
    assert len(names) == len(set(names)) and "Chou En-lai" not in names
    assert all(v.source is VariantSource.GENERATED and v.language and v.scheme
               for v in variants)
    by_name = {v.name: v for v in variants}
    assert (by_name["Zhou Enlai"].language, by_name["Zhou Enlai"].scheme) == \
        ("zh-Latn-pinyin", "pinyin")
    hant = next(v for v in chinese_variants("周恩来") if v.name == "周恩來")
    assert (hant.language, hant.scheme) == ("zh-Hant", "opencc-s2t")


def test_the_table_has_every_syllable_and_reads_back() -> None:
    """Every pinyin syllable of pypinyin's dictionary is in the table (bar interjections and
    dialect readings), and each Wade-Giles form reads back to its pinyin."""
    from pypinyin import Style
    from pypinyin.pinyin_dict import pinyin_dict
    from pypinyin.style import convert

    table = syllables().wade_giles
    used = {convert(p, Style.NORMAL, strict=True).replace("v", "ü")
            for readings in pinyin_dict.values() for p in readings.split(",")}
    rare = {"biang", "bong", "cei", "din", "fiao", "hm", "hng", "len", "m", "n", "ng", "nia",
            "nun", "tei", "wong", "ê"}
    assert used - rare <= set(table) and len(table) >= 400
    assert all(p in read_wade_giles(wade_giles(p), careful=True) for p in table)
    assert (wade_giles("qi"), wade_giles("zhi"), wade_giles("ri"), wade_giles("xue")) == \
        ("ch'i", "chih", "jih", "hsüeh")


CORE_CHINESE = {
    "Ch’en Ch’eng", "Ch’en Yi", "Chiang Ching-kuo, Lieutenant General",
    "Chiang Kai-shek, Generalissimo", "Chou En-lai (Zhou Enlai)", "Zhou Enlai",
    "Huang Shao-ku", "Mao Tse-tung (Mao Zedong)", "Wang Ping-nan (Wang Bingnan)",
    "Wang Shu-ming (“Tiger” Wang), General", "Yeh, George K.C. (Yeh Kung-ch’ao)", "Yu Ta-wei",
    "Ch'en Ch'eng", "Ch'en Yi (Chen Yi)", "Chiang Ching-kuo", "Chiang Kai-shek",
    "Shen Chang-huan",
}
# Judged in the core lists: Korean names in McCune-Reischauer look like Wade-Giles; Koo, Tong,
# Tsiang and Sheh (a misprint of Shen) are Chinese but in no syllable table (the gazetteer's).
JUDGED = {"Song Yo-chan", "Chang Yo-yong (Chang Do Young)", "Kim Chong-pil (Kim Chong-p'il)",
          "Yun Po-sun", "Pak Chung-hui (Park Chung Hee, Pak Jung-Hui)", "Kim Hong-il",
          "Tsiang, Ting-fu", "Sheh Chang-huan", "Tong, Hollington K."}


def test_the_guard_over_the_core_lists_of_persons() -> None:
    """Over every List of Persons of the core volumes, the guard accepts exactly the Chinese."""
    need((CORPUS / "frus" / "core").is_dir(), "FRUS core volumes not present")
    accepted, seen = set(), set()
    for path in sorted((CORPUS / "frus" / "core").glob("*.xml")):
        for entry in read_list(etree.parse(str(path)).getroot(), "persons", "persName").values():
            for name in (entry.name, *entry.aliases):
                seen.add(name)
                if looks_chinese(name, entry.description):
                    accepted.add(name)
    assert seen >= JUDGED and len(seen) > 800
    assert accepted == CORE_CHINESE
    assert all(fold(n) != fold(v.name) for n in accepted
               for v in chinese_variants(n, PRC))
