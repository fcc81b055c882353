"""Data migrations of the union table, run over existing rows.

Each migration's own function runs with its historical models (the state the migration sees),
on the rows of today's schema: migrating the whole project back and forth around it cost a
minute of state rendering per test and tested Django's schema operations, not ours.
"""

import importlib
from types import SimpleNamespace

from django.db import connection

from smartunion.core.testing import historical_apps
from smartunion.orgs.models import Organization
from smartunion.personas import build_world


def test_the_subtree_figures_of_existing_unions_are_filled_from_the_records(db):
    world = build_world()
    Organization.objects.update(  # as the columns were when the migration added them
        subtree_member_count=0, subtree_employee_count=0, subtree_rated_member_count=0
    )
    migration = importlib.import_module(
        "smartunion.orgs.migrations.0003_organization_subtree_counters"
    )
    editor = SimpleNamespace(connection=connection)  # all the functions read of it
    migration.fill(historical_apps("orgs", "0003_organization_subtree_counters"), editor)
    province = Organization.objects.get(pk=world.province.pk)
    assert (
        province.member_count,
        province.subtree_member_count,
        province.subtree_employee_count,
        province.subtree_rated_member_count,
    ) == (0, 3, 300, 1)
    county_b = Organization.objects.get(pk=world.county_b.pk)
    assert county_b.subtree_member_count == 1 and county_b.subtree_employee_count == 0
