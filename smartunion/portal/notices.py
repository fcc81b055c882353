"""消息: what concerns the worker, on the portal's home (decision 0027).

Notices are not stored: they are read from the timelines of the worker's own items (casework's
``CaseEvent``, through the ``portal.mine`` sources), so every module's steps become notices
without code of its own, and nothing can drift. What the worker has seen is one time stamp on
the binding (``WorkerBinding.notices_seen_at``): newer notices are marked unread.

The important ones — documents wanted (补正), a result to rate, the final result — also go by
SMS through ``portal.sms`` after the commit of the step, from a hook every casework case type
with an applicant carries (``CaseType.on_commit``). The SMS says what happened and the case
number only: no name, no figures.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from smartunion.casework.workflow import case_models
from smartunion.core.actors import SELF_CLERK

logger = logging.getLogger(__name__)

DOCUMENTS, RATE, RESULT, STEP = "documents", "rate", "result", "step"
KIND_LABELS = {DOCUMENTS: "需补正材料", RATE: "请评价", RESULT: "办理结果", STEP: "办理进展"}
#: How many notices the home page shows.
SHOWN = 8


@dataclass(frozen=True)
class Notice:
    at: dt.datetime
    kind: str
    title: str
    text: str
    source: str
    pk: int
    unread: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def important(self) -> bool:
        return self.kind in (DOCUMENTS, RATE, RESULT)


def event_kind(case_type, event) -> str | None:
    """What an event of a case means to its applicant (None: nothing to tell them)."""
    if event.actor_name == SELF_CLERK or event.action in ("attach", "edit"):
        return None
    target = case_type.state(event.to_state)
    if target.final:
        return RESULT
    waiting = [t for t in case_type.transitions if t.applicant and event.to_state in t.source]
    if waiting and event.from_state != event.to_state:
        return RATE if any(t.form is not None for t in waiting) else DOCUMENTS
    if event.action == "open" or event.from_state != event.to_state:
        return STEP
    return None


def case_notices(model, person_id: int, seen_at) -> list[Notice]:
    from smartunion.casework.models import CaseEvent

    case_type = model.case_type
    cases = dict(model.of_applicant(person_id).values_list("pk", "number")[:50])
    if not cases:
        return []
    events = CaseEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=list(cases)
    ).order_by("-at", "-id")[:50]
    out = []
    for e in events:
        kind = event_kind(case_type, e)
        if kind is None:
            continue
        state = case_type.state(e.to_state).label
        out.append(
            Notice(
                at=e.at,
                kind=kind,
                title=f"{case_type.label} {cases[e.object_id]}",
                text=f"{e.label}：{state}" if e.action != "open" else f"已提交，{state}",
                source=case_type.key.split(".")[-1],
                pk=e.object_id,
                unread=seen_at is None or e.at > seen_at,
            )
        )
    return out


def notices_for(person_id: int, seen_at=None, limit: int = SHOWN) -> list[Notice]:
    """The person's notices, newest first."""
    from smartunion.portal import mine

    rows = []
    for source in mine.sources():
        if source.notices is not None:
            rows.extend(source.notices(person_id, seen_at))
    rows.sort(key=lambda n: n.at, reverse=True)
    return rows[:limit]


def mark_seen(person, now) -> None:
    from smartunion.portal.models import WorkerBinding

    WorkerBinding.objects.filter(person=person).update(notices_seen_at=now)


# ---- SMS for the important ones -----------------------------------------------------------------

SMS_TEXT = {
    DOCUMENTS: "您在职工之家办理的事项（编号{number}）需要补正材料，请登录职工之家查看。",
    RATE: "您在职工之家办理的事项（编号{number}）已办结反馈，请登录职工之家评价。",
    RESULT: "您在职工之家办理的事项（编号{number}）已有办理结果，请登录职工之家查看。",
}


def on_case_event(case, event) -> None:
    """Casework's on-commit hook: an SMS to the applicant for an important step."""
    if event is None or not type(case).applicant_field:
        return
    kind = event_kind(case.case_type, event)
    if kind not in SMS_TEXT:
        return
    from smartunion.members.models import Person

    row = type(case).objects.filter(pk=case.pk).values_list(case.applicant_field, flat=True)
    text = "【智慧工会】" + SMS_TEXT[kind].format(number=case.number)
    send_sms(Person.objects.filter(pk=row.first()).first(), text, (case.number,))


def send_sms(person, text: str, params: tuple[str, ...]) -> None:
    """The portal's SMS to a worker who uses 职工之家 (bound): nothing for anybody else; a
    provider's refusal is logged with its code only, never the number."""
    from smartunion.portal.models import WorkerBinding
    from smartunion.portal.sms import SmsError, sender

    if person is None or not person.phone:
        return
    if not WorkerBinding.objects.filter(person_id=person.pk).exists():
        return  # only workers who use 职工之家 get its messages
    try:
        sender().send(person.phone, text, template_params=params)
    except SmsError as exc:
        logger.warning("portal notice SMS not sent: %s", exc)


def register_hooks() -> None:
    """Every case type with an applicant sends the portal's SMS (from PortalConfig.ready)."""
    for model in case_models():
        hooks = model.case_type.on_commit
        if model.applicant_field and on_case_event not in hooks:
            hooks.append(on_case_event)
