"""Forms of the service-request pages (the service checks every rule again)."""

from __future__ import annotations

from django import forms

from smartunion.core.forms import blank_choices
from smartunion.servicerequests.codes import Channel, Urgency
from smartunion.servicerequests.models import RequestCategory


class RequestForm(forms.Form):
    org = forms.IntegerField(
        label="受理工会", widget=forms.HiddenInput, error_messages={"required": "请选择受理工会。"}
    )
    channel = forms.ChoiceField(label="受理渠道", choices=blank_choices(Channel.choices))
    category = forms.ChoiceField(label="诉求分类")
    urgency = forms.ChoiceField(label="问题难度", choices=Urgency.choices, initial=Urgency.NORMAL)
    caller_name = forms.CharField(label="来电/来访人", max_length=64)
    caller_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    employer = forms.CharField(label="工作单位", max_length=128, required=False)
    summary = forms.CharField(label="诉求内容", widget=forms.Textarea(attrs={"rows": 4}))
    counsellor_id = forms.IntegerField(label="心理咨询师账号编号（心理疏导必填）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = blank_choices(
            (c.code, f"{c.parent.name} · {c.name}" if c.parent_id else c.name)
            for c in RequestCategory.objects.filter(active=True).select_related("parent")
        )


class CentreForm(forms.Form):
    """Name (or replace) the head of a union's 职工服务中心."""

    org = forms.TypedChoiceField(
        label="服务中心所在工会",
        coerce=int,
        error_messages={
            "required": "请选择服务中心所在的工会。",
            "invalid_choice": "请选择您管理范围内的县级（含）以上工会。",
        },
    )
    head_username = forms.CharField(
        label="中心负责人（工作人员登录名）",
        max_length=150,
        error_messages={"required": "请填写中心负责人的登录名。"},
    )

    def __init__(self, *args, unions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = blank_choices((o.pk, o.path_display) for o in unions)
