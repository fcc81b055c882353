"""One 转入 per membership (a transfer opens a new membership with one), and an index of them
with their dates: the statistics join a membership to the 转入 that opened it
(members/indicators.py, 入会率's unrated unions) and read the join from this index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0012_birthdays_from_indexes'),
        ('orgs', '0007_org_span_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='membershipevent',
            index=models.Index(condition=models.Q(('change_type', 'transfer_in')), fields=['membership', 'occurred_on'], name='event_transfer_in_idx'),
        ),
        migrations.AddConstraint(
            model_name='membershipevent',
            constraint=models.UniqueConstraint(condition=models.Q(('change_type', 'transfer_in')), fields=('membership',), name='event_one_transfer_in_per_membership'),
        ),
    ]
