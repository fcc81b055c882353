"""The figures of a union with its sub-unions (含下级), kept like ``member_count``
(orgs/counters.py): members of the subtree, workers of its 正常 unions, and the members of
those of them whose 职工人数 is filled in (the numerator of 入会率（含下级）).

The new counters are filled from the records here: one grouped count of the current
memberships, then each union's share added along its path in memory (49,000 unions × their
depth), written in batches.
"""

from django.db import migrations, models
from django.db.models import Count, Q

CURRENT = ("active", "retained")


def fill(apps, schema_editor):
    from smartunion.orgs.counters import along_paths, contribution

    organization = apps.get_model("orgs", "Organization")
    membership = apps.get_model("members", "Membership")
    using = schema_editor.connection.alias
    members = dict(
        membership.objects.using(using)
        .filter(status__in=CURRENT)
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
        .order_by()
    )
    rows = organization.objects.using(using).values_list("pk", "path", "employee_count", "status")
    totals = along_paths(
        (path, contribution(members.get(pk, 0), employees, status))
        for pk, path, employees, status in rows
    )
    changed = [
        organization(
            pk=pk,
            subtree_member_count=row[1],
            subtree_employee_count=row[2],
            subtree_rated_member_count=row[3],
        )
        for pk, row in totals.items()
    ]
    organization.objects.using(using).bulk_update(
        changed,
        ["subtree_member_count", "subtree_employee_count", "subtree_rated_member_count"],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_organization_fillfactor"),
        ("members", "0004_person_pinyin_index_fewer_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organization",
            name="member_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="本级会员人数"
            ),
        ),
        migrations.AddField(
            model_name="organization",
            name="subtree_member_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="含下级会员人数"
            ),
        ),
        migrations.AddField(
            model_name="organization",
            name="subtree_employee_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="含下级职工人数"
            ),
        ),
        migrations.AddField(
            model_name="organization",
            name="subtree_rated_member_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="含下级已填职工人数工会的会员人数"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
