"""The memberships' index by union carries their dates, on PostgreSQL.

``membership_org_status_idx (org, status, id)`` finds a union's memberships; whether each
counts at a date needs its 入会日期 and 终止日期, read from the table: one heap page per
membership. The statistics read a union's memberships that way wherever the summaries do not
answer — a county's comparison of its grassroots unions (224,000 memberships of the largest
county: 248 → 66 ms), 入会率's members of unrated unions (its 24-month trend 199 → 152 ms, the
province at a date 86 → 63 ms). With the dates as the index's payload (``INCLUDE``) these are
index-only reads; the key stays (org, status, id), so a union's member list still pages in the
index's order. SQLite has no ``INCLUDE`` and needs no help at its sizes: there the index stays
as the model declares it, and the model's state is unchanged (as orgs 0006).
"""

from django.db import migrations

INDEX = '"membership_org_status_idx"'
TABLE = '"members_membership"'
WITH_DATES = (
    f'CREATE INDEX {INDEX} ON {TABLE} ("org_id", "status", "id") INCLUDE ("joined_on", "ended_on")'
)
WITHOUT = f'CREATE INDEX {INDEX} ON {TABLE} ("org_id", "status", "id")'


def _replace(schema_editor, create: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(create)


def forwards(apps, schema_editor):
    _replace(schema_editor, WITH_DATES)


def backwards(apps, schema_editor):
    _replace(schema_editor, WITHOUT)


class Migration(migrations.Migration):
    dependencies = [("members", "0013_transfer_in_per_membership")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
