"""A covering index of the unions' paths with their ids, on PostgreSQL.

A province or city scope joins its unions by ``path LIKE '<scope>%'``: at 49,000 unions the
planner hashes them all, and read from the table that means every wide union row (57 MB at
province scale). From this index it is an index-only scan of (path, id): the home page's 待办
counts of 帮扶 at province scope went from 80 to 48 ms. SQLite has no ``INCLUDE`` and needs no
help at its sizes, so the index is PostgreSQL's only and stays out of the model's state.
"""

from django.db import migrations

CREATE = (
    'CREATE INDEX IF NOT EXISTS "org_path_scope_idx" ON "orgs_organization" '
    '("path" varchar_pattern_ops) INCLUDE ("id")'
)
DROP = 'DROP INDEX IF EXISTS "org_path_scope_idx"'


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0005_organization_sibling_names")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
