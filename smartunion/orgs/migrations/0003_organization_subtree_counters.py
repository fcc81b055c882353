"""The figures of a union with its sub-unions (含下级), kept like ``member_count``
(orgs/counters.py): members of the subtree, workers of its 正常 unions, and the members of
those of them whose 职工人数 is filled in (the numerator of 入会率（含下级）).

The new counters are filled from the records here: one grouped count of the current
memberships, then each union's share added along its path in memory (49,000 unions × their
depth), written in one statement (``counters.set_counters``, with the historical model).
"""

from django.db import migrations, models
from django.db.models import Count

CURRENT = ("active", "retained")


def fill(apps, schema_editor):
    from smartunion.orgs.counters import along_paths, contribution, set_counters

    organization = apps.get_model("orgs", "Organization")
    membership = apps.get_model("members", "Membership")
    members = dict(
        membership.objects.filter(status__in=CURRENT)
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
        .order_by()
    )
    rows = organization.objects.values_list("pk", "path", "employee_count", "status")
    set_counters(
        along_paths(
            (path, contribution(members.get(pk, 0), employees, status))
            for pk, path, employees, status in rows
        ),
        model=organization,
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
