"""Type, marking and parties of a scanned form read through the OCR's damage: each case is a
run of lines from a JFK scan's text layer (read in order by line)."""

from __future__ import annotations

import pytest

from chancery.domain.suggestions import Finding, Kind
from chancery.suggest.doctype import first_document_end
from chancery.suggest.pipeline import suggest


def _of(found: list[Finding], kind: Kind) -> list[str]:
    return [f.value for f in found if f.kind is kind]


@pytest.mark.parametrize(("lines", "want"), [
    # 104-10213-10002 p1 and 104-10216-10171 p1: MEMORANDUM misread
    ("REMORANDUN FOR: Deputy Director (Plans) |\nSUBJECT 8 Related Mission Directive fcr Mexico\n",
     "memorandum"),
    ("10 Jure 1964 ae\nTMORANDUM FOR TiS RECORD po | FT an\n", "memorandum"),
    # 124-10239-10171 p2: Optional Form 10's printed head
    ("ae os \" UNITED STATES GoVERNMENT\nVemorandium\nTO Legat, Mexico (1053702)\n", "memorandum"),
    # 124-10273-10104 p2: AIRTEL misread twice
    ("ATRTEL ©. : ‘ rm rs .\nDo ATEMATL -\nTOs SAC, JACKSONVILLE\n", "airtel"),
    # 124-10279-10018 p2: an intelligence cable says it is "an information report"
    ("CEMTRAL INTELLIGENCE AGENCY, ® ROUTINE\nTHIS 1S AN INFORMATION REPORT. NOT FINALLY "
     "EVALUATED INTELLIGENCE.\nCITE TOCS -314/13013-67\n", "cable"),
    # 157-10004-10280 p2: a clean copy of a cable, its text ended so
    ("{ SECRET. C cg\nClean Copy of IN 20362 _\nkill Frank Trial. END OF MESSAGE\n", "cable"),
    # 177-10002-10092 p4: an intercepted telegram's routing
    ("FR WASHINGTON: BRAZILIAN EMBASSY 26 NOV 63\nTO RIO DE JANEIRO: FOREIGN MINISTRY URGENT 825\n",
     "telegram"),
])
def test_the_form_is_named_through_the_ocr(lines: str, want: str) -> None:
    """The type the form's own title or routing gives."""
    assert _of(suggest(lines), Kind.TYPE) == [want]


def test_a_marking_typed_letter_by_letter_is_its_level() -> None:
    """202-10001-10203 p2: "S-E-C-R-E-T" with EYES ONLY under it is SECRET."""
    [marking] = [f for f in suggest("S-E-C-R-E-T oo Ae,\nEYES ONLY\n") if f.kind is Kind.CLASSIFICATION]
    assert marking.data["level"] == "secret"


@pytest.mark.parametrize(("lines", "senders", "recipients"), [
    # 104-10192-10284 p1: labels and addresses damaged, the receipt time after the station
    ("CLASSIFIED MESSAGE\ncare, 2 OCT 61 . , —- . rons\nTO + OFRECTOR 3 ~ Te,\n"
     "FROM «LONDON pp OCr 24 21312 61\n", ["LONDON"], ["DIRECTOR"]),
    # 124-10239-10171 p2: Optional Form 10's labels have no colon; file numbers dropped
    ("UNITED STATES GoVERNMENT\nVemorandium\nTO Legat, Mexico (1053702)\n"
     "FROM = # SA Roland E, Trent\n, SUBJECT? LEE HARVEY, OSWALD .\n",
     ["SA Roland E, Trent"], ["Legat, Mexico"]),
    # 124-10273-10104 p2: an airtel's routing, the file number and the specks after it dropped
    ("TOs SAC, JACKSONVILLE\nFROM: SAC, JACKSON (166-174) ) an Oo fe og FLEE |\n",
     ["SAC, JACKSON"], ["SAC, JACKSONVILLE"]),
    # 177-10002-10092 p4: the telegram's routing, date and precedence cut off
    ("FR WASHINGTON: BRAZILIAN EMBASSY 26 NOV 63\nTO RIO DE JANEIRO: FOREIGN MINISTRY URGENT 825\n",
     ["WASHINGTON: BRAZILIAN EMBASSY"], ["RIO DE JANEIRO: FOREIGN MINISTRY"]),
    # 177-10001-10060 p2: an information report's sender is its letterhead's agency
    ("INr ORMATION. REPORT\n53\nCENTRAL INTELLIGENCE AGENCY ie\n", ["CENTRAL INTELLIGENCE AGENCY"], []),
    # 104-10100-10199 p1: DIRECTOR split by the OCR; CITE DIR is Headquarters
    ("rn; MEXYIOO CIX { . ost we . t.\nFRO OIE ECTOR —_—\n", ["DIRECTOR"], []),
])
def test_routing_read_through_the_ocr(lines: str, senders: list[str], recipients: list[str]) -> None:
    """The header's parties, as printed, without the file numbers and the OCR's specks."""
    found = suggest(lines)
    assert (_of(found, Kind.FROM), _of(found, Kind.TO)) == (senders, recipients)


def test_a_line_of_cable_text_opening_with_to_is_not_an_addressee() -> None:
    """104-10236-10054 p1: "TO SOME ACTUAL ASSISTANCE ..." is the text, not a party."""
    text = ("SUP#ORT THROUGH RUABBE FOR C1 EFFORT AGAINST CUBANS WHICH WAS EXTENDED\n"
            "TO SOME ACTUAL ASSISTANCE FOR ANTI-CUBAN ACTION CURING CARIBBEAN GAMES.\n")
    assert _of(suggest(text), Kind.TO) == []


def test_an_archives_stamp_and_a_smudge_are_not_signatures() -> None:
    """178-10004-10053 ends with the library's stamp, 177-10002-10092 with a smudge."""
    assert _of(suggest("The text.\nPhotocopy from Gerald R. Ford Library"), Kind.FROM) == []
    assert _of(suggest("TOP SECRET\nWHLLULLULULULLLLLLLLE EOS Z"), Kind.FROM) == []


# 124-10273-10104 p2 and p3: an airtel, then a memorandum on Optional Form 10 stamped SECRET
AIRTEL = ("ATRTEL ©. : ‘ rm rs .\nDo ATEMATL -\nTOs SAC, JACKSONVILLE\n"
          "FROM: SAC, JACKSON (166-174) ) an Oo fe og FLEE |\n"
          "on 216/67 (zr LOUISE g “LEON, Bilat, seemne\n")
LATER_MEMO = ("c * @PTIONAL FORM NO. 10 _ $010 107~03 ot, ee\n4 . MAY 1982 EDITION os .\n"
              "UNITED‘STATES GO «-.NMENT ag NEE] bere)\ncoe SECRET OEE\n~Memoranaum .— SELRET RR\n"
              "TO : ” DIRECTOR, FBI - DATE: 3/6/67 ELI i\n")
# 104-10236-10054 p1 and p2: a cable and its continuation page, which repeats the form
CABLE = ("_ CLASSIFIED MESSAGE jd\nACTION: a “ Ss, an pare; 93 OCT 62\n"
         "To “DIR WAVE n JNFO cre WA\n1. COS DOES NOT QUESTION POSSIGILITY COVERAGE\n")
CABLE_TWO = ("” plata: CLASSIFIED MESSAGE\nACTION: DATE:. 83 OCT 62\nINFO: SECRET rice: 8393392\n"
             "PAGE TWO\nTYPE DELEGATION IN JAMAICA WOULD BE HARMFUL TO KUBARK AND ODYOKE ;\n")


def test_a_later_document_in_the_file_does_not_name_the_first() -> None:
    """The airtel is an airtel, unmarked, though the memorandum after it says SECRET
    twice and names itself in three ways."""
    found = suggest(f"{AIRTEL}\f{LATER_MEMO}")
    assert _of(found, Kind.TYPE) == ["airtel"] and _of(found, Kind.CLASSIFICATION) == []


def test_a_continuation_page_is_the_same_document() -> None:
    """A cable's page two repeats its form: its SECRET is the cable's."""
    assert first_document_end(f"{CABLE}\f{CABLE_TWO}") == len(CABLE) + 1 + len(CABLE_TWO)
    assert _of(suggest(f"{CABLE}\f{CABLE_TWO}"), Kind.CLASSIFICATION) == ["SECRET"]


# 104-10216-10171 p1 and p2: a memorandum for the record, signed in a typed block
MFR = ("10 Jure 1964 ae\nTMORANDUM FOR TiS RECORD po | FT an\n"
       "EUVEJECT : Tosta of Modified Sights for 7.62 Polgiun (¥AL) Rifle\f"
       "; munmber of clicks por rovolution of tho krob should te roducad,\n"
       "ducted to determine the reasons for the erratic porforzuance.\n"
       "Bio + \" DANIEL J, HOGAN\niP , ec: C/TSD a (i Ud\n#... Attachmeft; As Stated ‘ ) . oo: ,\n")


def test_a_typed_signature_block_is_the_sender() -> None:
    """No FROM line: the signer's typed name, its initial's dot misread as a comma."""
    assert _of(suggest(MFR), Kind.FROM) == ["DANIEL J. HOGAN"]


def test_a_capitalised_line_of_cable_text_is_no_signature() -> None:
    """104-10100-10199 p1: a line of a cable's text in capitals names no signer."""
    text = "CLASSIFIED MESSAGE\n23 = MA IARVARD\n28 BA, M. UNIV Pam\nPROF NATIONAL TSTEGEUA UNIV, PEKING\n"
    assert _of(suggest(text), Kind.FROM) == []
