"""The summaries filled from the records that exist (decision 0020): the same set-based recount
as ``manage.py rebuild_stats``, written with the historical model. At province scale this takes
as long as the rebuild (see docs/performance.md)."""

from django.db import migrations


def fill(apps, schema_editor):
    from smartunion.members.summaries import recount

    Summary = apps.get_model("stats", "Summary")
    Summary.objects.all().delete()
    Summary.objects.bulk_create(
        (
            Summary(path=path, dim=dim, month=month, value=value, n=n)
            for (path, dim, month, value), n in sorted(recount().items())
        ),
        batch_size=5000,
    )


def empty(apps, schema_editor):
    apps.get_model("stats", "Summary").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0002_summary"),
        ("members", "0010_statistics_indexes"),
        ("orgs", "0006_organization_path_scope_index"),
    ]

    operations = [migrations.RunPython(fill, empty, elidable=False)]
