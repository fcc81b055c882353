"""Three person indexes fewer: every member written maintained ten, and three served nothing.

``db_index=True`` on ``name_pinyin`` and ``name_initials`` gave each two indexes on PostgreSQL
(one in the database's collation, one ``varchar_pattern_ops`` for LIKE). Since migration 0003
``person_initials_idx (name_initials COLLATE "C", name_pinyin, id)`` serves every initials
prefix and its order, and the full-pinyin search is a range (members/querysets.py), so what is
left to index is the pinyin in the database's collation, with the id that completes the list's
order: ``person_pinyin_idx (name_pinyin, id)``. The person table goes from ten indexes to
seven; an import writes each member's row into three fewer B-trees.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0003_person_name_indexes_code_point'),
        ('orgs', '0002_organization_fillfactor'),
    ]

    operations = [
        migrations.AlterField(
            model_name='person',
            name='name_initials',
            field=models.CharField(editable=False, max_length=32, verbose_name='姓名首字母'),
        ),
        migrations.AlterField(
            model_name='person',
            name='name_pinyin',
            field=models.CharField(editable=False, max_length=128, verbose_name='姓名全拼'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['name_pinyin', 'id'], name='person_pinyin_idx'),
        ),
    ]
