"""Forms of the organization pages: they collect input; orgs/services.py decides and writes."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from smartunion.core.bounds import EMPLOYEES
from smartunion.core.codes import Industry, UnitCategory
from smartunion.orgs.models import Kind, Organization, Status
from smartunion.orgs.services import EDITABLE_FIELDS, clean_uscc
from smartunion.regions.models import Level, Region

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK = [("", "请选择")]


def region_choices(province: str | None = None) -> list:
    """The deployment province, its prefectures and their county-level divisions, grouped.

    [("", "请选择"), ("甘肃省", [("620000", "甘肃省（全省）")]),
     ("兰州市", [("620100", "兰州市（市本级）"), ("620102", "城关区"), …]), …]
    """
    province = province or settings.SMARTUNION_PROVINCE
    regions = list(Region.objects.in_province(province).order_by("code"))
    groups: list = list(BLANK)
    by_code = {r.code: r for r in regions}
    top = by_code.get(province.ljust(6, "0"))
    if top is not None:
        groups.append((top.name, [(top.code, f"{top.name}（全省）")]))
    for prefecture in (r for r in regions if r.level == Level.PREFECTURE):
        options = [(prefecture.code, f"{prefecture.name}（市本级）")]
        options += [
            (r.code, r.name)
            for r in regions
            if r.level == Level.COUNTY and r.parent_id == prefecture.code
        ]
        groups.append((prefecture.name, options))
    return groups


class RegionField(forms.ChoiceField):
    """行政区划: a county-level division (or the province/prefecture) of this deployment."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "行政区划")
        kwargs.setdefault("help_text", "工会所在的县区（GB/T 2260 代码）。")
        super().__init__(choices=region_choices, **kwargs)

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        try:
            return Region.objects.get(code=code)
        except Region.DoesNotExist:
            raise ValidationError("行政区划不正确。") from None


class OrgForm(forms.Form):
    """采集表 fields of a union (DOMAIN.md §2). 会员人数 is derived and never typed."""

    name = forms.CharField(
        label="工会名称", max_length=128, error_messages={"required": "请填写工会名称。"}
    )
    kind = forms.ChoiceField(
        label="组织类型",
        choices=BLANK + [c for c in Kind.choices if c[0] != Kind.PROVINCE],
        error_messages={"required": "请选择组织类型。"},
    )
    region = RegionField(error_messages={"required": "请选择行政区划。"})
    uscc = forms.CharField(
        label="工会统一社会信用代码",
        max_length=18,
        required=False,
        help_text="工会具备法人资格时填写，18位，以81开头。",
    )
    employer_name = forms.CharField(label="单位名称", max_length=128, required=False)
    employer_uscc = forms.CharField(
        label="单位统一社会信用代码",
        max_length=18,
        required=False,
        help_text="18位，企业一般以91开头。",
    )
    address = forms.CharField(label="单位地址", max_length=200, required=False)
    industry = forms.ChoiceField(
        label="国民经济行业分类",
        choices=BLANK + [(v, f"{v} {label}") for v, label in Industry.choices],
        required=False,
    )
    unit_category = forms.ChoiceField(
        label="单位类别",
        choices=BLANK + [(v, f"{v} {label}") for v, label in UnitCategory.choices],
        required=False,
    )
    founded_on = forms.DateField(label="建会日期", required=False, widget=DATE_WIDGET)
    chair_name = forms.CharField(label="工会主席", max_length=64, required=False)
    chair_phone = forms.CharField(
        label="主席联系电话", max_length=20, required=False, widget=forms.TextInput({"type": "tel"})
    )
    employee_count = EMPLOYEES.form_field(
        label="职工人数",
        initial=0,
        help_text="不超过1,000,000人；不知道时填0。",
        error_messages={"required": "请填写职工人数（不知道时填0）。"},
    )
    women_committee = forms.BooleanField(label="已建立女职工委员会", required=False)
    term_ends_on = forms.DateField(
        label="本届任期届满日期",
        required=False,
        widget=DATE_WIDGET,
        help_text="每届任期3至5年；届满未换届的工会将在首页提醒。",
    )

    service_fields = EDITABLE_FIELDS

    def __init__(self, *args, org: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        if org is not None and org.kind == Kind.PROVINCE:
            # The root keeps its kind; nothing else may become a 省总工会.
            self.fields["kind"].choices = [(Kind.PROVINCE.value, Kind.PROVINCE.label)]
        if org is not None:
            self.fields["chair_phone"].help_text = (
                f"当前：{org.chair_phone_masked}。留空则不修改。"
                if org.chair_phone_masked
                else "留空则不填写。"
            )
            self.fields["clear_chair_phone"] = forms.BooleanField(
                label="清除主席联系电话", required=False
            )
        for name in ("founded_on", "term_ends_on"):
            self.fields[name].error_messages["invalid"] = "请输入正确的日期，如 2024-05-01。"

    def _checked_uscc(self, name: str, *, union: bool) -> str:
        try:
            return clean_uscc(self.cleaned_data.get(name, ""), field_name=name, union=union)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict[name]) from None

    def clean_uscc(self) -> str:
        return self._checked_uscc("uscc", union=True)

    def clean_employer_uscc(self) -> str:
        return self._checked_uscc("employer_uscc", union=False)

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.service_fields}

    def chair_phone_value(self) -> str | None:
        """The phone to pass to the service: None keeps the current one (editing)."""
        phone = self.cleaned_data.get("chair_phone", "").strip()
        if self.org is None:
            return phone
        if self.cleaned_data.get("clear_chair_phone"):
            return ""
        return phone or None

    @classmethod
    def initial_for(cls, org: Organization) -> dict:
        initial = {name: getattr(org, name) for name in cls.service_fields if name != "region"}
        initial["region"] = org.region_id
        return initial


class OrgChoiceField(forms.ModelChoiceField):
    """An organization, chosen by id; the view narrows the queryset to the user's subtree."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Organization.objects.filter(status=Status.NORMAL))
        kwargs.setdefault(
            "error_messages",
            {
                "required": "请选择工会组织。",
                "invalid_choice": "所选工会不存在、已撤销或不在您的管理范围内。",
            },
        )
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)


class MoveForm(forms.Form):
    """移动: choose the new parent union."""

    parent = OrgChoiceField(label="新的上级工会")


class DissolveForm(forms.Form):
    """撤销 or 合并."""

    dissolved_on = forms.DateField(
        label="撤销/合并日期",
        widget=DATE_WIDGET,
        error_messages={"required": "请填写撤销日期。", "invalid": "请输入正确的日期。"},
    )
    merged_into = OrgChoiceField(
        label="合并至（可选）",
        required=False,
        help_text="工会因合并而撤销时，选择合并后的工会；单纯撤销则留空。",
    )
    confirm = forms.BooleanField(
        label="我已核实：该工会已无会员和下级工会，确认撤销",
        error_messages={"required": "请勾选确认。"},
    )
