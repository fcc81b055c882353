"""Data migrations of the union table, run backwards and forwards over existing rows."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from smartunion.orgs.models import Organization
from smartunion.personas import build_world


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_the_subtree_figures_of_existing_unions_are_filled_from_the_records(transactional_db):
    world = build_world()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate([("orgs", "0002_organization_fillfactor")])
    finally:
        migrate(latest)
    province = Organization.objects.get(pk=world.province.pk)
    assert (
        province.member_count,
        province.subtree_member_count,
        province.subtree_employee_count,
        province.subtree_rated_member_count,
    ) == (0, 3, 300, 1)
    county_b = Organization.objects.get(pk=world.county_b.pk)
    assert county_b.subtree_member_count == 1 and county_b.subtree_employee_count == 0
