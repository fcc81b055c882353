"""The person's counted attributes copied on each membership (decision 0039).

A county's comparison of its grassroots unions by 年龄段, 性别, 学历 … read each counted
membership from the index by union and then its person's attributes from
``person_counted_idx`` (members 0015): 186,000 probes of the people for the largest county,
more than half of the read. The membership now carries the person's 性别, 出生日期, 学历, 户籍类型,
农民工 and 新就业形态类型 (``models.COUNTED_FIELDS``, kept by members/counted.py), filled here
from the people in one statement, and on PostgreSQL ``membership_org_status_idx`` carries them
beside the dates: the read is that index alone. ``person_counted_idx`` served only that read
and goes (one B-tree less for an import to write); the payload's ``person_id`` likewise.

The fill rewrites every membership row once (2.3 million on the province's data set; the old
row versions are reclaimed by the next vacuum). SQLite has no ``INCLUDE``: its index is
unchanged, as in members 0014 and 0015.
"""

from django.db import migrations, models

COUNTED = ("gender", "birth_date", "education", "hukou_type", "is_migrant_worker", "new_form_type")
MEMBERSHIP_INDEX = '"membership_org_status_idx"'
MEMBERSHIPS = '"members_membership"'
WITH_COUNTED = (
    f'CREATE INDEX {MEMBERSHIP_INDEX} ON {MEMBERSHIPS} ("org_id", "status", "id") '
    'INCLUDE ("joined_on", "ended_on", "birth_date", "gender", "education", "hukou_type", '
    '"is_migrant_worker", "new_form_type")'
)
WITH_PEOPLE = (
    f'CREATE INDEX {MEMBERSHIP_INDEX} ON {MEMBERSHIPS} ("org_id", "status", "id") '
    'INCLUDE ("joined_on", "ended_on", "person_id")'
)
PERSON_INDEX = '"person_counted_idx"'
PEOPLE_COUNTED = (
    f'CREATE INDEX {PERSON_INDEX} ON "members_person" ("id") INCLUDE ("birth_date", "gender", '
    '"education", "hukou_type", "is_migrant_worker", "new_form_type")'
)


def fill(apps, schema_editor):
    # UPDATE … FROM: PostgreSQL, and SQLite from 3.33.
    assignments = ", ".join(f'"{name}" = p."{name}"' for name in COUNTED)
    schema_editor.execute(
        f'UPDATE {MEMBERSHIPS} AS m SET {assignments} FROM "members_person" AS p '
        "WHERE p.id = m.person_id"
    )


def indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {MEMBERSHIP_INDEX}")
        schema_editor.execute(WITH_COUNTED)
        schema_editor.execute(f"DROP INDEX IF EXISTS {PERSON_INDEX}")


def unindexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {MEMBERSHIP_INDEX}")
        schema_editor.execute(WITH_PEOPLE)
        schema_editor.execute(PEOPLE_COUNTED)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0015_counted_attributes_in_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="birth_date",
            field=models.DateField(editable=False, null=True, verbose_name="出生日期"),
        ),
        migrations.AddField(
            model_name="membership",
            name="education",
            field=models.CharField(
                blank=True,
                choices=[
                    ("10", "研究生"),
                    ("20", "大学本科"),
                    ("30", "大学专科"),
                    ("40", "中等专业学校"),
                    ("50", "技工学校"),
                    ("60", "普通高级中学"),
                    ("70", "初级中学"),
                    ("80", "小学"),
                    ("90", "其他"),
                ],
                default="",
                editable=False,
                max_length=2,
                verbose_name="学历",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="gender",
            field=models.CharField(
                choices=[("1", "男"), ("2", "女")],
                default="",
                editable=False,
                max_length=1,
                verbose_name="性别",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="membership",
            name="hukou_type",
            field=models.CharField(
                blank=True,
                choices=[("1", "农业户口"), ("2", "非农业户口"), ("3", "居民户口")],
                default="",
                editable=False,
                max_length=1,
                verbose_name="户籍类型",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="is_migrant_worker",
            field=models.BooleanField(default=False, editable=False, verbose_name="是否农民工"),
        ),
        migrations.AddField(
            model_name="membership",
            name="new_form_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("01", "货车司机"),
                    ("02", "网约车司机"),
                    ("03", "快递员"),
                    ("04", "外卖配送员"),
                    ("05", "家政服务员"),
                    ("06", "护工护理员"),
                    ("07", "保安员"),
                    ("08", "网络主播"),
                    ("99", "其他"),
                ],
                default="",
                editable=False,
                max_length=2,
                verbose_name="新就业形态劳动者类型",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="membership",
            name="birth_date",
            field=models.DateField(editable=False, verbose_name="出生日期"),
        ),
        migrations.RunPython(indexes, unindexes, elidable=False),
    ]
