"""Chancery bundles: a folder with ``bundle.yaml`` (collections, authorities) and one metadata
file per document (YAML or JSON), text files per version, optional scans.

The format is documented in docs/bundle-format.md and checked with bundle.schema.json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from chancery.domain.authorities import Authority, AuthorityKind, Link, Role, fold
from chancery.domain.collections import Collection
from chancery.domain.documents import ParsedDocument, public_id_for
from chancery.domain.records import authority_from_record, document_from_record
from chancery.domain.redaction_records import redactions_from_records
from chancery.domain.redactions import BadRedaction, Redaction
from chancery.ingest.base import Failure, ImportRefused, Limits, SourceBatch, check_size
from chancery.ingest.media import read_media

MANIFEST_NAMES = ("bundle.yaml", "bundle.yml", "bundle.json")
# libyaml's parser when present: the pure-Python one takes most of the time of a large bundle.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCHEMA = json.loads(Path(__file__).with_name("bundle.schema.json").read_text())
# Friendly shorthands in hand-made bundles, and the role each stands for.
_ROLE_FIELDS = {"authors": Role.AUTHOR, "recipients": Role.RECIPIENT, "signers": Role.SIGNER,
                "mentioned": Role.MENTIONED, "places": Role.PLACE_MENTIONED,
                "origin": Role.ORIGIN, "subjects": Role.SUBJECT}
_DEFAULT_KIND = {Role.ORIGIN: AuthorityKind.PLACE, Role.PLACE_MENTIONED: AuthorityKind.PLACE,
                 Role.SUBJECT: AuthorityKind.SUBJECT}


def load_data(path: Path, limits: Limits) -> Any:
    """YAML or JSON from a file (safe loader), or ImportRefused with the reason."""
    check_size(path, limits)
    kind = path.suffix.lstrip(".").upper()
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_YamlLoader)
    except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImportRefused(f"malformed {kind}: {exc}") from None
    except RecursionError:
        raise ImportRefused(f"malformed {kind}: nested too deeply") from None
    _refuse_shared_nodes(data)
    return data


def _refuse_shared_nodes(data: Any) -> None:
    """Refuse YAML whose aliases (``*name``) repeat a list or mapping: nested, a few lines of
    them expand to billions of items (a "billion laughs" bomb), so none are accepted."""
    seen: set[int] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if not isinstance(item, dict | list):
            continue
        if id(item) in seen:
            raise ImportRefused("YAML anchors and aliases (&name, *name) that repeat a list or "
                                "mapping are not allowed (possible expansion bomb)")
        seen.add(id(item))
        stack.extend(item.values() if isinstance(item, dict) else item)


def validate(data: Any, definition: str) -> None:
    """Check data against a part of the bundle schema; the first error, said plainly."""
    import jsonschema  # 0.1 s to import: paid by bundle imports only
    schema = {"$ref": f"#/$defs/{definition}", "$defs": _SCHEMA["$defs"]}
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "top level"
        raise ImportRefused(f"invalid metadata at {where}: {error.message}")


class BundleImporter:
    """Reads Chancery bundles."""

    name = "bundle"

    def score(self, path: Path) -> float:
        """A folder with a bundle manifest matches surely."""
        return 1.0 if path.is_dir() and any((path / n).is_file() for n in MANIFEST_NAMES) else 0.0

    def read(self, path: Path, limits: Limits) -> Iterator[SourceBatch]:
        """One batch for the whole bundle; a broken document file fails alone."""
        manifest_path = next(path / n for n in MANIFEST_NAMES if (path / n).is_file())
        manifest = load_data(manifest_path, limits) or {}
        validate(manifest, "manifest")
        shared = {a.ref: a for a in (authority_from_record(r)
                                     for r in manifest.get("authorities") or [])}
        batch = SourceBatch(str(path), self.name, collections=[
            Collection(c["key"], c["title"], c.get("parent") or "", _position(c, i),
                       c.get("description") or "")
            for i, c in enumerate(manifest.get("collections") or [])])
        seen: dict[str, Path] = {}
        for doc_path in _document_files(path, manifest_path):
            try:
                parsed = read_document(doc_path, path, shared, limits)
                _refuse_duplicate(parsed, doc_path, seen)
            except ImportRefused as exc:
                batch.items.append(Failure(str(doc_path), str(exc)))
                continue
            batch.items.append(parsed)
        yield batch


def _position(collection: dict[str, Any], index: int) -> int:
    position = collection.get("position")
    return index if position is None else int(position)


def _refuse_duplicate(parsed: ParsedDocument, doc_path: Path, seen: dict[str, Path]) -> None:
    """Two files of one bundle must not describe the same document (same id)."""
    doc = parsed.document
    idents = [f"{label} {value!r}" for label, value in (("source_id", doc.source_id),
                                                        ("public_id", doc.public_id)) if value]
    for ident in idents:
        if ident in seen:
            raise ImportRefused(f"{ident} is already used by {seen[ident].name} in this bundle")
    seen.update(dict.fromkeys(idents, doc_path))


def _document_files(root: Path, manifest: Path) -> list[Path]:
    found = [p for ext in ("*.yaml", "*.yml", "*.json") for p in root.rglob(ext)]
    return sorted(p for p in found if p != manifest and not p.name.startswith("."))


def _inline_authority(entry: dict[str, Any] | str, role: Role) -> Authority:
    if isinstance(entry, str):
        entry = {"name": entry}
    kind = AuthorityKind(entry.get("kind") or _DEFAULT_KIND.get(role, AuthorityKind.PERSON))
    rec = {**entry, "kind": kind.value, "ref": entry.get("ref") or f"{kind.value}:{fold(entry['name'])}"}
    return authority_from_record(rec)


def _links(meta: dict[str, Any], shared: dict[str, Authority]) -> tuple[list[Link], list[Authority]]:
    links = [Link(str(lk["ref"]), Role(lk["role"]), str(lk.get("as_written") or ""))
             for lk in meta.get("links") or []]
    inline: list[Authority] = []
    for field_name, role in _ROLE_FIELDS.items():
        for entry in meta.get(field_name) or []:
            if isinstance(entry, str) and entry in shared:
                links.append(Link(entry, role))
                continue
            a = _inline_authority(entry, role)
            inline.append(a)
            written = entry.get("as_written", "") if isinstance(entry, dict) else ""
            links.append(Link(a.ref, role, str(written)))
    return links, inline


def _texts(meta: dict[str, Any], doc_path: Path, root: Path, limits: Limits) -> list[dict[str, Any]]:
    texts = []
    for t in meta.get("texts") or []:
        t = dict(t)
        if "file" in t:
            text_path = _inside(doc_path.parent / t.pop("file"), root)
            check_size(text_path, limits)
            try:
                t["body"] = text_path.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                raise ImportRefused(f"cannot read text file {text_path.name}: {exc}") from None
        else:  # inline, stripped like a file's text, so an export and re-import keep it equal
            t["body"] = str(t.get("body") or "").strip()
        texts.append(t)
    return texts


def _inside(path: Path, root: Path) -> Path:
    """A path named by a bundle, refused if it points outside the bundle folder."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise ImportRefused(f"{path} is outside the bundle folder")
    if not resolved.is_file():
        raise ImportRefused(f"file not found: {path}")
    return resolved


def read_document(doc_path: Path, root: Path, shared: dict[str, Authority],
                  limits: Limits) -> ParsedDocument:
    """One bundle document: its record, texts, scans, and the authorities it names."""
    meta = load_data(doc_path, limits)
    validate(meta, "document")
    links, inline = _links(meta, shared)
    media = [read_media(_inside(doc_path.parent / m["file"], root), limits, m.get("label", ""))
             for m in meta.get("media") or []]
    source_id = str(meta.get("source_id") or "")
    collections = [{"key": c} if isinstance(c, str) else c for c in meta.get("collections") or []]
    record = {**meta, "links": [], "collections": collections,
              "texts": _texts(meta, doc_path, root, limits), "media": [],
              "public_id": meta.get("public_id") or public_id_for(
                  source_id or str(doc_path.relative_to(root)))}
    try:
        doc = document_from_record(record)
    except (KeyError, ValueError, TypeError) as exc:
        raise ImportRefused(f"invalid metadata: {exc}") from None
    keys = [t.version_key for t in doc.texts]
    if len(set(keys)) < len(keys):
        raise ImportRefused(f"text versions share a key ({', '.join(keys)}): give each its own "
                            "`key`, or a different language or kind")
    known = {**shared, **{a.ref: a for a in inline}}
    missing = [lk.ref for lk in links if lk.ref not in known]
    if missing:
        raise ImportRefused(f"links to authorities not in bundle.yaml: {', '.join(missing)}")
    doc = replace(doc, links=tuple(links), media=tuple(media))
    used = {lk.ref for lk in links}
    files = tuple(str(_inside(doc_path.parent / m["file"], root)) for m in meta.get("media") or [])
    return ParsedDocument(doc, tuple(a for r, a in known.items() if r in used), files,
                          _redactions(meta))


def _redactions(meta: dict[str, Any]) -> tuple[Redaction, ...]:
    """What an editor's export withheld, to withhold again once imported."""
    try:
        return redactions_from_records(meta.get("redactions") or [])
    except BadRedaction as exc:
        raise ImportRefused(str(exc)) from None
