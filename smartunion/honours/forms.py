"""Forms of the honours pages (the services check every rule again)."""

from __future__ import annotations

import datetime as dt

from django import forms

from smartunion.core.forms import DATE, UnionIdField, blank_choices
from smartunion.honours.codes import (
    DEPARTMENTS,
    Category,
    Kind,
    Level,
    OutcomeKind,
    StudioTier,
)
from smartunion.honours.models import StudioRecord


class PersonIdField(forms.IntegerField):
    """A person of the registry chosen with the picker (``honours/_picker.html``): the form
    holds only the id; the service fetches the person within the actor's scope (404 else)."""

    widget = forms.HiddenInput


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="撤销原因", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    document = forms.CharField(label="撤销文件（文号）", max_length=128, required=False)


class HonourForm(forms.Form):
    """登记荣誉: held by a person (picked from the registry) or a unit of the tree."""

    HOLDERS = [("person", "个人"), ("unit", "单位或班组（奖状、工人先锋号）")]

    holder = forms.ChoiceField(label="获得者类型", choices=HOLDERS, widget=forms.RadioSelect)
    person = PersonIdField(label="获得者", required=False)
    unit = UnionIdField(label="获得单位", required=False, widget=forms.HiddenInput)
    team_name = forms.CharField(label="班组名称（工人先锋号）", max_length=128, required=False)
    kind = forms.ChoiceField(label="荣誉类型", choices=blank_choices(Kind.choices), required=False)
    level = forms.ChoiceField(
        label="级别（不选按荣誉类型默认）", choices=blank_choices(Level.choices), required=False
    )
    year = forms.IntegerField(label="年度", error_messages={"required": "请填写年度。"})
    granting_body = forms.CharField(
        label="授予机关（不填按级别默认）", max_length=128, required=False
    )
    document_no = forms.CharField(label="文号", max_length=64, required=False)
    deeds = forms.CharField(
        label="主要事迹", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].initial = "person"
        self.fields["year"].initial = dt.date.today().year


class StudioForm(forms.Form):
    name = forms.CharField(label="工作室名称", max_length=100, required=False)
    tier = forms.ChoiceField(
        label="级别", choices=blank_choices(StudioTier.choices), required=False
    )
    named_year = forms.IntegerField(
        label="命名年度", error_messages={"required": "请填写命名年度。"}
    )
    document_no = forms.CharField(label="命名文号", max_length=64, required=False)
    leader = PersonIdField(label="领衔人", error_messages={"required": "请选择领衔人。"})
    field = forms.CharField(label="研究方向", max_length=200, required=False)


class StudioMemberForm(forms.Form):
    person = PersonIdField(label="成员", error_messages={"required": "请选择成员。"})
    role = forms.CharField(label="分工", max_length=64, required=False)
    joined_on = forms.DateField(label="加入日期", widget=DATE, required=False)


class StudioRecordForm(forms.Form):
    """经费到账 and the other rows of a studio's record."""

    type = forms.ChoiceField(
        label="记录类型", choices=blank_choices(StudioRecord.Type.choices), required=False
    )
    happened_on = forms.DateField(
        label="日期", widget=DATE, error_messages={"required": "请填写日期。"}
    )
    title = forms.CharField(label="名称/说明", max_length=200, required=False)
    outcome_kind = forms.ChoiceField(
        label="成果类型", choices=blank_choices(OutcomeKind.choices), required=False
    )
    patent_no = forms.CharField(label="专利号/登记号", max_length=32, required=False)
    amount = forms.CharField(label="金额（元）", max_length=20, required=False)
    trained = forms.IntegerField(label="培训人数", min_value=0, required=False)
    promoted = forms.IntegerField(label="技能晋级人数", min_value=0, required=False)
    passed = forms.NullBooleanField(
        label="复核结论",
        required=False,
        widget=forms.Select(choices=[("unknown", "—"), ("true", "通过"), ("false", "不通过")]),
    )


class SelectionForm(forms.Form):
    """评选通知: quotas and ratio rules are the inputs ``quota_<union id>`` and
    ``ratio_<category>`` the view adds (one per union below the organiser, one per category)."""

    title = forms.CharField(label="评选名称", max_length=128, required=False)
    kind = forms.ChoiceField(label="授予荣誉", choices=blank_choices(Kind.choices), required=False)
    year = forms.IntegerField(label="年度", error_messages={"required": "请填写年度。"})
    document_no = forms.CharField(label="通知文号", max_length=64, required=False)
    nominations_due = forms.DateField(
        label="推荐截止日期", widget=DATE, error_messages={"required": "请填写推荐截止日期。"}
    )
    departments = forms.MultipleChoiceField(
        label="联审部门",
        choices=[(d, d) for d in DEPARTMENTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    vote_starts_on = forms.DateField(
        label="投票开始日期（无投票不填）", widget=DATE, required=False
    )
    vote_ends_on = forms.DateField(label="投票截止日期", widget=DATE, required=False)
    quotas = forms.CharField(required=False, widget=forms.HiddenInput)
    ratios = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, unions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = dt.date.today().year
        self.unions = list(unions)
        for union in self.unions:
            # A union no longer active keeps the quota it holds, marked as such.
            label = union.name
            if union.status != "normal":
                label = f"{union.name}（已{union.get_status_display()}）"
            self.fields[f"quota_{union.pk}"] = forms.IntegerField(
                label=label, min_value=1, max_value=1000, required=False
            )
        for code, label in Category.choices:
            self.fields[f"ratio_{code}"] = forms.IntegerField(
                label=f"{label}不低于（%）", min_value=1, max_value=100, required=False
            )

    def quota_fields(self):
        return [self[f"quota_{u.pk}"] for u in self.unions]

    def ratio_fields(self):
        return [self[f"ratio_{c}"] for c in Category.values]

    def quota_list(self) -> list[tuple[int, int]]:
        d = self.cleaned_data
        return [(u.pk, d[f"quota_{u.pk}"]) for u in self.unions if d.get(f"quota_{u.pk}")]

    def ratio_list(self) -> list[tuple[str, int]]:
        d = self.cleaned_data
        return [(c, d[f"ratio_{c}"]) for c in Category.values if d.get(f"ratio_{c}")]


class NominateForm(forms.Form):
    org = forms.ChoiceField(label="推荐工会", error_messages={"required": "请选择推荐工会。"})
    person = PersonIdField(label="推荐对象", error_messages={"required": "请选择推荐对象。"})
    categories = forms.MultipleChoiceField(
        label="类别（女性、农民工按人员信息自动计入）",
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    employer = forms.CharField(label="工作单位及职务", max_length=128, required=False)
    deeds = forms.CharField(
        label="主要事迹", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, unions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = blank_choices((u.pk, u.name) for u in unions)
