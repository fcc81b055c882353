"""The summaries filled from the records that exist (decision 0020): the same set-based
INSERT … SELECT as ``manage.py rebuild_stats`` (raw SQL over the tables as they are at this
point of the migrations). At province scale this takes as long as the rebuild (see
docs/performance.md)."""

from django.db import migrations


def fill(apps, schema_editor):
    from smartunion.members.summaries import rebuild

    rebuild()


def empty(apps, schema_editor):
    apps.get_model("stats", "Summary").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0002_summary"),
        ("members", "0010_statistics_indexes"),
        ("orgs", "0006_organization_path_scope_index"),
    ]

    operations = [migrations.RunPython(fill, empty, elidable=False)]
