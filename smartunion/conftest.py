import importlib

import pytest
from django.db import connection

from smartunion.assistance.defaults import ensure_exclusions
from smartunion.casework.calendar import load_package_calendar
from smartunion.core.testing import built_once, reset_id_numbers
from smartunion.personas import build_world
from smartunion.regions.divisions import load_regions
from smartunion.regions.models import Region
from smartunion.servicerequests.services import ensure_categories


def pytest_collection_modifyitems(config, items):
    """Tests marked ``fuzz`` run only when ``-m`` names that marker (make test-api): they take
    minutes, and ``-m "not browser"`` must not pull them into the ordinary suite."""
    if "fuzz" in (config.getoption("markexpr") or "").replace("not fuzz", ""):
        return
    skip = pytest.mark.skip(reason="schemathesis run: select it with -m fuzz (make test-api)")
    for item in items:
        if "fuzz" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _migrations_kept():
    """Set up before pytest-django's ``django_db_setup``: while Django creates a test database,
    its ``migrate`` copies a migrated database kept by an earlier process when the sources are
    the same (core.testing_dbcache), and keeps one otherwise. Any other ``migrate`` runs as
    written."""
    from django.core import management
    from django.db.backends.base.creation import BaseDatabaseCreation

    from smartunion.core import testing_dbcache

    if not testing_dbcache.enabled():
        yield
        return
    real_call_command = management.call_command
    real_create_test_db = BaseDatabaseCreation.create_test_db

    def create_test_db(creation, *args, **kwargs):
        if kwargs.get("keepdb"):  # --reuse-db: the kept database is migrated as it is
            return real_create_test_db(creation, *args, **kwargs)

        def call_command(command_name, *command_args, **options):
            if command_name != "migrate":
                return real_call_command(command_name, *command_args, **options)
            testing_dbcache.migrate_test_database(
                creation.connection,
                lambda: real_call_command(command_name, *command_args, **options),
            )

        management.call_command = call_command
        try:
            return real_create_test_db(creation, *args, **kwargs)
        finally:
            management.call_command = real_call_command

    BaseDatabaseCreation.create_test_db = create_test_db
    try:
        yield
    finally:
        BaseDatabaseCreation.create_test_db = real_create_test_db


@pytest.fixture(scope="session")
def django_db_setup(_migrations_kept, django_db_setup, django_db_blocker):
    """The test database, with the administrative divisions loaded once for the session.

    Transactional tests empty every table at their end; build_world() reloads the divisions
    when it finds them gone.
    """
    with django_db_blocker.unblock():
        load_regions()
        load_package_calendar()
        ensure_exclusions()
        ensure_categories()


@pytest.fixture
def built(db):
    """``built(key, build)``: the rows ``build()`` writes, built once per process and written
    back row for row in every later test that asks for the same key (core.testing.built_once);
    for data sets a module's tests share, like the statistics' seeded records."""
    if not Region.objects.filter(code="620102").exists():
        load_regions()  # gone after a transactional test's flush
    return built_once


@pytest.fixture
def world(built):
    """The personas and the small Gansu tree of smartunion.personas.

    Built through the services once per process (and again each day, as its dates are today's),
    then written back row for row in every test that asks for it: building it took most of the
    suite's time.
    """
    return built("world", build_world)


@pytest.fixture
def seeded_part(built):
    """``seeded_part(run_part)``: a seed part's lines, run on the small seeded province (150
    unions, 2,500 members, seed 5) that the parts' own tests check; generated and run once per
    process and written back in every later test of the same part (``built``)."""
    from smartunion.core.seeding import SeedOptions
    from smartunion.members.seed import generate
    from smartunion.personas import ensure_regions

    def seed(run_part):
        def build():
            ensure_regions()
            generate(orgs=150, members=2500, seed=5, workers=1)
            return run_part(SeedOptions(seed=5))

        return built(("seed part", run_part.__module__), build)

    return seed


def _transactional(request) -> bool:
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _restore_audit_triggers(request, django_db_blocker):
    """Set up before a transactional test's database and torn down after its flush: puts the
    audit log's append-only triggers back once the flush has emptied every table."""
    yield
    if _transactional(request):
        append_only = importlib.import_module("smartunion.core.migrations.0002_audit_append_only")
        with django_db_blocker.unblock(), connection.schema_editor() as editor:
            append_only.backwards(None, editor)
            append_only.forwards(None, editor)
        with django_db_blocker.unblock():
            _reload_reference_data()


def _reload_reference_data() -> None:
    """The reference data the migrations fill (the holiday calendar, the exclusion checklist,
    the requests' code list), put back after a flush emptied it; each call adds only what is
    missing."""
    load_package_calendar()
    ensure_exclusions()
    ensure_categories()


@pytest.fixture(autouse=True)
def _fresh_id_numbers():
    """Each test gets the same ID numbers whatever ran before it (no order dependence)."""
    reset_id_numbers()


@pytest.fixture(autouse=True, scope="session")
def _sms_outbox(tmp_path_factory):
    """SMS the tests send (the portal's sign-in codes) land in a folder of the run, not var/.
    Set once, without the ``settings`` fixture: changing a setting in every test sends
    setting_changed to every receiver and made the whole suite a third slower."""
    from django.conf import settings

    settings.SMARTUNION_SMS_OUTBOX = tmp_path_factory.mktemp("sms-outbox")


@pytest.fixture(autouse=True)
def _flushable_audit_log(_restore_audit_triggers, request):
    """Lets the end of a transactional test empty the append-only audit log.

    pytest-django empties every table after a transactional (or live-server) test, and the
    audit log's triggers refuse that (PostgreSQL's flush is a TRUNCATE, refused by a statement
    trigger even when the log is empty). This fixture sets up after ``transactional_db`` and so
    tears down before its flush: it drops the triggers and empties the log;
    ``_restore_audit_triggers`` puts them back after the flush.
    """
    if not _transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    # A live-server test's flush comes after every teardown of this file (pytest-django's
    # autouse helper holds transactional_db): the reference data may be gone when it starts.
    _reload_reference_data()
    yield
    append_only = importlib.import_module("smartunion.core.migrations.0002_audit_append_only")
    with connection.schema_editor() as editor:
        append_only.backwards(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")


_chromium: list = []  # [the launch_chromium generator, its browser] while one runs


@pytest.fixture
def browser():
    """A headless Debian chromium (see core/testing_browser.py).

    One chromium serves a run of consecutive browser tests (starting Playwright's driver and
    the browser took one to two seconds a test); each test works in its own contexts, and any
    context a test leaves open is closed after it. The browser is stopped after the last test
    of the run (``pytest_runtest_teardown``), so no other test runs inside Playwright's event
    loop."""
    from smartunion.core.testing_browser import launch_chromium

    if _chromium and not _chromium[1].is_connected():
        _stop_chromium()
    if not _chromium:
        launched = launch_chromium()
        _chromium.extend([launched, next(launched)])
    chromium = _chromium[1]
    yield chromium
    for context in chromium.contexts:
        context.close()


def _stop_chromium() -> None:
    launched, _ = _chromium
    _chromium.clear()
    next(launched, None)  # closes the browser and Playwright, unsets the async-unsafe switch


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    if _chromium and (nextitem is None or "browser" not in nextitem.fixturenames):
        _stop_chromium()
