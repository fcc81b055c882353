"""经办人: the staff member's name and union instead of the login name (issue 11).

The fields grow to hold "姓名（工会名称）"; existing rows are rewritten in place, one UPDATE
per field (bounded memory at any size): events by their actor id, transfers by the login
name they hold; "system" becomes "系统".
"""

from django.db import migrations, models

from smartunion.accounts.models import relabel_clerks


def forwards(apps, schema_editor):
    Event = apps.get_model("members", "MembershipEvent")
    Transfer = apps.get_model("members", "Transfer")
    relabel_clerks(Event.objects.all(), "actor_name", key="actor_id")
    relabel_clerks(Transfer.objects.all(), "sent_by_name")
    relabel_clerks(Transfer.objects.all(), "decided_by_name")


def backwards(apps, schema_editor):
    Event = apps.get_model("members", "MembershipEvent")
    Transfer = apps.get_model("members", "Transfer")
    relabel_clerks(Event.objects.all(), "actor_name", key="actor_id", by="label")
    relabel_clerks(Transfer.objects.all(), "sent_by_name", by="label")
    relabel_clerks(Transfer.objects.all(), "decided_by_name", by="label")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("members", "0005_membership_applied_date"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membershipevent",
            name="actor_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="经办人"),
        ),
        migrations.AlterField(
            model_name="transfer",
            name="decided_by_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="处理人"),
        ),
        migrations.AlterField(
            model_name="transfer",
            name="sent_by_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="发起人"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
