"""What the province starts with, before it edits: the exclusion checklist (不予建档情形,
SERVICES.md §1.2) from the local rules that agree (郑州铁路职院, 青岛); the last item comes from
an older local rule (low confidence) and starts switched off."""

from __future__ import annotations

EXCLUSIONS = [
    ("two_homes", "家庭拥有两套及以上住房", True),
    ("business", "家庭成员拥有商铺、经营企业或雇用他人从事经营活动", True),
    ("costly_school", "子女就读高收费私立学校（费用超过同级公办学校2倍）或自费出国留学", True),
    ("vehicle", "家庭成员不是职业驾驶员而经常使用机动车辆", True),
    ("idle", "家庭成员中有劳动能力的适龄人员无正当理由不就业", False),
]


def ensure_exclusions(model=None) -> None:
    """Add the default items that are missing (the data migration passes its own model)."""
    if model is None:
        from smartunion.assistance.models import ExclusionItem as model
    for order, (code, text, active) in enumerate(EXCLUSIONS, 1):
        model.objects.get_or_create(
            code=code, defaults={"text": text, "active": active, "order": order}
        )
