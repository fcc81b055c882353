"""Two 正常 unions under one parent never share a name (issue 11 §1; docs/decisions/0016-no-same-named-siblings.md).

Fills ``name_key`` (orgs/names.py) and, where existing siblings already share a name, keeps
the oldest one's name and numbers the others (``名称（2）``, ``名称（3）``…), listing each
renamed union on the console, before the constraint is added.
"""

from collections import defaultdict

from django.db import migrations, models

from smartunion.orgs.names import normalize_name, numbered_name

BATCH = 2000


def fill_name_keys(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    rows = list(
        Organization.objects.order_by("pk").values_list("pk", "parent_id", "name", "status")
    )
    taken: dict = defaultdict(set)  # parent id → the keys of all its children, any status
    for _pk, parent_id, name, _status in rows:
        taken[parent_id].add(normalize_name(name))
    normal: dict = defaultdict(set)  # parent id → the keys of its 正常 children so far
    objs = []
    for pk, parent_id, name, status in rows:
        new_name = name
        if status == "normal":
            if normalize_name(name) in normal[parent_id]:
                new_name = numbered_name(name, taken[parent_id])
                taken[parent_id].add(normalize_name(new_name))
                print(f"\n  同一上级下重名，已改名：#{pk} {name} → {new_name}", end="")
            normal[parent_id].add(normalize_name(new_name))
        objs.append(Organization(pk=pk, name=new_name, name_key=normalize_name(new_name)))
    Organization.objects.bulk_update(objs, ["name", "name_key"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0004_org_employee_count_range"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="name_key",
            field=models.CharField(
                default="", editable=False, max_length=128, verbose_name="名称（比对用）"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "normal")),
                fields=("parent", "name_key"),
                name="org_sibling_name_unique",
                violation_error_message="同一上级工会下已有同名的工会。",
            ),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["name_key"], name="org_name_key_idx"),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(("name_key", ""), _negated=True),
                name="org_name_key_set",
                violation_error_message="工会名称不能为空。",
            ),
        ),
    ]
