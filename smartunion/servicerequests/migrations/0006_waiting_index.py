"""The index of the waiting cases (casework.models.waiting_index): partial on a deadline being
set, with the case's id, so that the 待办 counts and the "待我办理" lists read a subtree's waiting
cases from the index alone. It replaces the index of (responsible union, deadline) over every
case; the new one is built first, so that reads of deadlines stay indexed throughout."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0004_waiting_index"),
        ("legalaid", "0002_waiting_index"),
        ("members", "0012_birthdays_from_indexes"),
        ("orgs", "0007_org_span_indexes"),
        ("servicerequests", "0005_figures_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="servicerequest",
            index=models.Index(
                condition=models.Q(("due_on__isnull", False)),
                fields=["responsible_org", "due_on", "id"],
                name="request_wait",
            ),
        ),
        migrations.RemoveIndex(
            model_name="servicerequest",
            name="request_due",
        ),
    ]
