"""The addresses of the reading room's pages, which the API and feeds link to as well."""

from __future__ import annotations

from chancery.domain.authorities import slugify

# authority kinds and the URL folder of their pages
KIND_PATHS = {"person": "people", "organization": "organizations", "place": "places",
              "subject": "subjects"}
PATH_KINDS = {v: k for k, v in KIND_PATHS.items()}


def doc_url(public_id: str, title: str = "") -> str:
    """The canonical address of a document page: /documents/{public id}/{slug}."""
    slug = slugify(title, 80) if title else ""
    return f"/documents/{public_id}/{slug}" if slug and slug != "x" else f"/documents/{public_id}"


def authority_url(key: str) -> str:
    """The page of an authority record ("person/herter-christian-a" -> /people/herter-christian-a)."""
    kind, _, slug = key.partition("/")
    return f"/{KIND_PATHS.get(kind, 'subjects')}/{slug}"


def collection_url(key: str) -> str:
    """The page of a collection."""
    return f"/collections/{key}"
