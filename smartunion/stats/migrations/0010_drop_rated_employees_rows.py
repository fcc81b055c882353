"""入会率's 职工人数 is the part of the figure 职工人数 (an unrated union's 职工人数 is 0, so the
two sums were always equal): the rows of its own dimension ``ur`` go; ``ue`` stays."""

from django.db import migrations


def drop(apps, schema_editor):
    apps.get_model("stats", "Summary").objects.filter(dim="ur").delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0009_h15f_kept_file_stocks")]

    # Back: the code before this migration fills ``ur`` again with ``manage.py rebuild_stats``.
    operations = [migrations.RunPython(drop, migrations.RunPython.noop, elidable=True)]
