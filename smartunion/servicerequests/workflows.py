"""The case type of service requests, declared for casework (SERVICES.md §4.1).

待分派（受理工会，或下派到的工会）→ 下派 / 退回上级 / 本级办理 → 办理中（时限按问题难度：一般、
难点、特别复杂，可配置）→ 办结反馈（结果报回受理工会）→ 回访（承办人以外的人；不满意的重办一次）
→ 已办结；质检标记。A request that is really a legal-aid case spawns one.
"""

from __future__ import annotations

from django import forms

from smartunion.casework.workflow import COUNTY, Actor, CaseType, State, Transition
from smartunion.core.forms import MoneyField, UnionIdField, blank_choices
from smartunion.legalaid.codes import AidForm, ApplicantKind, Exemption, Subtype
from smartunion.servicerequests import services
from smartunion.servicerequests.codes import URGENCY_DAYS, Urgency


def _at_or_above_holder(user, request) -> bool:
    scope = user.scope_path
    return bool(scope) and request.org.path.startswith(scope)


#: Staff of the union holding the request now, or of a union above it (not of the union that
#: handled it once the result has gone back up).
CURRENT = Actor("current", "当前承办工会或其上级工会", _at_or_above_holder)


class SendDownForm(forms.Form):
    to_org = UnionIdField(
        label="下派给（下级工会）",
        error_messages={"required": "请选择下级工会。", "invalid": "请选择下级工会。"},
    )

    def bind_case(self, case, user) -> None:
        from smartunion.orgs.models import Organization

        children = Organization.objects.filter(parent=case.org).order_by("name")[:300]
        self.fields["to_org"].widget = forms.Select(
            choices=[("", "请选择"), *((o.pk, o.name) for o in children)]
        )


class CallbackForm(forms.Form):
    satisfied = forms.ChoiceField(
        label="回访结果",
        choices=[("", "请选择"), ("yes", "满意"), ("basic", "基本满意"), ("no", "不满意")],
        error_messages={"required": "请选择回访结果（满意或不满意）。"},
    )
    comment = forms.CharField(label="回访意见", max_length=500, required=False)


class SpawnForm(forms.Form):
    applicant_kind = forms.ChoiceField(label="申请人类型", choices=ApplicantKind.choices)
    aid_form = forms.ChoiceField(label="援助形式", choices=AidForm.choices)
    subtype = forms.ChoiceField(
        label="争议类别", choices=blank_choices(Subtype.choices), required=False
    )
    amount_in_dispute = MoneyField(label="争议金额（元）", required=False)
    income_per_head = MoneyField(label="家庭月人均收入（元）", required=False)
    exemption = forms.ChoiceField(
        label="免予经济困难审查", choices=Exemption.choices, required=False
    )


class HardshipLinkForm(forms.Form):
    """The file the request spawned (the API links one created there; the page opens the
    assistance module's 建档 form pre-filled, which links it when saved)."""

    hardship_file = forms.IntegerField(
        label="困难职工档案（id）",
        widget=forms.HiddenInput,
        error_messages={"required": "请指明困难职工档案。", "invalid": "请指明困难职工档案。"},
    )


def _hardship_form_url(request) -> str:
    from django.urls import reverse

    return f"{reverse('assistance:file_new')}?from=request-{request.pk}"


def _spawn(request, actor, data, note):
    services.on_spawn_legal_aid(request, actor, data, note)
    services.on_accept(request, actor, data, note)


REQUEST = CaseType(
    key="servicerequests.servicerequest",
    list_url_name="servicerequests:tickets",
    label="诉求工单",
    prefix="GD",
    initial="dispatch",
    deadline_steps={
        "handling": tuple(
            (f"handling_{value}", label, URGENCY_DAYS[value]) for value, label in Urgency.choices
        )
    },
    states=[
        State("dispatch", "待分派", wait=1),
        State("handling", "办理中", wait=5),
        State("reported", "待回访", wait=3),
        State("closed", "已办结", final=True),
    ],
    transitions=[
        Transition(
            "send_down",
            "下派",
            ("dispatch",),
            "dispatch",
            by=CURRENT,
            form=SendDownForm,
            handler=services.on_send_down,
            note_label="下派说明",
            confirm="按“分级负责、归口办理”下派给应当办理的下级工会。",
        ),
        Transition(
            "send_back",
            "退回上级",
            ("dispatch", "handling"),
            "dispatch",
            by=CURRENT,
            handler=services.on_send_back,
            note_required=True,
            note_label="退回理由（派错的原因）",
            style="secondary",
        ),
        Transition(
            "accept",
            "本级办理",
            ("dispatch",),
            "handling",
            by=CURRENT,
            handler=services.on_accept,
            confirm="由本工会办理，办理时限按问题难度计算。",
        ),
        Transition(
            "spawn_legal_aid",
            "转法律援助",
            ("dispatch",),
            "handling",
            by=CURRENT,
            form=SpawnForm,
            handler=_spawn,
            confirm="用工单中的来电人和诉求内容建立法律援助申请（不必重新录入），工单由本级继续跟踪。",
        ),
        Transition(
            "spawn_hardship",
            "转为困难帮扶",
            ("dispatch", "handling"),
            "handling",
            by=CURRENT,
            form=HardshipLinkForm,
            handler=services.on_spawn_hardship,
            starts_at=_hardship_form_url,
            confirm="打开困难职工建档表，来电人的姓名、身份证号码、电话、工会和诉求内容已填好；"
            "补全家庭情况后保存，档案与工单互相关联。",
        ),
        Transition(
            "report",
            "办结反馈",
            ("handling",),
            "reported",
            by=CURRENT,
            handler=services.on_report,
            note_required=True,
            note_label="办理结果",
            confirm="办理结果报回受理工会，由承办人以外的工作人员回访。",
        ),
        Transition(
            "callback",
            "回访",
            ("reported",),
            "closed",
            by=CURRENT,
            form=CallbackForm,
            handler=services.on_callback,
            also_targets=("handling",),
            applicant=True,
            note_label="回访记录",
            confirm="回访不满意的，工单退回承办工会重新办理一次。",
        ),
        Transition(
            "quality",
            "质检标记",
            ("closed",),
            "closed",
            by=COUNTY,
            handler=services.on_quality,
            note_required=True,
            note_label="质检意见",
            style="secondary",
        ),
    ],
)
