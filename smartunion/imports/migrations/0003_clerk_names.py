"""经办人: who uploaded and committed an import, as the staff member's name and union (issue 11).

Existing rows are rewritten in place (members/migrations/0006_clerk_names.py does the same for
the membership histories): uploads by the uploading user, commits by the login name they hold.
"""

from django.db import migrations, models

from smartunion.accounts.models import relabel_clerks


def forwards(apps, schema_editor):
    ImportJob = apps.get_model("imports", "ImportJob")
    relabel_clerks(ImportJob.objects.all(), "created_by_name", key="created_by_id")
    relabel_clerks(ImportJob.objects.all(), "committed_by_name")


def backwards(apps, schema_editor):
    ImportJob = apps.get_model("imports", "ImportJob")
    relabel_clerks(ImportJob.objects.all(), "created_by_name", key="created_by_id", by="label")
    relabel_clerks(ImportJob.objects.all(), "committed_by_name", by="label")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("imports", "0002_export_jobs"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="committed_by_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="提交人"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="created_by_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="上传人"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
