"""Forms of the member pages: what staff type for each membership action.

Forms only collect and shape input; the rules live in members/services.py, whose Chinese
ValidationErrors are put back on these forms field by field (core.forms.apply_service_errors).
Gender and birth date are never fields: they come from the ID number.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from smartunion.core.codes import (
    Education,
    EmploymentStatus,
    Ethnicity,
    HukouType,
    NewFormType,
    PoliticalStatus,
    SkillLevel,
)
from smartunion.members.models import RETAIN_REASONS, ApplicationChannel, ChangeReason
from smartunion.members.services import PersonData
from smartunion.orgs.models import Organization, attach_path_names

BLANK = [("", "—— 请选择 ——")]

TRANSFER_REASONS = (
    ChangeReason.LABOR_RELATION,
    ChangeReason.LAID_OFF,
    ChangeReason.UNEMPLOYED,
    ChangeReason.BANKRUPTCY,
)

# The code-list and free-text fields of 《工会会员基本信息采集表》 a person form edits.
CODE_FIELDS = (
    "ethnicity",
    "education",
    "political_status",
    "hukou_type",
    "employment_status",
    "skill_level",
    "new_form_type",
)
TEXT_FIELDS = ("occupation", "professional_title")
FLAG_FIELDS = ("is_migrant_worker", "is_model_worker")


class NoEchoInput(forms.TextInput):
    """A text box that never writes the typed value back into the page.

    ID numbers never appear in plaintext in pages (ARCHITECTURE.md invariant 3), not even in a
    form shown again with an error. (The phone the user just typed is given back, like every
    other field: retyping all of a refused form is what made people give up on it.)
    """

    def format_value(self, value):
        return None


NOT_ECHOED = "为保护个人信息，页面不回显已填写的身份证号码，请重新填写。"


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonFieldsMixin(forms.Form):
    """The person's own fields of DOMAIN.md §3 (except the ID number and the derived ones)."""

    name = forms.CharField(
        label="姓名",
        max_length=64,
        error_messages={"required": "请填写姓名。", "max_length": "姓名不能超过64个字。"},
    )
    phone = forms.CharField(
        label="手机号码",
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    ethnicity = forms.ChoiceField(label="民族", required=False, choices=BLANK + Ethnicity.choices)
    education = forms.ChoiceField(label="学历", required=False, choices=BLANK + Education.choices)
    political_status = forms.ChoiceField(
        label="政治面貌", required=False, choices=BLANK + PoliticalStatus.choices
    )
    hukou_type = forms.ChoiceField(
        label="户籍类型", required=False, choices=BLANK + HukouType.choices
    )
    is_migrant_worker = forms.BooleanField(label="农民工", required=False)
    employment_status = forms.ChoiceField(
        label="就业状况", choices=EmploymentStatus.choices, initial=EmploymentStatus.EMPLOYED
    )
    skill_level = forms.ChoiceField(
        label="技术等级", required=False, choices=BLANK + SkillLevel.choices
    )
    occupation = forms.CharField(label="工种", required=False, max_length=64)
    professional_title = forms.CharField(label="职称", required=False, max_length=64)
    new_form_type = forms.ChoiceField(
        label="新就业形态劳动者类型", required=False, choices=BLANK + NewFormType.choices
    )
    is_model_worker = forms.BooleanField(label="劳动模范", required=False)

    def person_extra(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {key: data[key] for key in CODE_FIELDS + TEXT_FIELDS + FLAG_FIELDS}


class IdNumberForm(forms.Form):
    """A full ID number typed in, never written back into the page."""

    # No max_length of 18 here: the service says how many characters were typed, and why
    # (15-digit old numbers, full-width digits) better than a generic length message.
    id_number = forms.CharField(
        label="身份证号码",
        max_length=40,
        error_messages={"required": "请填写身份证号码。"},
        widget=NoEchoInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="18位居民身份证号码；性别和出生日期由号码自动得出。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data.get("id_number"):
            self.fields["id_number"].help_text = NOT_ECHOED


class NewPersonForm(PersonFieldsMixin, IdNumberForm):
    """A person not yet in the registry: name, ID number, phone and the code lists."""

    field_order = ["name", "id_number", "phone"]

    def person_data(self) -> PersonData:
        return PersonData(
            name=self.cleaned_data["name"],
            id_number=self.cleaned_data["id_number"],
            phone=self.cleaned_data["phone"],
            extra=self.person_extra(),
        )


class ApplyForm(NewPersonForm):
    """入会申请 of a new person."""

    channel = forms.ChoiceField(
        label="申请方式",
        choices=[c for c in ApplicationChannel.choices if c[0] != ApplicationChannel.PAPER_RECORD],
        initial=ApplicationChannel.WRITTEN,
    )
    applied_on = forms.DateField(label="申请日期", required=False, widget=_date_widget())


class RejoinForm(forms.Form):
    """重新入会: an application of a person already in the registry (no person fields)."""

    channel = ApplyForm.base_fields["channel"]
    applied_on = forms.DateField(label="申请日期", required=False, widget=_date_widget())


class RegisterForm(NewPersonForm):
    """补录: a member already approved on paper."""

    joined_on = forms.DateField(
        label="入会日期", widget=_date_widget(), error_messages={"required": "请填写入会日期。"}
    )
    card_no = forms.CharField(
        label="会员证号",
        required=False,
        max_length=20,
        help_text="纸质会员证上的编号；留空则由系统发放。",
    )


class PersonEditForm(PersonFieldsMixin):
    """修改会员信息. The phone is never pre-filled: pages do not show it in plaintext."""

    clear_phone = forms.BooleanField(label="删除手机号码", required=False)

    def __init__(self, *args, person, **kwargs):
        initial = {key: getattr(person, key) for key in ("name",) + CODE_FIELDS + TEXT_FIELDS}
        initial.update({key: getattr(person, key) for key in FLAG_FIELDS})
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = (
            f"当前：{person.phone_masked}。留空表示不修改。"
            if person.phone_masked
            else "当前未登记手机号码。"
        )
        if not person.phone_masked:
            del self.fields["clear_phone"]

    def changes(self) -> dict[str, Any]:
        """What the service should change: the phone only when a new one was typed."""
        data = self.cleaned_data
        out: dict[str, Any] = {"name": data["name"], **self.person_extra()}
        if data["phone"]:
            out["phone"] = data["phone"]
        elif data.get("clear_phone"):
            out["phone"] = ""
        return out


class DateForm(forms.Form):
    """One dated action (approve, restore)."""

    on = forms.DateField(
        label="日期", required=False, widget=_date_widget(), help_text="默认今天。"
    )


class ApproveForm(forms.Form):
    """批准入会: the date the union committee approved the application (default today)."""

    on = forms.DateField(
        label="批准日期",
        widget=_date_widget(),
        error_messages={"required": "请填写工会委员会批准入会的日期。"},
        help_text="工会委员会批准入会的日期，会籍自该日起计算；不能晚于今天，也不能早于申请日期。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class NoteForm(forms.Form):
    note = forms.CharField(
        label="说明", required=False, max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )


class RetainForm(DateForm):
    reason = forms.ChoiceField(
        label="保留原因",
        choices=BLANK + [(r.value, r.label) for r in RETAIN_REASONS],
        error_messages={"required": "请选择保留会籍的原因。"},
    )
    field_order = ["reason", "on"]


class LeaveForm(DateForm):
    note = NoteForm.base_fields["note"]


class ExpelForm(DateForm):
    note = forms.CharField(
        label="处分决定及说明",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写开除会籍的决定（如判决书、委员会决议）。"},
        help_text="开除会籍须经工会委员会决定。",
    )


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


def to_org_field(label: str, invalid: str) -> OrgChoiceField:
    """A transfer's 转入工会 (its choices set by the view: TargetForm.offer)."""
    return OrgChoiceField(
        label=label,
        queryset=Organization.objects.none(),
        empty_label="—— 请选择转入工会 ——",
        error_messages={"required": "请选择转入工会。", "invalid_choice": invalid},
    )


class TargetForm(forms.Form):
    """A transfer's form: ``to_org`` chosen among many unions (views.TargetSearchMixin), the
    reason and a note."""

    reason = forms.ChoiceField(
        label="转会原因",
        choices=[(r.value, r.label) for r in TRANSFER_REASONS],
        initial=ChangeReason.LABOR_RELATION,
    )
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = targets

    def offer(self, shown: list[Organization]) -> None:
        """What the list offers, while any union of ``targets`` stays a valid choice.

        A province holds ~49,000 unions: the page offers those near the member (or those
        matching a name search) instead of sending them all.
        """
        field = self.fields["to_org"]
        # Names repeat across the province: each choice says where the union sits.
        field.widget.choices = [("", field.empty_label)] + [
            (o.pk, o.path_display) for o in attach_path_names(shown)
        ]


class TransferForm(TargetForm):
    """发起转会 to any active union of the province."""

    to_org = to_org_field("转入工会", "转入工会不存在，请重新选择。")
    complete_now = forms.BooleanField(
        label="立即完成接收",
        required=False,
        help_text="转入工会也在您的管理范围内时可勾选，一步完成转出和接收；"
        "不勾选则由转入工会在“转会办理”中接收。",
    )


REQUEST_ID_HELP = "完整的18位号码。姓名与号码一致、且此人是其他工会的会员时，申请发往其所在工会。"


class TransferRequestForm(TargetForm, IdNumberForm):
    """申请转入: the person's full name and full ID number (never shown back), and the union of
    the user's scope they move to."""

    to_org = to_org_field("转入工会（本方）", "转入工会不存在或不在您的管理范围内，请重新选择。")
    name = forms.CharField(
        label="姓名",
        max_length=64,
        error_messages={"required": "请填写姓名。", "max_length": "姓名不能超过64个字。"},
        help_text="与身份证上的姓名完全一致。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.is_bound and self.data.get("id_number")):
            self.fields["id_number"].help_text = REQUEST_ID_HELP
