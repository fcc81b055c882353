"""Year rows beside the month rows of the summaries (decision 0032): each year's change of a
(path, dim, value) kept at month ``summaries.YEARS + year``, the sum of that year's month rows,
so that a stock reads the years before its own and the months of its year. Filled in the
database from the month rows that exist (one INSERT … SELECT); undone by deleting them."""

from django.db import migrations

#: As ``stats.summaries.YEARS`` when this migration was written.
YEARS = 1_000_000


def fill(apps, schema_editor):
    from smartunion.stats import summaries

    summaries.fill_years(None, apps.get_model("stats", "Summary")._meta.db_table)


def empty(apps, schema_editor):
    apps.get_model("stats", "Summary").objects.filter(month__gte=YEARS).delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0005_report_overrides")]

    operations = [migrations.RunPython(fill, empty, elidable=False)]
