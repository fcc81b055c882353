"""The case type of legal aid, declared for casework (SERVICES.md §3.6).

咨询（可独立结束）| 申请 → 审查（7个工作日，可配置；补正期间中止计时）→ 准予援助 / 不予援助（书面
理由；申请人可提出异议，复查须答复异议）→ 指派承办人（委派函）→ 办理（协商、调解、仲裁、一审、
二审、执行，各有日期）→ 结案（结果、挽回经济损失）→ 回访（承办人以外的人，满意度1–5）→ 归档。
Side states: 终止援助 (with its reason) and 转办 (to the government's legal-aid centre or
another union).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms

from smartunion.casework.models import MAX_AMOUNT
from smartunion.casework.workflow import COUNTY, CaseType, State, Transition
from smartunion.core.forms import DATE, MoneyField, blank_choices
from smartunion.legalaid import services
from smartunion.legalaid.codes import (
    AidForm,
    Exemption,
    Result,
    Stage,
    TerminationReason,
    TransferTo,
)


class ApplyForm(forms.Form):
    aid_form = forms.ChoiceField(
        label="援助形式", choices=blank_choices(AidForm.choices), required=False
    )
    amount_in_dispute = MoneyField(label="争议金额（元）", required=False)
    income_per_head = MoneyField(label="家庭月人均收入（元）", required=False)
    exemption = forms.ChoiceField(
        label="免予经济困难审查", choices=Exemption.choices, required=False
    )


class AssignForm(forms.Form):
    handler = forms.IntegerField(
        label="承办人", error_messages={"required": "请选择承办人。", "invalid": "请选择承办人。"}
    )

    def bind_case(self, case, user) -> None:
        choices = [("", "请选择")] + [
            (h.pk, f"{h.name}（{h.get_kind_display()}，{h.org.name}）")
            for h in services.handlers_for(case).select_related("org")[:200]
        ]
        self.fields["handler"].widget = forms.Select(choices=choices)


class StageForm(forms.Form):
    stage = forms.ChoiceField(label="阶段", choices=Stage.choices)
    happened_on = forms.DateField(
        label="日期", widget=DATE, error_messages={"required": "请填写阶段日期。"}
    )
    hearing_on = forms.DateField(label="下次开庭/仲裁日期", required=False, widget=DATE)
    summary = forms.CharField(label="进展情况", max_length=500, required=False)


class CloseForm(forms.Form):
    result = forms.ChoiceField(
        label="结案结果",
        choices=[("", "请选择"), *Result.choices],
        error_messages={"required": "请选择结案结果。"},
    )
    recovered = forms.DecimalField(
        label="挽回经济损失（元）",
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "请填写挽回经济损失（没有则填0）。",
            "min_value": "挽回经济损失不能为负数。",
            "max_value": "挽回经济损失不能超过10亿元。",
            "invalid": "挽回经济损失应为金额，例如 1500.00。",
        },
    )


class CallbackForm(forms.Form):
    score = forms.IntegerField(
        label="满意度（1–5分）",
        min_value=1,
        max_value=5,
        error_messages={
            "required": "请填写满意度。",
            "min_value": "满意度应为1至5分。",
            "max_value": "满意度应为1至5分。",
        },
    )
    comment = forms.CharField(label="回访意见", max_length=500, required=False)


class ArchiveForm(forms.Form):
    archive_no = forms.CharField(label="档案号（留空自动生成）", max_length=32, required=False)


class TerminateForm(forms.Form):
    reason = forms.ChoiceField(label="终止原因", choices=TerminationReason.choices)


class TransferForm(forms.Form):
    to = forms.ChoiceField(label="转办去向", choices=TransferTo.choices)
    to_name = forms.CharField(
        label="接收单位", max_length=128, error_messages={"required": "请填写接收单位。"}
    )


LEGAL_AID = CaseType(
    key="legalaid.legalaidcase",
    list_url_name="legalaid:cases",
    label="法律援助案件",
    prefix="FY",
    initial="review",
    states=[
        State("consult", "咨询"),
        State("consulted", "咨询已答复", final=True),
        State("review", "待审查", wait=7, responsible="county"),
        State("correction", "材料补正中（中止计时）", pauses_clock=True, responsible="county"),
        State("granted", "准予援助，待指派", wait=7, responsible="county"),
        State("refused", "不予援助"),
        State("objected", "异议复查中", wait=5, responsible="county"),
        State("refusal_final", "不予援助（已结束）", final=True),
        State("assigned", "办理中"),
        State("closed", "已结案，待回访", wait=10, responsible="county"),
        State("visited", "已回访，待归档", wait=5, responsible="county"),
        State("archived", "已归档", final=True),
        State("terminated", "终止援助", final=True),
        State("transferred", "已转办", final=True),
    ],
    transitions=[
        Transition(
            "answer",
            "咨询答复",
            ("consult",),
            "consulted",
            note_required=True,
            note_label="答复内容",
            confirm="咨询已当场或书面答复，不需要进一步援助。",
        ),
        Transition(
            "apply",
            "转为援助申请",
            ("consult",),
            "review",
            form=ApplyForm,
            handler=services.on_apply,
            confirm="申请人提出书面申请（《职工法律援助申请表》），进入审查，7个工作日内作出决定。",
        ),
        Transition(
            "request_documents",
            "通知补正材料",
            ("review",),
            "correction",
            by=COUNTY,
            note_required=True,
            note_label="需要补正的材料",
            style="secondary",
            confirm="补正期间审查期限中止计算，材料补齐后继续计算剩余工作日。",
        ),
        Transition(
            "documents_supplied",
            "材料已补齐",
            ("correction",),
            "review",
            applicant=True,
            confirm="恢复审查，期限按中止前剩余的工作日继续计算。",
        ),
        Transition(
            "grant",
            "准予援助",
            ("review",),
            "granted",
            by=COUNTY,
            handler=services.on_grant,
            note_label="审查意见",
            confirm="经审查符合条件，作出准予法律援助的书面决定，7个工作日内指派承办人。",
        ),
        Transition(
            "refuse",
            "不予援助",
            ("review",),
            "refused",
            by=COUNTY,
            handler=services.on_refuse,
            note_required=True,
            note_label="不予援助理由（写入决定书）",
            style="danger",
        ),
        Transition(
            "object",
            "申请人提出异议",
            ("refused",),
            "objected",
            handler=services.on_object,
            note_required=True,
            note_label="异议内容",
            style="secondary",
        ),
        Transition(
            "end_refusal",
            "不予援助结束",
            ("refused",),
            "refusal_final",
            by=COUNTY,
            note_label="说明",
            style="secondary",
            confirm="申请人未在期限内提出异议，不予援助决定生效。",
        ),
        Transition(
            "uphold_objection",
            "异议成立，准予援助",
            ("objected",),
            "granted",
            by=COUNTY,
            handler=services.on_answer_objection,
            note_required=True,
            note_label="对异议的答复",
        ),
        Transition(
            "dismiss_objection",
            "异议不成立，维持不予援助",
            ("objected",),
            "refusal_final",
            by=COUNTY,
            handler=services.on_answer_objection,
            note_required=True,
            note_label="对异议的答复",
            style="danger",
        ),
        Transition(
            "assign",
            "指派承办人",
            ("granted",),
            "assigned",
            by=COUNTY,
            form=AssignForm,
            handler=services.on_assign,
            confirm="指派作出决定的工会范围内在册的承办人，并出具《工会法律援助案件委派函》。",
        ),
        Transition(
            "record_stage",
            "登记办理阶段",
            ("assigned",),
            "assigned",
            form=StageForm,
            handler=services.on_stage,
            note_label="备注",
        ),
        Transition(
            "close",
            "结案",
            ("assigned",),
            "closed",
            form=CloseForm,
            handler=services.on_close,
            note_required=True,
            note_label="结案报告",
            confirm="承办人提交结案报告，附判决书、裁决书或调解书。",
        ),
        Transition(
            "callback",
            "回访",
            ("closed",),
            "visited",
            by=COUNTY,
            form=CallbackForm,
            handler=services.on_callback,
            note_label="回访记录",
            confirm="由承办人以外的工作人员回访申请人。",
        ),
        Transition(
            "archive",
            "归档",
            ("visited",),
            "archived",
            by=COUNTY,
            form=ArchiveForm,
            handler=services.on_archive,
        ),
        Transition(
            "terminate",
            "终止援助",
            ("review", "correction", "granted", "assigned"),
            "terminated",
            by=COUNTY,
            form=TerminateForm,
            handler=services.on_terminate,
            note_required=True,
            note_label="终止情况说明",
            style="danger",
        ),
        Transition(
            "transfer",
            "转办",
            ("consult", "review", "correction", "granted"),
            "transferred",
            by=COUNTY,
            form=TransferForm,
            handler=services.on_transfer,
            note_label="转办说明",
            style="secondary",
        ),
    ],
)
