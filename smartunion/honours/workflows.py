"""The case type of a nomination (推荐对象) in a selection, declared for casework (SERVICES.md
§6.6–§6.7):

推荐（本工会名单，比例和名额在提交时检查）→ 部门联审 → 专家评审 → 网络投票（评选设置时）→
待公示 → 公示（5个工作日）→ 待命名 → 已命名（荣誉库在册）；任一审查环节可“未通过”。
"""

from __future__ import annotations

from django import forms

from smartunion.casework.workflow import (
    HOLDER,
    Actor,
    CaseType,
    Publicity,
    State,
    Transition,
    publicity_transitions,
)
from smartunion.honours.codes import DEPARTMENTS


def _organiser(user, case) -> bool:
    scope = user.scope_path
    return bool(scope) and case.selection.org.path.startswith(scope)


#: Staff of the union running the selection (or above it).
ORGANISER = Actor("organiser", "评选组织工会", _organiser)


class VetForm(forms.Form):
    departments = forms.MultipleChoiceField(
        label="已出具意见的部门",
        choices=[(d, d) for d in DEPARTMENTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ReviewForm(forms.Form):
    score = forms.DecimalField(
        label="专家评审得分",
        min_value=0,
        max_value=100,
        decimal_places=2,
        error_messages={
            "required": "请填写专家评审得分。",
            "min_value": "专家评审得分应为0至100分。",
            "max_value": "专家评审得分应为0至100分。",
        },
    )


class NameForm(forms.Form):
    document_no = forms.CharField(
        label="命名文号", max_length=64, error_messages={"required": "请填写命名文号。"}
    )


def _describe(nomination) -> dict:
    from smartunion.casework.notices import mask_name

    return {
        "name_masked": mask_name(nomination.name),
        "org_name": nomination.org.name,
        "category": nomination.selection.get_kind_display(),
        "detail": nomination.employer,
        "amount": None,
    }


def _on_vet(case, actor, data, note):
    from smartunion.honours import selections

    return selections.on_vet(case, actor, data, note)


def _on_review(case, actor, data, note):
    from smartunion.honours import selections

    return selections.on_review(case, actor, data, note)


def _on_close_vote(case, actor, data, note):
    from smartunion.honours import selections

    return selections.on_close_vote(case, actor, data, note)


def _on_name(case, actor, data, note):
    from smartunion.honours import selections

    return selections.on_name(case, actor, data, note)


NOMINATION = CaseType(
    key="honours.nomination",
    list_url_name="honours:nominations",
    label="评选推荐对象",
    prefix="PX",
    initial="draft",
    states=[
        State("draft", "推荐中（未提交）"),
        State("vetting", "待部门联审", wait=10, responsible="parent"),
        State("review", "待专家评审", wait=10, responsible="parent"),
        State("voting", "网络投票中", responsible="parent"),
        State("ready", "待公示", wait=5, responsible="parent"),
        State("publicity", "公示中", responsible="parent"),
        State("approval", "待命名", wait=10, responsible="parent"),
        State("named", "已命名", final=True),
        State("rejected", "未通过", final=True),
    ],
    transitions=[
        Transition("submit", "上报推荐名单", ("draft",), "vetting", by=HOLDER, internal=True),
        Transition(
            "vet",
            "部门联审通过",
            ("vetting",),
            "review",
            by=ORGANISER,
            form=VetForm,
            handler=_on_vet,
            confirm="通知所列部门均已出具无异议意见。",
        ),
        Transition(
            "review",
            "专家评审通过",
            ("review",),
            "ready",
            by=ORGANISER,
            form=ReviewForm,
            handler=_on_review,
            also_targets=("voting",),
        ),
        Transition(
            "close_vote", "结束投票", ("voting",), "ready", by=ORGANISER, handler=_on_close_vote
        ),
        Transition(
            "reject",
            "未通过",
            ("vetting", "review", "voting", "ready", "approval"),
            "rejected",
            by=ORGANISER,
            note_required=True,
            note_label="未通过理由",
            style="danger",
        ),
        *publicity_transitions(
            ready="ready", during="publicity", after="approval", back="review", by=ORGANISER
        ),
        Transition(
            "name",
            "命名",
            ("approval",),
            "named",
            by=ORGANISER,
            form=NameForm,
            handler=_on_name,
            confirm="命名后该人员的荣誉记入荣誉库（在册）。",
        ),
    ],
    publicity=Publicity(ready_state="ready", describe=_describe),
)
