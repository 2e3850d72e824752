"""Records round-trip, and the content hash notices every change."""

from dataclasses import replace

from chancery.domain.authorities import Link, Role
from chancery.domain.classification import classify_marking
from chancery.domain.dates import parse_iso_date
from chancery.domain.documents import Document, DocumentType, guess_document_type, public_id_for
from chancery.domain.records import content_hash, document_from_record, document_record
from chancery.domain.relations import Relation, RelationType
from chancery.domain.texts import Note, TextKind, TextVersion


def _doc() -> Document:
    return Document(
        public_id=public_id_for("x/1"), source_id="x/1", title="Note", doc_type=DocumentType.NOTE,
        date=parse_iso_date("1960-07", "July 1960", "from other sources"),
        classification=classify_marking("Secret; Niact"),
        links=(Link("p1", Role.AUTHOR, "N. KHRUSHCHEV"),),
        texts=(TextVersion("en", TextKind.TRANSLATION, "One.\n\nTwo.", translators=("A. B.",),
                           notes=(Note("1", "a footnote"),)),),
        relations=(Relation(RelationType.ENCLOSES, "y/2"),))


def test_record_round_trip() -> None:
    """A document survives conversion to a record and back unchanged."""
    doc = _doc()
    assert document_from_record(document_record(doc)) == doc


def test_content_hash_changes_with_content() -> None:
    """Changing any field changes the hash; the same document hashes the same."""
    doc = _doc()
    assert content_hash(doc, []) == content_hash(_doc(), [])
    assert content_hash(doc, []) != content_hash(replace(doc, summary="changed"), [])


def test_public_id_is_stable_and_short() -> None:
    """The same source id always gives the same public id."""
    assert public_id_for("frus1958-60v19/d3") == public_id_for("frus1958-60v19/d3")
    assert len(public_id_for("frus1958-60v19/d3")) == 8


def test_document_type_from_title() -> None:
    """FRUS headings name their type."""
    assert guess_document_type("Telegram From the Embassy in Moscow to the Department of State") \
        is DocumentType.TELEGRAM
    assert guess_document_type("Memorandum of Conversation") is DocumentType.MEMORANDUM_OF_CONVERSATION
    assert guess_document_type("Editorial Note") is DocumentType.EDITORIAL_NOTE
