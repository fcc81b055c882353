"""Every person's name read again, the family name as a surname (core.pinyin.name_readings):
曾晓燕 becomes zengxiaoyan / zxy, with cengxiaoyan / cxy as the other reading.

In batches of people by id, each batch in its own transaction (``atomic = False``): memory and
the length of each transaction stay bounded at 2.3 million people, and running it again after
an interruption goes over the rows again, changing only those still to change
(``members.bulk.refresh_name_readings``). Backwards it puts back the ordinary reading alone.
"""

from django.db import migrations


def surname_readings(apps, schema_editor):
    from smartunion.members.bulk import refresh_name_readings

    refresh_name_readings(
        apps.get_model("members", "Person"), using=schema_editor.connection.alias
    )


def ordinary_readings(apps, schema_editor):
    from smartunion.core.pinyin import text_pinyin
    from smartunion.members.bulk import refresh_name_readings

    refresh_name_readings(
        apps.get_model("members", "Person"),
        using=schema_editor.connection.alias,
        readings=lambda name: (*text_pinyin(name), "", ""),
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("members", "0007_person_other_reading"),
    ]

    operations = [migrations.RunPython(surname_readings, ordinary_readings)]
