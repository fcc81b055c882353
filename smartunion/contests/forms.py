"""Forms of the contest pages (the services check every rule again)."""

from __future__ import annotations

import datetime as dt

from django import forms

from smartunion.contests.codes import (
    Award,
    ContestKind,
    Outcome,
    Part,
    SkillLevel,
    Tier,
    TieRule,
)
from smartunion.core.forms import DATE, MoneyField, blank_choices


class ContestForm(forms.Form):
    """申报竞赛: one trade on the form (more through the API)."""

    name = forms.CharField(label="竞赛名称", max_length=128)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    tier = forms.ChoiceField(label="层级", choices=blank_choices(Tier.choices))
    kind = forms.ChoiceField(label="类别", choices=blank_choices(ContestKind.choices))
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE)
    budget = MoneyField(label="预算（元）")
    theory_weight = forms.CharField(label="理论知识权重（%）", max_length=6, initial="30")
    practice_weight = forms.CharField(label="实际操作权重（%）", max_length=6, initial="70")
    defence_weight = forms.CharField(label="技术答辩权重（%）", max_length=6, initial="0")
    tie_rule = forms.ChoiceField(label="同分规则", choices=TieRule.choices)
    requires_member = forms.BooleanField(label="须为在籍会员", required=False, initial=True)
    trade = forms.CharField(label="工种", max_length=64)
    occupation_code = forms.CharField(label="职业编码（如 6-31-01-03）", max_length=16)
    level = forms.ChoiceField(label="技能等级", choices=blank_choices(SkillLevel.choices))
    quota_per_unit = forms.IntegerField(label="每单位名额", min_value=1, max_value=100, initial=3)
    co_organisers = forms.CharField(
        label="协办单位（多个用顿号分隔）", max_length=300, required=False
    )
    rules_doc = forms.CharField(label="竞赛方案文号", max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = dt.date.today().year


class ScoreForm(forms.Form):
    entry = forms.IntegerField(label="选手", widget=forms.HiddenInput)
    judge = forms.IntegerField(label="裁判", error_messages={"required": "请选择裁判。"})
    part = forms.ChoiceField(label="项目", choices=Part.choices)
    station = forms.IntegerField(label="考核点", min_value=1, max_value=20, initial=1)
    value = forms.CharField(label="分数", max_length=8, error_messages={"required": "请填写分数。"})


class JudgeForm(forms.Form):
    name = forms.CharField(label="裁判姓名", max_length=64)
    employer = forms.CharField(label="工作单位", max_length=128, required=False)


class ConflictForm(forms.Form):
    judge = forms.IntegerField(label="裁判", error_messages={"required": "请选择裁判。"})
    reason = forms.CharField(label="利害关系说明", max_length=200)


class AwardRuleForm(forms.Form):
    """One award rule (a row of the rules' formset; a row left empty is dropped)."""

    label = forms.CharField(label="规则说明", max_length=64, required=False)
    max_rank = forms.IntegerField(label="名次不低于（第几名以内）", min_value=1, required=False)
    min_award = forms.ChoiceField(
        label="或奖项不低于", choices=blank_choices(Award.choices), required=False
    )
    outcome = forms.ChoiceField(
        label="奖励结果", choices=blank_choices(Outcome.choices), required=False
    )
    honour_kind = forms.ChoiceField(label="推荐的荣誉", required=False)

    def __init__(self, *args, **kwargs):
        from smartunion.honours.codes import UNIT_KINDS, Kind

        super().__init__(*args, **kwargs)
        self.fields["honour_kind"].choices = blank_choices(
            (k.value, k.label) for k in Kind if k not in UNIT_KINDS
        )

    def is_blank(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        return not any(d.get(k) for k in ("label", "max_rank", "min_award", "outcome"))


AwardRuleFormSet = forms.formset_factory(AwardRuleForm, extra=2, max_num=10, absolute_max=10)


class TeamForm(forms.Form):
    name = forms.CharField(label="队名", max_length=64, required=False)
    org = forms.ChoiceField(label="参赛单位", error_messages={"required": "请选择参赛单位。"})
    entries = forms.CharField(
        label="队员的参赛编号（用空格或顿号分隔）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    counted = forms.IntegerField(label="计分人数（成绩最好的几名队员）", initial=3)

    def __init__(self, *args, unions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = blank_choices((u.pk, u.name) for u in unions)
