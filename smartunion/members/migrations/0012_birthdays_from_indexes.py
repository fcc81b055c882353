"""The statistics' birthdays at an age band's edge read from indexes alone (members/summaries.py
``_birthdays``): the persons born in a few days with their ids, and their memberships with what
says whether they count (status, dates, union). The new indexes first, the ones they replace
after, so that lookups by person stay indexed throughout."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0011_pending_work_indexes"),
        ("orgs", "0007_org_span_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                fields=["person", "status", "joined_on", "ended_on", "org", "id"],
                name="membership_person_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["birth_date", "id"], name="person_birth_id_idx"),
        ),
        migrations.AlterField(
            model_name="membership",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="members.person",
                verbose_name="会员",
            ),
        ),
        migrations.RemoveIndex(model_name="person", name="person_birth_idx"),
    ]
