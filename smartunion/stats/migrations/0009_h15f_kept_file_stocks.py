"""The hardship files 在档 kept in the statistics' summaries as stocks from their declarations
(stats.kept, decision 0033): from the 建档日期 until the 办结日期, in all, by 困难类别 and by
主要致困原因 — filled from the files that exist (the other kept dimensions untouched)."""

from django.db import migrations

#: The dimensions this migration fills (帮扶's files 在档 ``fs fc fm``).
DIMS = ("fs", "fc", "fm")


def fill(apps, schema_editor):
    from smartunion.stats import kept

    kept.rebuild(DIMS)


def empty(apps, schema_editor):
    apps.get_model("stats", "Summary").objects.filter(dim__in=DIMS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0008_h15c_kept_flows"),
    ]

    operations = [migrations.RunPython(fill, empty, elidable=False)]
