"""The summaries of the service requests' and legal-aid figures (stats.kept, decision 0025):
the rows hold sums of money in fen too (64 bits), filled from the records that exist."""

from django.db import migrations, models


#: The dimensions this migration fills (the requests' ``r…``, the legal-aid cases' ``l…``): a
#: fixed list, so that dimensions later migrations add are theirs to fill (their tables may not
#: exist yet when this one runs).
DIMS = (
    *("rh", "rk", "rn", "ro", "rr", "rs", "rt", "rv", "rx"),
    *("lc", "lf", "lm", "lp", "lr", "lt", "lw", "lx"),
)


def fill(apps, schema_editor):
    from smartunion.stats import kept

    kept.rebuild(DIMS)


def empty(apps, schema_editor):
    apps.get_model("stats", "Summary").objects.filter(dim__in=DIMS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0003_fill_summaries"),
        ("servicerequests", "0005_figures_index"),
        ("legalaid", "0001_legal_aid_cases"),
    ]

    operations = [
        migrations.AlterField(
            model_name="summary",
            name="n",
            field=models.BigIntegerField(verbose_name="变化数"),
        ),
        migrations.RunPython(fill, empty, elidable=False),
    ]
