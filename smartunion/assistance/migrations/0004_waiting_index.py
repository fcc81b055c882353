"""The index of the waiting cases (casework.models.waiting_index): partial on a deadline being
set, with the case's id, so that the 待办 counts and the "待我办理" lists read a subtree's waiting
cases from the index alone. It replaces the index of (responsible union, deadline) over every
case; the new one is built first, so that reads of deadlines stay indexed throughout."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0003_file_span_indexes"),
        ("members", "0012_birthdays_from_indexes"),
        ("orgs", "0007_org_span_indexes"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hardshipfile",
            index=models.Index(
                condition=models.Q(("due_on__isnull", False)),
                fields=["responsible_org", "due_on", "id"],
                name="assistance_hardshipfile_wait",
            ),
        ),
        migrations.AddIndex(
            model_name="studentaid",
            index=models.Index(
                condition=models.Q(("due_on__isnull", False)),
                fields=["responsible_org", "due_on", "id"],
                name="assistance_studentaid_wait",
            ),
        ),
        migrations.RemoveIndex(
            model_name="hardshipfile",
            name="assistance_hardshipfile_due",
        ),
        migrations.RemoveIndex(
            model_name="studentaid",
            name="assistance_studentaid_due",
        ),
    ]
