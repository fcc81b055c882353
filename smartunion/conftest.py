import importlib

import pytest
from django.db import connection

from smartunion.core.testing import build_world


@pytest.fixture
def world(db):
    """The personas and the small Gansu tree of smartunion.core.testing."""
    return build_world()


@pytest.fixture(autouse=True)
def _flushable_audit_log(request):
    """Lets the end of a transactional test empty the append-only audit log.

    pytest-django empties every table after a transactional (or live-server) test, and the
    audit log's triggers refuse that. This fixture sets up after ``transactional_db`` and so
    tears down before its flush: it drops the triggers, empties the log, puts them back.
    """
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    append_only = importlib.import_module("smartunion.core.migrations.0002_audit_append_only")
    with connection.schema_editor() as editor:
        append_only.backwards(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    with connection.schema_editor() as editor:
        append_only.forwards(None, editor)


@pytest.fixture
def browser():
    """A headless Debian chromium (see core/testing_browser.py)."""
    from smartunion.core.testing_browser import launch_chromium

    yield from launch_chromium()
