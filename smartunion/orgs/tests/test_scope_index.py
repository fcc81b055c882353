import pytest
from django.db import connection

from smartunion.orgs.models import Organization


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's covering index")
def test_a_scopes_union_ids_come_from_the_covering_index(world):
    """orgs 0006: the subtree's ids by an index-only scan, not from the wide union rows."""
    with connection.cursor() as cursor:
        # On the test's few rows the planner may pick any index at a like cost (it took the
        # path's own ``_like`` index after other tests had run): with plain index and bitmap
        # scans off as well, only a covering index answers it.
        for kind in ("seqscan", "indexscan", "bitmapscan"):
            cursor.execute(f"SET LOCAL enable_{kind} = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM orgs_organization WHERE path LIKE %s",
            [world.province.path + "%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using org_path_scope_idx" in plan
    assert Organization.objects.filter(path__startswith=world.province.path).exists()
