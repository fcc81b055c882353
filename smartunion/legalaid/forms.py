"""Forms of the legal-aid pages (the service checks every rule again)."""

from __future__ import annotations

from django import forms

from smartunion.core.forms import DATE, MoneyField, blank_choices
from smartunion.legalaid.codes import (
    AidForm,
    ApplicantKind,
    Exemption,
    HandlerKind,
    Matter,
    Subtype,
)

_blank = blank_choices


class Money(MoneyField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)


class CaseForm(forms.Form):
    org = forms.IntegerField(
        label="受理工会", widget=forms.HiddenInput, error_messages={"required": "请选择受理工会。"}
    )
    consultation = forms.TypedChoiceField(
        label="来访事项",
        choices=[("0", "申请法律援助"), ("1", "法律咨询（可当场答复结束）")],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    urgent = forms.BooleanField(
        label="紧急（临近起诉、开庭期限或仲裁时效），优先审查", required=False
    )
    applicant_kind = forms.ChoiceField(label="申请人类型", choices=_blank(ApplicantKind.choices))
    applicant_name = forms.CharField(label="申请人姓名/工会名称", max_length=128)
    employer = forms.CharField(label="对方当事人（用人单位）", max_length=128, required=False)
    employer_uscc = forms.CharField(label="对方统一社会信用代码", max_length=18, required=False)
    matter = forms.ChoiceField(label="援助事由", choices=_blank(Matter.choices))
    subtype = forms.ChoiceField(label="争议类别", choices=_blank(Subtype.choices), required=False)
    aid_form = forms.ChoiceField(label="援助形式", choices=_blank(AidForm.choices))
    facts = forms.CharField(
        label="案情摘要", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    workers_involved = forms.IntegerField(label="涉及职工人数", min_value=1, initial=1)
    amount_in_dispute = Money(label="争议金额（元）")
    income_per_head = Money(label="家庭月人均收入（元）")
    exemption = forms.ChoiceField(
        label="免予经济困难审查", choices=Exemption.choices, required=False
    )
    knew_on = forms.DateField(
        label="知道权利被侵害之日（计算仲裁时效）", required=False, widget=DATE
    )


class HandlerForm(forms.Form):
    org = forms.IntegerField(
        label="所属工会", widget=forms.HiddenInput, error_messages={"required": "请选择所属工会。"}
    )
    kind = forms.ChoiceField(label="类型", choices=_blank(HandlerKind.choices))
    name = forms.CharField(label="姓名/名称", max_length=64)
    firm = forms.CharField(label="执业机构", max_length=128, required=False)
    license_no = forms.CharField(label="执业证号", max_length=32, required=False)
