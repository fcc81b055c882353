"""The statistics' birthdays at an age band's edge read from indexes alone (members/summaries.py
``_birthdays``): the persons born in a few days with their ids, and their memberships with what
says whether they count (status, dates, union). The new indexes first, the ones they replace
after, so that lookups by person stay indexed throughout."""

import django.db.models.deletion
from django.db import migrations, models


def _person_key_indexes(schema_editor, model) -> list[str]:
    """The plain (not unique, not partial-unique) indexes on ``person_id`` alone: the foreign
    key's own, whatever its generated name."""
    return schema_editor._constraint_names(
        model, ["person_id"], index=True, unique=False, primary_key=False
    )


def drop_person_key_index(apps, schema_editor):
    model = apps.get_model("members", "Membership")
    for name in _person_key_indexes(schema_editor, model):
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_person_key_index(apps, schema_editor):
    model = apps.get_model("members", "Membership")
    if not _person_key_indexes(schema_editor, model):
        field = model._meta.get_field("person")
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


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
        # Not a plain AlterField: turning ``db_index`` off makes Django drop every
        # non-Meta.indexes B-tree on the column, which on PostgreSQL includes the partial
        # unique indexes of ``membership_one_current_per_person`` and
        # ``membership_one_application_per_person``. Only the foreign key's own index goes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
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
            ],
            database_operations=[
                migrations.RunPython(drop_person_key_index, create_person_key_index),
            ],
        ),
        migrations.RemoveIndex(model_name="person", name="person_birth_idx"),
    ]
