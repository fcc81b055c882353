"""The exclusion checklist (不予建档情形, SERVICES.md §1.2) as the province starts with it:
the local rules that agree (郑州铁路职院, 青岛); the province edits, adds or switches items off."""

from django.db import migrations

ITEMS = [
    ("two_homes", "家庭拥有两套及以上住房", True),
    ("business", "家庭成员拥有商铺、经营企业或雇用他人从事经营活动", True),
    ("costly_school", "子女就读高收费私立学校（费用超过同级公办学校2倍）或自费出国留学", True),
    ("vehicle", "家庭成员不是职业驾驶员而经常使用机动车辆", True),
    ("idle", "家庭成员中有劳动能力的适龄人员无正当理由不就业", False),
]


def forwards(apps, schema_editor):
    Item = apps.get_model("assistance", "ExclusionItem")
    for order, (code, text, active) in enumerate(ITEMS, 1):
        Item.objects.get_or_create(code=code, defaults={"text": text, "active": active, "order": order})


def backwards(apps, schema_editor):
    apps.get_model("assistance", "ExclusionItem").objects.filter(code__in=[c for c, _, _ in ITEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
