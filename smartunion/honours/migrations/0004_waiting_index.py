"""The index of the waiting cases (casework.models.waiting_index): partial on a deadline being
set, with the case's id, so that the 待办 counts and the "待我办理" lists read a subtree's waiting
cases from the index alone. It replaces the index of (responsible union, deadline) over every
case; the new one is built first, so that reads of deadlines stay indexed throughout."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("honours", "0003_studios"),
        ("members", "0012_birthdays_from_indexes"),
        ("orgs", "0007_org_span_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="nomination",
            index=models.Index(
                condition=models.Q(("due_on__isnull", False)),
                fields=["responsible_org", "due_on", "id"],
                name="honours_nomination_wait",
            ),
        ),
        migrations.RemoveIndex(
            model_name="nomination",
            name="honours_nomination_due",
        ),
    ]
