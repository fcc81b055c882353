"""The summaries of the contests' and the assistance lines' flows (stats.kept, decision 0034):
contests begun, by tier and kind; entrants of the preliminaries and the final by the month
their contest begins; hardship files filed; campaign lines paid, their money in fen, by
campaign kind — filled from the records that exist (the other kept dimensions untouched)."""

from django.db import migrations

#: The dimensions this migration fills (contests' ``cn ct ck ce cf``, 帮扶's ``fn pr pm pk pa``).
DIMS = ("cn", "ct", "ck", "ce", "cf", "fn", "pr", "pm", "pk", "pa")


def fill(apps, schema_editor):
    from smartunion.stats import kept

    kept.rebuild(DIMS)


def empty(apps, schema_editor):
    apps.get_model("stats", "Summary").objects.filter(dim__in=DIMS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0007_h15k_kept_stocks"),
        ("contests", "0002_teams"),
        ("assistance", "0002_exclusion_checklist"),
    ]

    operations = [migrations.RunPython(fill, empty, elidable=False)]
