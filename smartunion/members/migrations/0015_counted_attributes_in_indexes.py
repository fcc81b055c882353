"""A county's comparison of its grassroots unions by a person's attribute, from indexes alone,
on PostgreSQL.

The summaries stop at the counties (decision 0020): a county's comparison of its grassroots
unions by 年龄段, 性别, 学历 … reads the records — each of its current memberships (224,000 in
the largest county of the data set) and the person it belongs to. That read scanned the whole
membership table (the index by union carried the dates, not the person) and then fetched each
person's row from the 900 MB table: 1.9 s for the largest county's 年龄段, ~10 µs a person.

- ``membership_org_status_idx`` also carries ``person_id``: a county's memberships and their
  people from the index by union alone (as members 0014 made it for the dates); its key stays
  (org, status, id), so a union's member list still pages in the index's order.
- ``person_counted_idx`` is the people by id with the attributes the statistics count
  (members/summaries.py ``PERSON_FIELDS``, the gender and the birth date) as its payload: each
  person's category from ~3 dense index pages, not a page of the wide table. New people take
  the next ids, so an import appends to its right edge.

Together, on a slow machine (docs/performance.md, session 15): the read of the largest county's
年龄段 at 31 December 1,943 → 875 ms (``EXPLAIN ANALYZE``, with and without in one transaction,
on a busy machine), its comparison page's figures 1,530–1,730 → 710–1,030 ms (alternated), by
性别 and by 学历 alike; 会员人数 (no person) unchanged.
SQLite has no ``INCLUDE`` and needs no help at its sizes: nothing changes there, and the models'
state is unchanged (as orgs 0006 and members 0014).
"""

from django.db import migrations

MEMBERSHIP_INDEX = '"membership_org_status_idx"'
MEMBERSHIPS = '"members_membership"'
WITH_PEOPLE = (
    f'CREATE INDEX {MEMBERSHIP_INDEX} ON {MEMBERSHIPS} ("org_id", "status", "id") '
    'INCLUDE ("joined_on", "ended_on", "person_id")'
)
WITH_DATES = (
    f'CREATE INDEX {MEMBERSHIP_INDEX} ON {MEMBERSHIPS} ("org_id", "status", "id") '
    'INCLUDE ("joined_on", "ended_on")'
)
PERSON_INDEX = '"person_counted_idx"'
COUNTED = (
    f'CREATE INDEX {PERSON_INDEX} ON "members_person" ("id") INCLUDE ("birth_date", "gender", '
    '"education", "hukou_type", "is_migrant_worker", "new_form_type")'
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {MEMBERSHIP_INDEX}")
        schema_editor.execute(WITH_PEOPLE)
        schema_editor.execute(COUNTED)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PERSON_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {MEMBERSHIP_INDEX}")
        schema_editor.execute(WITH_DATES)


class Migration(migrations.Migration):
    dependencies = [("members", "0014_membership_org_index_with_dates")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
