"""The national five categories and the centre services, as the province's code list starts."""

from django.db import migrations

DEFAULT = [
    ("01", "问题咨询", False, False),
    ("02", "服务帮扶", False, False),
    ("03", "信访投诉", False, False),
    ("04", "法律援助", False, True),
    ("05", "意见建议", False, False),
    ("06", "职业介绍", False, False),
    ("07", "技能培训", False, False),
    ("08", "心理疏导", True, False),
]


def forwards(apps, schema_editor):
    Category = apps.get_model("servicerequests", "RequestCategory")
    Category.objects.bulk_create(
        [
            Category(code=code, name=name, confidential=secret, legal_aid=legal)
            for code, name, secret, legal in DEFAULT
            if not Category.objects.filter(code=code).exists()
        ]
    )


def backwards(apps, schema_editor):
    Category = apps.get_model("servicerequests", "RequestCategory")
    Category.objects.filter(code__in=[c for c, *_ in DEFAULT]).delete()


class Migration(migrations.Migration):
    dependencies = [("servicerequests", "0001_service_requests")]
    operations = [migrations.RunPython(forwards, backwards)]
