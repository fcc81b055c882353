"""The exclusion checklist (不予建档情形) as the province starts with it (assistance/defaults.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from smartunion.assistance.defaults import ensure_exclusions

    ensure_exclusions(apps.get_model("assistance", "ExclusionItem"))


def backwards(apps, schema_editor):
    from smartunion.assistance.defaults import EXCLUSIONS

    apps.get_model("assistance", "ExclusionItem").objects.filter(code__in=[c for c, _, _ in EXCLUSIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
