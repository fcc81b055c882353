"""A second reading of a person's name, for search: its ordinary reading, where the family name
read as a surname (曾 zeng, 单 shan) gives another (core.pinyin.name_readings).

Two columns, "" for everyone whose name reads one way, and two partial indexes over the people
who have a second reading: the indexes every search reads (``person_initials_idx``,
``person_pinyin_idx``) keep their size and their order, and an import writes an entry into the
new ones only for those few people (docs/decisions/0009-surname-readings.md). As in migration
0003, the initials column is indexed with ``COLLATE "C"`` on PostgreSQL, so ``LIKE 'zx%'`` can
use it. Migration 0006 fills the columns.
"""

from django.db import migrations, models

INITIALS_ALT = models.Index(
    condition=~models.Q(name_initials_alt=""),
    fields=["name_initials_alt", "name_pinyin_alt", "id"],
    name="person_initials_alt_idx",
)
PINYIN_ALT = models.Index(
    condition=~models.Q(name_pinyin_alt=""),
    fields=["name_pinyin_alt", "id"],
    name="person_pinyin_alt_idx",
)

POSTGRESQL_FORWARD = [
    "CREATE INDEX person_initials_alt_idx ON members_person "
    "(name_initials_alt COLLATE \"C\", name_pinyin_alt, id) WHERE NOT (name_initials_alt = '')",
    "CREATE INDEX person_pinyin_alt_idx ON members_person (name_pinyin_alt, id) "
    "WHERE NOT (name_pinyin_alt = '')",
]
POSTGRESQL_BACKWARD = ["DROP INDEX person_initials_alt_idx", "DROP INDEX person_pinyin_alt_idx"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_FORWARD:
            schema_editor.execute(statement)
        return
    person = apps.get_model("members", "Person")
    schema_editor.add_index(person, INITIALS_ALT)
    schema_editor.add_index(person, PINYIN_ALT)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_BACKWARD:
            schema_editor.execute(statement)
        return
    person = apps.get_model("members", "Person")
    schema_editor.remove_index(person, PINYIN_ALT)
    schema_editor.remove_index(person, INITIALS_ALT)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_clerk_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="name_initials_alt",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=32,
                verbose_name="姓名首字母（另一读法）",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="name_pinyin_alt",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=128,
                verbose_name="姓名全拼（另一读法）",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="person", index=INITIALS_ALT),
                migrations.AddIndex(model_name="person", index=PINYIN_ALT),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]
