"""The files 在档 due for their yearly re-check read from one partial index (the home page's
待办 card and the "一年未复核" list): (union, last re-check) of the files 在档, joined with a
subtree's unions by id without reading the files. It replaces the index of every file's last
re-check, which only that count read; the new one is built first."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0004_waiting_index"),
        ("orgs", "0007_org_span_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hardshipfile",
            index=models.Index(
                condition=models.Q(("state", "in_file")),
                fields=["org", "last_recheck_on"],
                name="hardship_recheck_org_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="hardshipfile",
            name="hardship_recheck_idx",
        ),
    ]
