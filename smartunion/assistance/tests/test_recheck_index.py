"""The files due for their yearly re-check (assistance.home ``not_rechecked``) are counted from a
partial index of the files 在档, not from the files themselves."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartunion.assistance.home import todo_figures
from smartunion.assistance.models import HardshipFile


def test_the_files_re_check_dates_are_indexed_for_the_files_in_file_only(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "assistance_hardshipfile")
    on_recheck = {
        name: c["columns"] for name, c in constraints.items() if "last_recheck_on" in c["columns"]
    }
    assert on_recheck == {"hardship_recheck_org_idx": ["org_id", "last_recheck_on"]}
    (index,) = [i for i in HardshipFile._meta.indexes if i.name == "hardship_recheck_org_idx"]
    assert str(index.condition) == "(AND: ('state', 'in_file'))"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_a_countys_files_due_for_re_check_are_counted_from_the_index_alone(world):
    with CaptureQueriesContext(connection) as queries:
        todo_figures(world.county_admin)
    (count,) = [q["sql"] for q in queries.captured_queries if "last_recheck_on" in q["sql"]]
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_indexscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {count}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using hardship_recheck_org_idx" in plan, plan
