"""The waiting cases of every case type are read from one partial index (casework.models
``waiting_index``): the 待办 counts of the home page and the "待我办理" lists."""

import pytest
from django.db import connection

from smartunion.assistance.models import HardshipFile
from smartunion.casework.home import waiting_ids
from smartunion.casework.workflow import case_models


def index_definitions(table: str) -> dict[str, str]:
    """{index name: its SQL} as the database keeps it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table]
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                [table],
            )
        return {name: sql or "" for name, sql in cursor.fetchall()}


def waiting_index_name(model) -> str:
    (index,) = [i for i in model._meta.indexes if i.fields == ["responsible_org", "due_on", "id"]]
    return index.name


@pytest.mark.parametrize("model", list(case_models()), ids=lambda m: m._meta.label)
def test_each_case_type_keeps_its_waiting_cases_in_a_partial_index_with_their_ids(db, model):
    table = model._meta.db_table
    indexes = {name: sql for name, sql in index_definitions(table).items() if sql}
    name = waiting_index_name(model)
    sql = " ".join(indexes[name].replace('"', "").split())
    assert "(responsible_org_id, due_on, id)" in sql, sql
    assert "WHERE (due_on IS NOT NULL)" in sql or "WHERE due_on IS NOT NULL" in sql, sql
    # The index of (responsible union, deadline) over every case it replaced is gone.
    columns = connection.introspection.get_constraints(connection.cursor(), table)
    over_every_case = [
        n for n, c in columns.items() if c["columns"] == ["responsible_org_id", "due_on"]
    ]
    assert over_every_case == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_the_waiting_cases_of_a_subtree_are_read_from_the_index_alone(world):
    """The 待办 count's pick of the waiting files (casework.home ``waiting_ids``) can be an
    index-only scan: at province scale the full index read 2,762 heap pages for a county."""
    settings = ("enable_seqscan", "enable_bitmapscan", "enable_indexscan")
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting} = off")
    try:
        plan = waiting_ids(HardshipFile, world.county_admin).explain()
    finally:
        with connection.cursor() as cursor:
            for setting in settings:
                cursor.execute(f"SET LOCAL {setting} = on")
    assert "Index Only Scan using assistance_hardshipfile_wait" in plan, plan


def test_the_home_page_does_not_count_a_case_type_that_declares_no_deadline(world):
    """A contest (劳动和技能竞赛) waits on nobody: its states declare no working days, so none
    has a deadline and the 待办 counts leave its table alone (a query per home page)."""
    from django.test.utils import CaptureQueriesContext

    from smartunion.casework.home import todo_figures
    from smartunion.contests.models import Contest

    assert not Contest.case_type.waiting_states()
    with CaptureQueriesContext(connection) as queries:
        todo_figures(world.county_admin)
    assert not [q for q in queries.captured_queries if 'FROM "contests_contest"' in q["sql"]]
