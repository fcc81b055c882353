"""A covering index of the 正常 unions' paths with what the home page's 待办 counts of them read
(orgs.home: overdue elections, unions without a 女职工委员会), on PostgreSQL.

A county's count read each of its ~5,000 union rows from the table (2,596 heap pages: the wide
rows, stored with room for their counters' updates); from this index it is an index-only scan
of ~50 pages (6.8 → 1.0 ms). As orgs 0006, it is PostgreSQL's only (``INCLUDE``) and stays out
of the model's state: SQLite needs no help at its sizes.
"""

from django.db import migrations

CREATE = (
    'CREATE INDEX IF NOT EXISTS "org_todo_idx" ON "orgs_organization" '
    '("path" varchar_pattern_ops) INCLUDE ("id", "term_ends_on", "women_committee") '
    "WHERE \"status\" = 'normal'"
)
DROP = 'DROP INDEX IF EXISTS "org_todo_idx"'


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0007_org_span_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
