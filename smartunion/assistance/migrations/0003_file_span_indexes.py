"""Indexes of the hardship files' 建档日期 and 办结日期: the files 在档 kept as a stock read the rest
of a month from the files whose span begins or ends in it (decision 0033)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assistance', '0002_exclusion_checklist'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='hardshipfile',
            index=models.Index(fields=['filed_on'], name='hardship_filed_on_idx'),
        ),
        migrations.AddIndex(
            model_name='hardshipfile',
            index=models.Index(fields=['closed_on'], name='hardship_closed_on_idx'),
        ),
    ]
