"""The unions' figures kept in the statistics' summaries as stocks and flows from their
declarations (stats.kept, decision 0033), filled from the unions that exist."""

from django.db import migrations


#: The dimensions this migration fills (the unions' ``u…``).
DIMS = ("ue", "uf", "ug", "uj", "uk", "uo", "ur", "us", "uu", "uw")


def fill(apps, schema_editor):
    from smartunion.stats import kept

    kept.rebuild(DIMS)


def empty(apps, schema_editor):
    apps.get_model("stats", "Summary").objects.filter(dim__in=DIMS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0006_h15m_year_rows"),
        ("orgs", "0007_org_span_indexes"),
    ]

    operations = [migrations.RunPython(fill, empty, elidable=False)]
