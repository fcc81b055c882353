"""Forms of hardship assistance pages. They collect; the services check (Chinese messages by
field, nothing saved when anything is wrong)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone

from smartunion.assistance.codes import (
    STUDENT_AID_LEVELS,
    AidForm,
    AidType,
    CampaignKind,
    Cause,
    Disability,
    DisabilityGrade,
    FilingLevel,
    Health,
    Housing,
    HousingArea,
    HukouKind,
    Identity,
    Marital,
    MedicalInsurance,
    ModelWorkerType,
    Relation,
    SchoolLevel,
    StudentExclusion,
    TargetGroup,
    WorkStatus,
)
from smartunion.assistance.models import ExclusionItem
from smartunion.casework.models import FundSource
from smartunion.core.forms import DATE, MoneyField, blank_choices  # noqa: F401 (DATE re-exported)
from smartunion.regions.models import Level, Region

_blank = blank_choices


def county_choices() -> list[tuple[str, str]]:
    """The counties of the province (and the cities without counties), by city."""
    province = settings.SMARTUNION_PROVINCE
    regions = Region.objects.filter(
        code__startswith=province, level__in=[Level.PREFECTURE, Level.COUNTY]
    ).order_by("code")
    names = {r.code: r.name for r in regions}
    out = []
    for r in regions:
        if r.level == Level.COUNTY:
            out.append((r.code, f"{names.get(r.code[:4] + '00', '')} {r.name}".strip()))
        elif not any(c.startswith(r.code[:4]) and c != r.code for c in names):
            out.append((r.code, r.name))
    return out


class FileForm(forms.Form):
    org = forms.IntegerField(label="建档工会", widget=forms.HiddenInput, required=False)
    region = forms.ChoiceField(label="户口所在地（县区）")
    work_status = forms.ChoiceField(label="工作状态/身份", choices=_blank(WorkStatus.choices))
    model_worker_type = forms.ChoiceField(
        label="劳模类型", choices=ModelWorkerType.choices, initial=ModelWorkerType.NONE
    )
    marital_status = forms.ChoiceField(label="婚姻状况", choices=_blank(Marital.choices))
    hukou_kind = forms.ChoiceField(label="户口类型", choices=_blank(HukouKind.choices))
    housing = forms.ChoiceField(label="住房类型", choices=_blank(Housing.choices))
    housing_area = forms.ChoiceField(
        label="建筑面积", choices=_blank(HousingArea.choices), required=False
    )
    address = forms.CharField(label="家庭住址", max_length=200)
    employer = forms.CharField(label="工作单位", max_length=128, required=False)
    work_since = forms.DateField(label="参加工作时间", required=False, widget=DATE)
    single_parent = forms.BooleanField(label="单亲家庭", required=False)
    zero_employment = forms.BooleanField(label="零就业家庭", required=False)
    self_reliant = forms.BooleanField(label="有一定自救能力", required=False)
    other_annual_income = MoneyField(
        label="家庭其他非薪资年收入（元）",
        required=False,
        help_text="养老金、失业金、租金、赡养费等全年合计",
    )
    annual_rigid_expenses = MoneyField(
        label="年度刚性支出（元）",
        required=False,
        help_text="自付医疗费、子女教育、残疾康复等必要支出",
    )
    hardship_costs = MoneyField(
        label="本年致困费用（元）",
        required=False,
        help_text="意外事故、重大疾病、灾害等本年度造成的费用或损失",
    )
    main_cause = forms.ChoiceField(
        label="主要致困原因", choices=Cause.choices, widget=forms.RadioSelect
    )
    secondary_causes = forms.MultipleChoiceField(
        label="次要致困原因（最多3项）",
        choices=Cause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cause_note = forms.CharField(
        label="致困情况说明",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    bank_name = forms.CharField(label="开户银行", max_length=64, required=False)
    bank_branch = forms.CharField(label="支行名称", max_length=64, required=False)
    bank_card = forms.CharField(
        label="银行卡号（户主本人）",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    filing_level = forms.ChoiceField(
        label="建档标准", choices=FilingLevel.choices, initial=FilingLevel.COUNTY
    )
    note = forms.CharField(
        label="备注", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, editing: bool = False, bank_card_masked: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].required = not editing
        self.fields["org"].error_messages["required"] = "请选择建档工会。"
        self.fields["region"].choices = _blank(county_choices())
        self.exclusion_items = list(ExclusionItem.objects.filter(active=True))
        for item in self.exclusion_items:
            self.fields[f"exclusion_{item.code}"] = forms.TypedChoiceField(
                label=item.text,
                choices=[("0", "否"), ("1", "是")],
                coerce=lambda v: v == "1",
                widget=forms.RadioSelect,
                error_messages={"required": "请逐项回答不予建档情形核查。"},
            )
        if editing and bank_card_masked:
            self.fields["bank_card"].help_text = f"已登记 {bank_card_masked}；不修改请留空"

    def exclusion_fields(self):
        return [self[f"exclusion_{i.code}"] for i in self.exclusion_items]

    def main_fields(self):
        skip = {"org", "main_cause", "secondary_causes", "cause_note"}
        return [
            f
            for f in self.visible_fields()
            if f.name not in skip and not f.name.startswith("exclusion_")
        ]

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {
            k: data.get(k)
            for k in (
                "work_status",
                "model_worker_type",
                "marital_status",
                "hukou_kind",
                "housing",
                "housing_area",
                "address",
                "employer",
                "work_since",
                "single_parent",
                "zero_employment",
                "self_reliant",
                "main_cause",
                "secondary_causes",
                "cause_note",
                "bank_name",
                "bank_branch",
                "filing_level",
                "note",
            )
        }
        for k in ("other_annual_income", "annual_rigid_expenses", "hardship_costs"):
            values[k] = data.get(k) or "0"
        values["exclusions"] = {
            i.code: data.get(f"exclusion_{i.code}", False) for i in self.exclusion_items
        }
        return values


class MemberForm(forms.Form):
    """One person of the household (the head has relation 本人 and no relation field)."""

    name = forms.CharField(label="姓名", max_length=64)
    id_number = forms.CharField(
        label="身份证号码",
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    relation = forms.ChoiceField(
        label="与户主关系", choices=_blank([c for c in Relation.choices if c[0] != Relation.SELF])
    )
    monthly_income = MoneyField(label="月收入（元）", required=False)
    health = forms.ChoiceField(label="健康状况", choices=Health.choices, initial=Health.GOOD)
    disease = forms.CharField(label="疾病名称", max_length=64, required=False)
    disability = forms.ChoiceField(
        label="残疾类别", choices=[("", "无")] + list(Disability.choices), required=False
    )
    disability_grade = forms.ChoiceField(
        label="残疾等级", choices=[("", "—")] + list(DisabilityGrade.choices), required=False
    )
    medical_insurance = forms.ChoiceField(
        label="医保状况", choices=MedicalInsurance.choices, initial=MedicalInsurance.RESIDENT
    )
    identity = forms.ChoiceField(label="人员身份", choices=Identity.choices, initial=Identity.OTHER)
    school_level = forms.ChoiceField(
        label="当前学历", choices=[("", "—")] + list(SchoolLevel.choices), required=False
    )
    school_or_employer = forms.CharField(label="单位或学校", max_length=128, required=False)

    def __init__(self, *args, head: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_head = head
        if head:
            del self.fields["relation"]
            self.fields["phone"] = forms.CharField(
                label="手机号码",
                max_length=20,
                required=False,
                help_text="户主尚未登记为会员时用于登记",
            )

    MORE = (
        "disease",
        "disability",
        "disability_grade",
        "medical_insurance",
        "school_or_employer",
        "phone",
    )

    def main_fields(self):
        return [f for f in self.visible_fields() if f.name not in self.MORE]

    def more_fields(self):
        return [f for f in self.visible_fields() if f.name in self.MORE]

    def more_has_errors(self) -> bool:
        return any(self[name].errors for name in self.MORE if name in self.fields)

    def is_blank(self) -> bool:
        if self.is_head:
            return False
        data = (
            {k: v for k, v in self.cleaned_data.items() if v not in ("", None, False)}
            if hasattr(self, "cleaned_data")
            else {}
        )
        return not data.get("name") and not data.get("id_number")


class FamilyForm(MemberForm):
    """A row of the family table: every field optional until a name or number is typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def clean(self):
        data = super().clean()
        if data.get("name") or data.get("id_number"):
            for key, label in (
                ("name", "姓名"),
                ("id_number", "身份证号码"),
                ("relation", "与户主关系"),
            ):
                if not data.get(key):
                    self.add_error(
                        key, f"请填写{label}。" if key != "relation" else "请选择与户主关系。"
                    )
        return data


FamilyFormSet = forms.formset_factory(FamilyForm, extra=0, max_num=29, absolute_max=29)


class PaymentForm(forms.Form):
    aid_type = forms.ChoiceField(label="帮扶类型", choices=_blank(AidType.choices))
    amount = MoneyField(label="金额（元）")
    fund_source = forms.ChoiceField(label="资金来源", choices=_blank(FundSource.choices))
    paid_on = forms.DateField(label="发放日期", widget=DATE)
    note = forms.CharField(label="备注", max_length=200, required=False)


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label="活动类型", choices=_blank(CampaignKind.choices))
    title = forms.CharField(label="活动名称", max_length=128)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE)
    budget = MoneyField(label="预算（元）", required=False)
    target_groups = forms.MultipleChoiceField(
        label="慰问/服务对象",
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label="活动总结", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in FundSource.choices:
            self.fields[f"fund_{code}"] = MoneyField(
                label=f"资金来源：{label}（元）", required=False
            )

    def fund_fields(self):
        return [self[f"fund_{code}"] for code, _ in FundSource.choices]

    def funds(self) -> dict:
        return {code: self.cleaned_data.get(f"fund_{code}") for code, _ in FundSource.choices}

    def values(self) -> dict:
        return {
            k: self.cleaned_data.get(k)
            for k in (
                "kind",
                "title",
                "year",
                "starts_on",
                "ends_on",
                "budget",
                "target_groups",
                "summary",
            )
        }


class LineForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    id_number = forms.CharField(
        label="身份证号码", max_length=18, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    group = forms.ChoiceField(label="对象类别", choices=_blank(TargetGroup.choices))
    form = forms.ChoiceField(label="形式", choices=AidForm.choices, initial=AidForm.CASH)
    amount = MoneyField(label="金额（元）", required=False)
    goods = forms.CharField(label="物品", max_length=128, required=False)
    goods_value = MoneyField(label="物品价值（元）", required=False)
    unit = forms.CharField(label="工作单位", max_length=128, required=False)
    bank_name = forms.CharField(label="开户银行", max_length=64, required=False)
    bank_card = forms.CharField(
        label="银行卡号",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RosterForm(forms.Form):
    source = forms.ChoiceField(label="名单来源")
    form = forms.ChoiceField(label="形式", choices=AidForm.choices, initial=AidForm.CASH)
    amount = MoneyField(label="每人金额（元）", required=False)
    goods = forms.CharField(label="物品", max_length=128, required=False)

    def __init__(self, *args, sources: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = list(sources.items())


class PayLinesForm(forms.Form):
    fund_source = forms.ChoiceField(label="资金来源", choices=_blank(FundSource.choices))
    paid_on = forms.DateField(label="发放日期", widget=DATE)


class StudentAidForm(forms.Form):
    campaign = forms.ChoiceField(label="金秋助学活动")
    household_file = forms.IntegerField(label="困难职工档案", widget=forms.HiddenInput)
    student = forms.ChoiceField(label="学生（档案家庭成员）")
    school = forms.CharField(label="学校", max_length=128)
    level = forms.ChoiceField(
        label="就读层次",
        choices=_blank([(level.value, level.label) for level in STUDENT_AID_LEVELS]),
    )
    admission_year = forms.IntegerField(label="入学年份", min_value=2000, max_value=2100)
    amount = MoneyField(
        label="资助金额（元）", required=False, help_text="留空按标准（就读层次 × 困难类别）"
    )
    other_aid = forms.BooleanField(label="已通过其他方式和途径获得助学款项", required=False)
    other_aid_note = forms.CharField(label="其他资助说明", max_length=200, required=False)

    def __init__(self, *args, campaigns, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = _blank(
            (str(c.pk), f"{c.year}年 {c.title}（{c.org.name}）") for c in campaigns
        )
        self.fields["student"].choices = _blank(students)
        self.fields["admission_year"].initial = timezone.localdate().year
        for code, label in StudentExclusion.choices:
            self.fields[f"exclusion_{code}"] = forms.BooleanField(label=label, required=False)

    def exclusion_fields(self):
        return [self[f"exclusion_{code}"] for code, _ in StudentExclusion.choices]

    def exclusions(self) -> dict:
        return {
            code: self.cleaned_data.get(f"exclusion_{code}", False)
            for code, _ in StudentExclusion.choices
        }
