"""The summaries' table leaves 30 % of each page free (PostgreSQL's ``fillfactor``), so that
adding to a row's ``n`` writes its new version in the same page without touching the indexes
(a HOT update). An import batch of 5,000 members adds to ~120,000 rows: with full pages every
one of them was a new tuple in another page and new entries in both indexes. Measured on the
province's table (3.1 million rows; session 18, performance.md): the batch's upsert 1.9–2.1 s
at 100 %, 1.3–1.4 at 85 %, 1.1 at 70 %, 1.0 at 50 %; the statistics' reads the same at 70 % as
at 100 % (bench/stats.py), the table 249 → 359 MB.

The table is rewritten at the new setting (``VACUUM FULL``, ~5 s for the province's, holding
the table meanwhile): outside a transaction, hence ``atomic = False``. SQLite has no such
setting.
"""

from django.db import migrations

FILLFACTOR = 70


def _set(schema_editor, fillfactor: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name("stats_summary")
    schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {fillfactor})")
    schema_editor.execute(f"VACUUM FULL {table}")
    schema_editor.execute(f"ANALYZE {table}")


def forwards(apps, schema_editor):
    _set(schema_editor, FILLFACTOR)


def backwards(apps, schema_editor):
    _set(schema_editor, 100)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("stats", "0010_drop_rated_employees_rows")]

    operations = [migrations.RunPython(forwards, backwards)]
