"""Pre-fill the working-day calendar with the years chinese-calendar knows (2004–2026 in
1.11.0); later years are entered by province admins as the State Council publishes them."""

from django.db import migrations


def forwards(apps, schema_editor):
    from smartunion.casework.calendar import load_package_calendar

    load_package_calendar(apps.get_model("casework", "CalendarYear"), apps.get_model("casework", "CalendarDay"))


def backwards(apps, schema_editor):
    apps.get_model("casework", "CalendarDay").objects.all().delete()
    apps.get_model("casework", "CalendarYear").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
