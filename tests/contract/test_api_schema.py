"""schemathesis against /api/v1/openapi.json on the demo archive: no 5xx, and every response
matches its documented status, content type and schema."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from chancery.bootstrap import build_app
from chancery.config import load_settings
from chancery.demo import demo_sources
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.web.server import create_app

# Fields whose rules JSON Schema cannot state (the query grammar, cursors this API made, facet
# names): a schema-valid value may rightly get 400, so only there the check that every
# schema-valid request is accepted is left out. Every other check runs everywhere.
GRAMMAR = {"q", "f", "cursor", "sort"}

# The schema is read when tests are collected; the archive behind it is filled just before
# they run (schemathesis's fixture loader does not work with this pytest).
_ROOT = Path(tempfile.mkdtemp(prefix="chancery-schema-"))
_APP = build_app(load_settings(data=str(_ROOT / "data"), database_url="", api_rate_limit="0"))
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(_APP))


@pytest.fixture(scope="module", autouse=True)
def demo_archive() -> Iterator[None]:
    assert not import_paths(demo_sources(), _APP.import_context()).failed
    search.rebuild_index(_APP.catalogue, _APP.index)
    yield
    _APP.catalogue.dispose()
    shutil.rmtree(_ROOT, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_its_schema(case: schemathesis.Case) -> None:
    grammar = bool(case.query and GRAMMAR & set(case.query))
    case.call_and_validate(excluded_checks=[positive_data_acceptance] if grammar else [])
