"""The unions' dates by which the statistics find those that begin or end counting in the
rest of a month (the kept stocks of decision 0033: a figure at a day inside a month)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orgs", "0006_organization_path_scope_index")]

    operations = [
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["founded_on"], name="org_founded_on_idx"),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["dissolved_on"], name="org_dissolved_on_idx"),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["created_at"], name="org_created_at_idx"),
        ),
    ]
