"""The national five categories and the centre services, as the province's code list starts
(servicerequests.codes.DEFAULT_CATEGORIES)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from smartunion.servicerequests.services import ensure_categories

    ensure_categories(apps.get_model("servicerequests", "RequestCategory"))


def backwards(apps, schema_editor):
    from smartunion.servicerequests.codes import DEFAULT_CATEGORIES

    Category = apps.get_model("servicerequests", "RequestCategory")
    Category.objects.filter(code__in=[code for code, *_ in DEFAULT_CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("servicerequests", "0001_service_requests")]
    operations = [migrations.RunPython(forwards, backwards)]
