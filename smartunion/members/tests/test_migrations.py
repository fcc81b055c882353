"""Data migrations of the member tables, run backwards and forwards over existing rows."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from smartunion.personas import build_world

BEFORE = [("members", "0006_clerk_names")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def readings(name: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name_pinyin, name_initials, name_pinyin_alt, name_initials_alt "
            "FROM members_person WHERE name = %s",
            [name],
        )
        return cursor.fetchone()


def test_existing_names_are_read_again_with_their_surnames_and_back(transactional_db):
    world = build_world()
    world.add_member(world.union_a1, "曾晓燕")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name_pinyin, name_initials FROM members_person WHERE name = %s", ["曾晓燕"]
            )
            assert cursor.fetchone() == ("cengxiaoyan", "cxy")  # as before: the ordinary reading
    finally:
        migrate(latest)
    assert readings("曾晓燕") == ("zengxiaoyan", "zxy", "cengxiaoyan", "cxy")
    assert readings("张三") == ("zhangsan", "zs", "", "")
