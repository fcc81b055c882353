import pytest
from django.db import connection

from smartunion.core.testing import index_only
from smartunion.orgs.models import Organization


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's covering index")
def test_a_scopes_union_ids_come_from_the_covering_index(world):
    """orgs 0006: the subtree's ids by an index-only scan, not from the wide union rows."""
    with connection.cursor() as cursor:
        index_only(cursor)
        cursor.execute(
            "EXPLAIN SELECT id FROM orgs_organization WHERE path LIKE %s",
            [world.province.path + "%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using org_path_scope_idx" in plan
    assert Organization.objects.filter(path__startswith=world.province.path).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's covering index")
def test_the_home_pages_counts_of_a_scopes_unions_come_from_the_covering_index(world):
    """orgs 0008: overdue elections and missing 女职工委员会 without reading the union rows."""
    from django.test.utils import CaptureQueriesContext

    from smartunion.orgs.home import todo_figures

    with CaptureQueriesContext(connection) as queries:
        todo_figures(world.county_admin)
    (count,) = [q["sql"] for q in queries.captured_queries]
    with connection.cursor() as cursor:
        index_only(cursor)
        cursor.execute(f"EXPLAIN {count}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using org_todo_idx" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's storage settings")
def test_the_union_table_keeps_room_for_updates_and_is_vacuumed_often(db):
    """orgs 0002: room on each page for the counters' new row versions (HOT updates); orgs
    0009: a vacuum after ~1,000 changed rows, so that the visibility map the index-only scans
    above rely on is set again soon after the counters move."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE oid = %s::regclass",
            [Organization._meta.db_table],
        )
        options = set(cursor.fetchone()[0])
    assert options == {
        "fillfactor=80",
        "autovacuum_vacuum_threshold=500",
        "autovacuum_vacuum_scale_factor=0.01",
    }
