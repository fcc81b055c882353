"""The case types of hardship assistance, declared for casework (SERVICES.md §1.6, §2.4).

困难职工档案: 申请 → 基层初审 → 入户调查（签署经济状况核对授权书）→ 上级工会复核（可退回补正）→
帮扶中心核实 → 公示 → 审批建档 → 在档（年度复核、类别随复核调整）→ 脱困 / 解困 / 注销；
退出后可返困重新申请。

金秋助学申请: 申请 → 单位工会审核 → 公示 → 县级（含）以上工会审批 → 纳入发放名单。
"""

from __future__ import annotations

from django import forms
from django.utils import timezone

from smartunion.assistance import services, student_aid
from smartunion.assistance.codes import CancelReason
from smartunion.assistance.forms import DATE
from smartunion.casework.workflow import (
    ABOVE,
    COUNTY,
    HOLDER,
    CaseType,
    Publicity,
    State,
    Transition,
    publicity_transitions,
)


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError("日期不能晚于今天。")


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="入户调查日期", validators=[_not_future], widget=DATE)
    authorization_signed = forms.BooleanField(
        label="已签署《家庭经济状况核对授权书》",
        error_messages={"required": "入户调查须收回户主签署的《家庭经济状况核对授权书》。"},
    )


class RecheckForm(forms.Form):
    rechecked_on = forms.DateField(label="复核日期", validators=[_not_future], widget=DATE)


class ExitForm(forms.Form):
    above_since = forms.DateField(
        label="家庭月人均收入自何时起高于低保标准", validators=[_not_future], widget=DATE
    )


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label="注销原因", choices=CancelReason.choices)


def _describe_file(file) -> dict:
    from smartunion.casework.notices import mask_name

    return {
        "name_masked": mask_name(file.head.name),
        "org_name": file.org.name,
        "category": file.get_category_display(),
        "detail": f"家庭人口{file.household_size}人",
        "amount": None,
    }


HARDSHIP = CaseType(
    key="assistance.hardshipfile",
    list_url_name="assistance:files",
    label="困难职工档案",
    prefix="KN",
    initial="draft",
    states=[
        State("draft", "草稿（未提交）"),
        State("submitted", "待基层初审", wait=5),
        State("returned", "退回补正", wait=10),
        State("visiting", "待入户调查", wait=10),
        State("review", "待上级工会复核", wait=5, responsible="parent"),
        State("verify", "待帮扶中心核实", wait=10, responsible="county"),
        State("ready", "待公示", wait=5, responsible="county"),
        State("publicity", "公示中", responsible="county"),
        State("approval", "待审批建档", wait=3, responsible="county"),
        State("in_file", "在档"),
        State("refused", "不予建档", final=True),
        State("exited", "已脱困", final=True),
        State("resolved", "已解困", final=True),
        State("cancelled", "已注销", final=True),
    ],
    transitions=[
        Transition(
            "submit",
            "提交申请",
            ("draft", "returned"),
            "submitted",
            handler=services.on_submit,
            confirm="提交后由基层工会初审。请确认家庭成员、收入和致困原因已如实填写，不予建档情形已逐项核查。",
        ),
        Transition(
            "check",
            "初审通过",
            ("submitted",),
            "visiting",
            confirm="材料齐全、填写规范，转入入户调查。",
        ),
        Transition(
            "return_check",
            "退回补正",
            ("submitted",),
            "returned",
            note_required=True,
            note_label="退回理由（需要补正的内容）",
            style="secondary",
        ),
        Transition(
            "visit",
            "入户调查完成",
            ("visiting",),
            "review",
            form=VisitForm,
            handler=services.on_visit,
            note_required=True,
            note_label="入户调查情况",
            confirm="入户核实家庭人口、收入和住房情况，收回签字的授权书后，报上级工会复核。",
        ),
        Transition(
            "review",
            "复核通过",
            ("review",),
            "verify",
            by=ABOVE,
            confirm="上级工会复核原始材料无误，报帮扶中心核实。",
        ),
        Transition(
            "return_review",
            "退回补正",
            ("review",),
            "returned",
            by=ABOVE,
            note_required=True,
            note_label="退回理由（需要补正的内容）",
            style="secondary",
        ),
        Transition(
            "verify",
            "核实通过",
            ("verify",),
            "ready",
            by=COUNTY,
            handler=services.on_verify,
            confirm="帮扶中心核实（含民政低保信息核对）符合建档条件，进入公示。",
        ),
        Transition(
            "refuse",
            "不予建档",
            ("review", "verify", "approval"),
            "refused",
            by=COUNTY,
            handler=services.on_refuse,
            note_required=True,
            note_label="不予建档理由",
            style="danger",
        ),
        *publicity_transitions(ready="ready", during="publicity", after="approval", back="verify"),
        Transition(
            "approve",
            "审批建档",
            ("approval",),
            "in_file",
            by=COUNTY,
            handler=services.on_approve,
            confirm="公示无异议，审批建档。建档后即可依档帮扶。",
        ),
        Transition(
            "recheck",
            "年度复核",
            ("in_file",),
            "in_file",
            form=RecheckForm,
            handler=services.on_recheck,
            note_required=True,
            note_label="复核情况",
            confirm="按档案中现有的家庭成员和收入重新测算困难类别（请先修改档案中已变化的信息）。",
        ),
        Transition(
            "exit",
            "脱困",
            ("in_file",),
            "exited",
            by=COUNTY,
            form=ExitForm,
            handler=services.on_exit,
            note_required=True,
            note_label="脱困情况说明",
            style="secondary",
        ),
        Transition(
            "resolve",
            "解困（纳入兜底保障）",
            ("in_file",),
            "resolved",
            by=COUNTY,
            handler=services.on_resolve,
            note_required=True,
            note_label="解困措施",
            style="secondary",
        ),
        Transition(
            "cancel",
            "注销",
            ("in_file",),
            "cancelled",
            by=COUNTY,
            form=CancelForm,
            handler=services.on_cancel,
            note_required=True,
            note_label="注销说明",
            style="danger",
        ),
        Transition(
            "reenter",
            "返困（重新申请）",
            ("exited", "resolved", "cancelled"),
            "submitted",
            handler=services.on_reenter,
            note_required=True,
            note_label="返困情况",
            confirm="家庭再次陷入困难：按原档案重新走建档流程（请先更新家庭成员和收入）。",
        ),
    ],
    publicity=Publicity(
        ready_state="ready",
        describe=_describe_file,
    ),
)


STUDENT_AID = CaseType(
    key="assistance.studentaid",
    list_url_name="assistance:student_aids",
    label="金秋助学申请",
    prefix="JQ",
    initial="applied",
    states=[
        State("applied", "待单位工会审核", wait=5),
        State("ready", "待公示", wait=5, responsible="county"),
        State("publicity", "公示中", responsible="county"),
        State("approval", "待审批", wait=3, responsible="county"),
        State("approved", "已批准（待发放）", final=True),
        State("rejected", "未通过", final=True),
        State("withdrawn", "已撤回", final=True),
    ],
    transitions=[
        Transition(
            "check",
            "审核通过",
            ("applied",),
            "ready",
            handler=student_aid.on_check,
            confirm="录取通知书、缴费标准等材料齐全，不属于不予资助情形，进入公示。",
        ),
        Transition(
            "reject",
            "不予资助",
            ("applied", "ready", "approval"),
            "rejected",
            handler=student_aid.on_reject,
            note_required=True,
            note_label="不予资助理由",
            style="danger",
        ),
        Transition(
            "withdraw_application",
            "撤回申请",
            ("applied", "ready"),
            "withdrawn",
            handler=student_aid.on_reject,
            note_required=True,
            note_label="撤回原因",
            style="secondary",
        ),
        *publicity_transitions(ready="ready", during="publicity", after="approval", back="applied"),
        Transition(
            "approve",
            "批准资助",
            ("approval",),
            "approved",
            by=COUNTY,
            handler=student_aid.on_approve,
            confirm="批准后该学生列入本次金秋助学的发放名单。",
        ),
    ],
    publicity=Publicity(
        ready_state="ready",
        describe=student_aid.describe,
    ),
)

__all__ = ["HARDSHIP", "STUDENT_AID", "HOLDER"]
