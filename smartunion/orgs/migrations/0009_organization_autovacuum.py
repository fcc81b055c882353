"""The union table vacuumed after ~1,000 changed rows instead of a fifth of the table
(PostgreSQL's per-table autovacuum settings).

Every member change moves the kept counters of its union and of every union above it, and every
import batch those of thousands: each such update clears its page's bit in the visibility map,
and only a vacuum sets it again. Until then an index-only scan of the unions — every scope's
subtree (``org_path_scope_idx``), in nearly every staff page's reads — fetches each row of
such a page from the table to see whether it is visible. PostgreSQL's default waits for 50 +
20 % of the rows (~9,850 of the province's 49,000: some 2,500 member changes). Measured on the
province's data set with a seventh of the unions' rows updated (session 18, performance.md):
a county's subtree then read 4,894 of its 5,090 rows from the table, 2–3 ms in each of ~6
reads of its home page; after a vacuum, the county admin's home page 50 → 41 ms and
``bench/load.py`` 121 → 127 req/s (p99 221 → 195 ms). The table is 63 MB; a vacuum of its
changed pages takes well under a second.
"""

from django.db import migrations

#: Vacuum after this many dead rows plus this share of the table (PostgreSQL's defaults: 50
#: and 0.2).
THRESHOLD = 500
SCALE_FACTOR = 0.01


def _set(apps, schema_editor, options: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("orgs", "Organization")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} {options}")


def vacuum_often(apps, schema_editor) -> None:
    _set(
        apps,
        schema_editor,
        f"SET (autovacuum_vacuum_threshold = {THRESHOLD},"
        f" autovacuum_vacuum_scale_factor = {SCALE_FACTOR})",
    )


def as_default(apps, schema_editor) -> None:
    _set(apps, schema_editor, "RESET (autovacuum_vacuum_threshold, autovacuum_vacuum_scale_factor)")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0008_organization_todo_index")]

    operations = [migrations.RunPython(vacuum_often, as_default)]
