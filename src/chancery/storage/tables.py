"""The catalogue's tables (SQLAlchemy Core). Every change here needs an Alembic migration."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s",
})


def _doc_fk() -> Column[int]:
    return Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
                  nullable=False, index=True)


documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("public_id", String(40), nullable=False, unique=True),
    Column("source_id", String(300), unique=True),
    Column("number", String(40), nullable=False, default=""),
    Column("title", Text, nullable=False),
    Column("doc_type", String(40), nullable=False, index=True),
    Column("date_display", Text, nullable=False, default=""),
    Column("date_start", Date, index=True),
    Column("date_end", Date),
    Column("date_precision", String(12), nullable=False),
    Column("date_note", Text, nullable=False, default=""),
    Column("summary", Text, nullable=False, default=""),
    Column("class_marking", Text, nullable=False, default=""),
    Column("class_level", String(20), nullable=False, index=True),
    Column("class_caveats", JSON, nullable=False),
    Column("holding_archive", Text, nullable=False, default=""),
    Column("fonds", Text, nullable=False, default=""),
    Column("reference_code", Text, nullable=False, default=""),
    Column("publishing_archive", Text, nullable=False, default=""),
    Column("source_note", Text, nullable=False, default=""),
    Column("rights", Text, nullable=False, default=""),
    Column("funders", JSON, nullable=False),
    Column("url", Text, nullable=False, default=""),
    Column("archive_place", Text, nullable=False, default=""),
    Column("pub_state", String(12), nullable=False, index=True),
    Column("embargo_until", Date),
    # whether the public has ever been able to see it: only such a document, once withdrawn,
    # answers 410 and is harvested as deleted; one withdrawn before publication stays unknown
    Column("was_public", Boolean, nullable=False, default=False),
    Column("content_hash", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # its datestamp: the later of updated_at and its embargo day's start (domain/release.py),
    # so a release is news on its day to harvesters, feeds and sitemaps, with no write then
    Column("public_from", DateTime(timezone=True), nullable=False),
    # the catalogue's change count when the row was last written: the index catches up by it
    Column("change_no", BigInteger, nullable=False, default=0, index=True),
    Index("ix_documents_updated", "updated_at", "id"),  # the workspace lists by last change
    Index("ix_documents_public_from", "public_from", "id"),  # OAI-PMH pages by datestamp
)

authorities = Table(
    "authorities", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(160), nullable=False, unique=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    # ids in other authority files as [scheme, value] pairs (domain/identifiers.py), set by
    # editors: [["wikidata", "Q1000"], ["viaf", "9847974"]]. JSONB on PostgreSQL: its plain
    # json has no equality, and imports read authority rows with SELECT DISTINCT
    Column("identifiers", JSON().with_variant(JSONB(), "postgresql"), nullable=False,
           default=list),
)

authority_names = Table(
    "authority_names", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("authority_id", Integer, ForeignKey("authorities.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("folded", String(300), nullable=False, index=True),  # fold(name), for matching
    Column("phonetic", String(40), nullable=False, index=True),  # finds unlisted spellings
    Column("source", String(20), nullable=False),
    Column("language", String(16), nullable=False, default=""),
    Column("scheme", String(40), nullable=False, default=""),
    UniqueConstraint("authority_id", "name", name="uq_authority_names_authority_name"),
)

authority_source_ids = Table(
    "authority_source_ids", metadata,
    Column("source_id", String(300), primary_key=True),  # "frus1958-60v19#p_HCA1"
    Column("authority_id", Integer, ForeignKey("authorities.id", ondelete="CASCADE"),
           nullable=False, index=True),
)

document_links = Table(
    "document_links", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("authority_id", Integer, ForeignKey("authorities.id"), nullable=False, index=True),
    Column("role", String(20), nullable=False),
    Column("as_written", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False),
)

text_versions = Table(
    "text_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("key", String(80), nullable=False),
    Column("language", String(20), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("label", Text, nullable=False, default=""),
    Column("translators", JSON, nullable=False),
    Column("made_by", Text, nullable=False, default=""),
    Column("body", Text, nullable=False),
    Column("notes", JSON, nullable=False),
    Column("position", Integer, nullable=False),
    Column("confidence", Float, nullable=True),  # OCR's mean word confidence (migration 0022)
    UniqueConstraint("document_id", "key", name="uq_text_versions_document_key"),
)

media = Table(
    "media", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("sha256", String(64), nullable=False, index=True),
    Column("filename", Text, nullable=False),
    Column("media_type", String(60), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("pages", Integer, nullable=False),
    Column("label", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False),
    Column("language", String(16), nullable=False, default=""),
)

collections = Table(
    "collections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("parent_key", String(300), index=True),
    Column("position", Integer, nullable=False, default=0),
    Column("description", Text, nullable=False, default=""),
)

document_collections = Table(
    "document_collections", metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("collection_id", Integer, ForeignKey("collections.id", ondelete="CASCADE"),
           primary_key=True, index=True),
    Column("position", Integer, nullable=False),
    # the document's date as yyyymmdd (undated 99999999): reading order within a collection
    Column("date_key", Integer, nullable=False, default=0),
    Index("ix_document_collections_order", "collection_id", "date_key", "document_id"),
)

relations = Table(
    "relations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("type", String(20), nullable=False),
    Column("target", String(300), nullable=False, index=True),  # a public or source id
    Column("note", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False),
)

# A declassified document's release history (domain/declassification.py), in its order.
document_releases = Table(
    "document_releases", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("released", String(10), nullable=False, default=""),  # "2025", "2017-10-26"
    Column("agency", Text, nullable=False, default=""),
    Column("authority", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False),
)

revisions = Table(
    "revisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("summary", Text, nullable=False),
    Column("changes", JSON, nullable=False),
    # a correction the public is told of: its note, "" for none; NULL: no correction
    Column("public_note", Text, nullable=True),
)

meta = Table(
    "meta", metadata,
    Column("key", String(80), primary_key=True),
    Column("value", Text, nullable=False),
)

Index("ix_documents_pub", documents.c.pub_state, documents.c.embargo_until)


# Documents purged for good (a legal takedown): only the public id, and the change number of
# the purge, by which the search index drops them as it catches up (storage/purge.py); when,
# and a hash of the source id (not the id), so that an import does not bring it back unasked.
purged_documents = Table(
    "purged_documents", metadata,
    Column("public_id", String(40), primary_key=True),
    Column("change_no", BigInteger, nullable=False, index=True),
    Column("purged_at", DateTime(timezone=True)),  # None: purged before this was kept
    Column("source_hash", String(64), index=True),
)


# Counters kept with the catalogue: "changes" grows with every document write, deletion or
# publication change; "index_generation" names the search index built from it.
catalogue_meta = Table(
    "catalogue_meta", metadata,
    Column("key", String(40), primary_key=True),
    Column("value", BigInteger, nullable=False),
)


# Rate limits shared by every server process (token buckets kept as GCRA: one number per
# client). A row whose full_at has passed is the same as no row, so old rows may be deleted.
rate_buckets = Table(
    "rate_buckets", metadata,
    Column("key", String(200), primary_key=True),  # "budget:client address"
    Column("full_at", Float(precision=53), nullable=False),  # Unix time the budget is whole again
)


# Accounts of the editorial workspace. Emails are kept lower-case (domain.accounts.normal_email),
# so the unique key is case-insensitive on every backend. No password, only its Argon2 hash.
users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("role", String(12), nullable=False),
    Column("password_hash", Text),  # None until the account's set-password link is used
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Logins. The cookie holds a random token; the table only its SHA-256.
sessions = Table(
    "sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

# One-time set-password links (new accounts, resets), hashed like session tokens.
password_links = Table(
    "password_links", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

# Failed logins per account and per address within the throttle window, shared by every
# server process.
login_throttle = Table(
    "login_throttle", metadata,
    Column("key", String(300), primary_key=True),  # "account:EMAIL" or "address:IP"
    Column("failures", Integer, nullable=False),
    Column("since", DateTime(timezone=True), nullable=False),  # the window's first failure
)

# What was done, by whom: appended to, never changed (the application has no UPDATE or
# DELETE for it; tests/unit/test_accounts_domain.py checks the source).
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(254), nullable=False),  # an email, or "operator" for the CLI
    Column("action", String(40), nullable=False, index=True),
    Column("subject", String(300), nullable=False, default=""),
    Column("detail", JSON, nullable=False),
)
