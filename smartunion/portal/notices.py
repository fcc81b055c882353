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
    #: The event's id within its source (the API's cursor: ``key``).
    ref: int = 0

    @property
    def key(self) -> str:
        return f"{self.source}:{self.pk}:{self.ref or self.at.timestamp()}"

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
    cases = dict(model.of_applicant(person_id).order_by("-pk").values_list("pk", "number")[:50])
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
                ref=e.pk,
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

#: What the SMS of an important step says happened ({2} of the notice template).
SMS_WHAT = {
    DOCUMENTS: "需要补正材料",
    RATE: "已办结反馈，请您评价",
    RESULT: "已有办理结果",
}


def on_case_event(case, event) -> None:
    """Casework's on-commit hook: for an important step of a case with an applicant, an SMS
    queued for the task worker (the request does not wait on the provider)."""
    if event is None or not type(case).applicant_field:
        return
    kind = event_kind(case.case_type, event)
    if kind not in SMS_WHAT:
        return
    from smartunion.portal.tasks import send_notice_sms

    row = type(case).objects.filter(pk=case.pk).values_list(case.applicant_field, flat=True)
    person_id = row.first()
    if person_id is not None:
        send_notice_sms.enqueue(person_id, f"事项（编号{case.number}）", SMS_WHAT[kind])


def send_sms(person_id: int, subject: str, what: str) -> bool:
    """The one SMS of 职工之家's notices (the task's body), to a worker who uses it (bound):
    "您在职工之家办理的{subject}{what}，请登录职工之家查看。" on the notice template — what it is
    and what happened, never a name, a union or a reason. Returns whether it was sent; a
    provider's refusal or a missing template is logged (no number), never raised."""
    from smartunion.members.models import Person
    from smartunion.portal.sms import NOTICE, sender

    person = Person.objects.filter(pk=person_id, worker_binding__isnull=False).first()
    if person is None or not person.phone:
        return False  # only workers who use 职工之家 get its messages
    text = f"【智慧工会】您在职工之家办理的{subject}{what}，请登录职工之家查看。"
    try:
        sender().send(person.phone, text, template=NOTICE, template_params=(subject, what))
    except Exception as exc:  # noqa: BLE001 - a notice SMS never fails the worker's task
        logger.warning("portal notice SMS not sent: %s %s", type(exc).__name__, exc)
        return False
    return True


def register_hooks() -> None:
    """Every case type with an applicant sends the portal's SMS (from PortalConfig.ready)."""
    for model in case_models():
        hooks = model.case_type.on_commit
        if model.applicant_field and on_case_event not in hooks:
            hooks.append(on_case_event)
