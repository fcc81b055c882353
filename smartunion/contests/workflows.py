"""The case types of contests, declared for casework (SERVICES.md §5.3, §5.5).

竞赛: 申报 → 纳入计划（省总）| 不予纳入 → 报名中 → 初赛（市州选拔）→ 决赛 → 成绩公示 → 结果已发布.
报名: 已报名 → 单位审核 → 承办单位审核 → 组委会审核 → 参赛（初赛）→ 晋级决赛 | 未晋级 →
成绩公示 → 成绩已公布; 审核未通过 and 退赛 on the way.
"""

from __future__ import annotations

from smartunion.casework.workflow import (
    HOLDER,
    PROVINCE,
    Actor,
    CaseType,
    Publicity,
    State,
    Transition,
    publicity_transitions,
)
from smartunion.contests import services


def _contest(case):
    return getattr(case, "contest", case)


def _within(user, org) -> bool:
    scope = user.scope_path
    return bool(scope) and org is not None and org.path.startswith(scope)


#: Staff of the contest's organiser (主办) or above: the committee (组委会).
ORGANISER = Actor("organiser", "竞赛主办工会（组委会）", lambda u, c: _within(u, _contest(c).org))
#: Staff of the contest's host (承办), or of the organiser when it has none.
HOST = Actor(
    "host",
    "承办单位",
    lambda u, c: _within(u, _contest(c).host or _contest(c).org) or _within(u, _contest(c).org),
)

CONTEST = CaseType(
    key="contests.contest",
    list_url_name="contests:contests",
    label="劳动和技能竞赛",
    prefix="JS",
    initial="proposed",
    states=[
        State("proposed", "申报（待省总纳入计划）"),
        State("planned", "已纳入计划"),
        State("not_planned", "未纳入计划", final=True),
        State("entries", "报名中"),
        State("preliminary", "初赛（市州选拔）"),
        State("final", "决赛"),
        State("publicity", "成绩公示中"),
        State("published", "结果已发布", final=True),
    ],
    transitions=[
        Transition(
            "plan",
            "纳入年度计划",
            ("proposed",),
            "planned",
            by=PROVINCE,
            note_label="审核意见",
            confirm="省总工会审核后纳入全省年度竞赛计划（同一工种两年内已办省级竞赛的，页面有提醒）。",
        ),
        Transition(
            "decline",
            "不予纳入计划",
            ("proposed",),
            "not_planned",
            by=PROVINCE,
            note_required=True,
            note_label="理由",
            style="danger",
        ),
        Transition(
            "open_entries",
            "发布方案，开始报名",
            ("planned",),
            "entries",
            by=ORGANISER,
            confirm="发布竞赛方案，各单位开始报名。",
        ),
        Transition(
            "start_preliminary",
            "报名截止，开始初赛",
            ("entries",),
            "preliminary",
            by=ORGANISER,
            confirm="报名截止；各市州组织初赛（选拔赛）。未完成审核的报名不再参赛。",
        ),
        Transition(
            "start_final",
            "初赛结束，开始决赛",
            ("preliminary",),
            "final",
            by=ORGANISER,
            handler=services.on_start_final,
            confirm="未晋级决赛的选手记为“未晋级”。",
        ),
        Transition(
            "publish_results",
            "发布成绩公示",
            ("final",),
            "publicity",
            by=ORGANISER,
            handler=services.on_publish_results,
            confirm="按最新名次生成成绩公示（姓名打码），公示期按工作日计算。",
        ),
        Transition(
            "finish",
            "公示结束，发布结果",
            ("publicity",),
            "published",
            by=ORGANISER,
            handler=services.on_finish,
            confirm="公示期满、异议处理完毕后发布结果，并按奖励规则生成荣誉候选和技能晋升名单。",
        ),
    ],
)

ENTRY_PUBLICITY = Publicity(ready_state="finalist", describe=services.describe_entry)

ENTRY = CaseType(
    key="contests.entry",
    list_url_name="contests:contests",
    label="参赛报名",
    prefix="BM",
    initial="entered",
    publicity=ENTRY_PUBLICITY,
    states=[
        State("entered", "已报名，待单位审核", wait=5),
        State("unit_ok", "单位已审核，待承办单位审核"),
        State("host_ok", "承办单位已审核，待组委会审核"),
        State("accepted", "参赛（初赛）"),
        State("finalist", "晋级决赛"),
        State("eliminated", "未晋级", final=True),
        State("publicity", "成绩公示中"),
        State("published", "成绩已公布", final=True),
        State("rejected", "审核未通过", final=True),
        State("dropped", "退赛", final=True),
    ],
    transitions=[
        Transition(
            "unit_approve",
            "单位审核通过",
            ("entered",),
            "unit_ok",
            by=HOLDER,
            handler=services.on_entry_check,
            confirm="选手所在单位确认其在岗、符合参赛条件。",
        ),
        Transition(
            "host_approve",
            "承办单位审核通过",
            ("unit_ok",),
            "host_ok",
            by=HOST,
            handler=services.on_entry_check,
        ),
        Transition(
            "committee_approve",
            "组委会审核通过",
            ("host_ok",),
            "accepted",
            by=ORGANISER,
            handler=services.on_entry_check,
            confirm="选手进入所在市州的初赛。",
        ),
        Transition(
            "reject",
            "审核不通过",
            ("entered", "unit_ok", "host_ok"),
            "rejected",
            by=HOLDER,
            note_required=True,
            note_label="理由",
            style="danger",
        ),
        Transition(
            "advance",
            "晋级决赛",
            ("accepted",),
            "finalist",
            by=ORGANISER,
            handler=services.on_advance,
            confirm="以初赛成绩晋级决赛；决赛成绩重新评定。",
        ),
        Transition(
            "eliminate",
            "未晋级",
            ("accepted",),
            "eliminated",
            by=ORGANISER,
            handler=services.on_eliminate,
            style="secondary",
        ),
        Transition(
            "drop_out",
            "退赛",
            ("entered", "unit_ok", "host_ok", "accepted", "finalist"),
            "dropped",
            by=HOLDER,
            note_required=True,
            note_label="退赛原因",
            style="danger",
        ),
        *publicity_transitions(
            ready="finalist", during="publicity", after="published", back="finalist", by=ORGANISER
        ),
    ],
)
