"""Data migrations of the member tables, run backwards and forwards over existing rows.

The migration's own functions run with its historical models (the state the migration sees),
on the rows of today's schema: migrating the whole project back and forth around it cost a
minute of state rendering per test and tested Django's schema operations, not ours.
"""

import importlib
from types import SimpleNamespace

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from smartunion.personas import build_world

SURNAMES = "0008_person_surname_readings"


def readings(name: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name_pinyin, name_initials, name_pinyin_alt, name_initials_alt "
            "FROM members_person WHERE name = %s",
            [name],
        )
        return cursor.fetchone()


def test_existing_names_are_read_again_with_their_surnames_and_back(db):
    world = build_world()
    world.add_member(world.union_a1, "曾晓燕")
    migration = importlib.import_module(f"smartunion.members.migrations.{SURNAMES}")
    apps = MigrationLoader(connection).project_state(("members", SURNAMES)).apps
    editor = SimpleNamespace(connection=connection)  # all the functions read of it
    migration.ordinary_readings(apps, editor)  # backwards: the ordinary reading alone
    assert readings("曾晓燕") == ("cengxiaoyan", "cxy", "", "")
    migration.surname_readings(apps, editor)
    assert readings("曾晓燕") == ("zengxiaoyan", "zxy", "cengxiaoyan", "cxy")
    assert readings("张三") == ("zhangsan", "zs", "", "")
