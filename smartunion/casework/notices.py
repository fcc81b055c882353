"""公示 (public notice): a batch of decisions published for N working days.

What can be published is registered by the domain apps as a *subject kind*: a case type
that declares ``Publicity`` (its cases wait for 公示 in one state, the notice's publication,
closing and withdrawal move them by its transitions), or any other model with an adapter of
its own (campaign lines). A notice holds a snapshot of each item as the public sees it — a
masked name (张*明), the union, the category, the amount — never an ID number, health details
or a bank account. Objections are recorded against items; while one is open the notice cannot
close, and an upheld one withdraws its item (its case goes back for review).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from smartunion.accounts.models import clerk_label
from smartunion.casework import calendar
from smartunion.casework.models import Notice, NoticeItem, NoticeState, Objection, ObjectionState
from smartunion.casework.workflow import CaseType
from smartunion.core import audit
from smartunion.core.errors import NotInScope

DEFAULT_DAYS = 5
OBJECTION_CHANNELS = ("电话", "来信", "来访", "网上留言", "其他")


def mask_name(name: str) -> str:
    """张*明 / 张* / 欧阳*明: the first and last characters, the rest hidden."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass(frozen=True)
class SubjectKind:
    """Something that can go through 公示.

    ``ready(user)``: the subjects waiting for 公示 that the user may publish;
    ``describe(subject)``: the public snapshot (name_masked, org_name, category, detail,
    amount); ``published`` / ``closed`` / ``withdrawn``: what happens to a subject when its
    notice is published, closes without an upheld objection, or when an objection against it
    is upheld (subject, actor, note) → None.
    """

    key: str
    label: str
    model: type
    ready: Callable[[Any], Any]
    describe: Callable[[Any], dict]
    published: Callable[[Any, Any, str], None]
    closed: Callable[[Any, Any, str], None]
    withdrawn: Callable[[Any, Any, str], None]
    days_key: str = ""  # the case type whose Deadline "publicity" sets the notice's length


_KINDS: dict[str, SubjectKind] = {}


def register(kind: SubjectKind) -> None:
    _KINDS[kind.key] = kind


def subject_kind(key: str) -> SubjectKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise ValidationError({"subject_kind": "公示内容不正确。"}) from None


def subject_kinds() -> Iterable[SubjectKind]:
    return _KINDS.values()


def for_case_type(model, *, ready_filter: Callable | None = None) -> SubjectKind:
    """The subject kind of a case model whose type declares Publicity."""
    case_type: CaseType = model.case_type
    p = case_type.publicity
    from smartunion.casework import services

    def ready(user):
        rows = model.objects.visible_to(user, "change").filter(state=p.ready_state)
        return ready_filter(rows) if ready_filter else rows

    def move(name):
        def run(case, actor, note):
            services.transition(case, name, actor=actor, note=note)

        return run

    return SubjectKind(
        key=case_type.key,
        label=case_type.label,
        model=model,
        ready=ready,
        describe=p.describe,
        published=move(p.publish),
        closed=move(p.close),
        withdrawn=move(p.withdraw),
        days_key=case_type.key,
    )


def default_days(kind: SubjectKind) -> int:
    from smartunion.casework.models import Deadline

    row = Deadline.objects.filter(case_kind=kind.days_key or kind.key, step="publicity").first()
    return row.working_days if row else DEFAULT_DAYS


def _name(actor) -> str:
    return clerk_label(actor)


def _check_change(actor) -> None:
    if not actor.can("change"):
        raise PermissionDenied("您的账号只有查看权限，不能修改。")


@transaction.atomic
def create_notice(
    kind_key: str,
    *,
    org,
    subjects: list,
    title: str,
    actor,
    working_days: int | None = None,
    contact: str = "",
) -> Notice:
    """A draft notice of ``subjects`` (all waiting for 公示 and within the notice's union)."""
    _check_change(actor)
    kind = subject_kind(kind_key)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写公示标题。"})
    days = default_days(kind) if working_days in (None, "") else working_days
    if not isinstance(days, int) or not 1 <= days <= 60:
        raise ValidationError({"working_days": "公示期应为1至60个工作日。"})
    if not subjects:
        raise ValidationError({"subjects": "请至少选择一条待公示的记录。"})
    ready = kind.ready(actor)
    ids = [s.pk for s in subjects]
    found = list(ready.filter(pk__in=ids, org__path__startswith=org.path))
    if len(found) != len(set(ids)):
        raise ValidationError(
            {"subjects": "所选记录中有的不在待公示状态，或不属于公示工会及其下级工会。"}
        )
    notice = Notice.objects.create(
        org=org,
        subject_kind=kind.key,
        title=title[:128],
        contact=(contact or "").strip()[:200],
        working_days=days,
        created_by_name=_name(actor),
    )
    try:
        with transaction.atomic():
            NoticeItem.objects.bulk_create(
                [NoticeItem(notice=notice, subject=s, **_snapshot(kind, s)) for s in found]
            )
    except IntegrityError:
        raise ValidationError({"subjects": "所选记录中有的已在另一批公示中。"}) from None
    audit.record(actor, "notice.create", notice, changes={"items": len(found), "days": days})
    return notice


def _snapshot(kind: SubjectKind, subject) -> dict:
    data = kind.describe(subject)
    return {
        "name_masked": data.get("name_masked", "")[:64],
        "org_name": data.get("org_name", "")[:128],
        "category": data.get("category", "")[:64],
        "detail": data.get("detail", "")[:128],
        "amount": data.get("amount"),
    }


def lock_notice(notice_id, *, actor) -> Notice:
    try:
        return (
            Notice.objects.visible_to(actor, "change")
            .select_for_update(of=("self",))
            .select_related("org")
            .get(pk=notice_id)
        )
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise NotInScope("公示") from None


def _items(notice: Notice) -> list[NoticeItem]:
    return list(notice.items.filter(withdrawn=False).select_related("content_type"))


def _subjects(kind: SubjectKind, items: list[NoticeItem]) -> dict[int, Any]:
    ids = [i.object_id for i in items]
    return {s.pk: s for s in kind.model.objects.filter(pk__in=ids)}


@transaction.atomic
def publish_notice(notice: Notice, *, actor, on: dt.date | None = None) -> Notice:
    _check_change(actor)
    notice = lock_notice(notice.pk, actor=actor)
    if notice.state != NoticeState.DRAFT:
        raise ValidationError(f"这批公示当前为“{notice.get_state_display()}”，不能发布。")
    kind = subject_kind(notice.subject_kind)
    on = on or timezone.localdate()
    items = _items(notice)
    if not items:
        raise ValidationError("这批公示没有条目。")
    subjects = _subjects(kind, items)
    for item in items:
        subject = subjects[item.object_id]
        # The snapshot is taken again: the draft may have waited while the record changed.
        for field, value in _snapshot(kind, subject).items():
            setattr(item, field, value)
        item.save()
        kind.published(subject, actor, f"进入公示：{notice.title}")
    end = calendar.add_working_days(on, notice.working_days)
    notice.state = NoticeState.PUBLISHED
    notice.published_on, notice.ends_on, notice.ends_complete = on, end.due, end.complete
    notice.save()
    audit.record(actor, "notice.publish", notice, changes={"ends_on": end.due, "items": len(items)})
    return notice


@transaction.atomic
def cancel_notice(notice: Notice, *, actor) -> Notice:
    _check_change(actor)
    notice = lock_notice(notice.pk, actor=actor)
    if notice.state != NoticeState.DRAFT:
        raise ValidationError("只有草稿状态的公示可以撤销；已发布的公示请处理异议后结束。")
    notice.state = NoticeState.CANCELLED
    notice.save(update_fields=["state"])
    notice.items.update(withdrawn=True)
    audit.record(actor, "notice.cancel", notice)
    return notice


def open_objections(notice: Notice):
    return Objection.objects.filter(item__notice=notice, state=ObjectionState.OPEN)


@transaction.atomic
def close_notice(notice: Notice, *, actor, on: dt.date | None = None) -> Notice:
    """End a notice whose period is over: every item not withdrawn proceeds."""
    _check_change(actor)
    notice = lock_notice(notice.pk, actor=actor)
    on = on or timezone.localdate()
    if notice.state != NoticeState.PUBLISHED:
        raise ValidationError(f"这批公示当前为“{notice.get_state_display()}”，不能结束。")
    if on <= notice.ends_on:
        raise ValidationError(
            f"公示期到 {notice.ends_on:%Y年%m月%d日} 为止（{notice.working_days}个工作日），期满后才能结束。"
        )
    pending = list(open_objections(notice).select_related("item"))
    if pending:
        names = "、".join(o.item.name_masked for o in pending[:5])
        raise ValidationError(
            f"还有 {len(pending)} 件异议未处理（{names}），处理完毕后才能结束公示。"
        )
    kind = subject_kind(notice.subject_kind)
    items = _items(notice)
    subjects = _subjects(kind, items)
    for item in items:
        kind.closed(subjects[item.object_id], actor, f"公示期满无异议：{notice.title}")
    notice.state = NoticeState.CLOSED
    notice.closed_on = on
    notice.save(update_fields=["state", "closed_on"])
    audit.record(actor, "notice.close", notice, changes={"items": len(items)})
    return notice


@transaction.atomic
def record_objection(
    item: NoticeItem, *, actor, received_on: dt.date, channel: str, summary: str
) -> Objection:
    _check_change(actor)
    notice = lock_notice(item.notice_id, actor=actor)
    if notice.state != NoticeState.PUBLISHED:
        raise ValidationError("只有公示中的条目可以登记异议。")
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": "请填写异议内容。"})
    if channel not in OBJECTION_CHANNELS:
        raise ValidationError({"channel": "请选择异议方式。"})
    if received_on is None or received_on > timezone.localdate():
        raise ValidationError({"received_on": "收到日期不能晚于今天。"})
    if received_on < notice.published_on:
        raise ValidationError({"received_on": "收到日期不能早于公示开始日期。"})
    item = NoticeItem.objects.get(pk=item.pk, notice=notice)
    if item.withdrawn:
        raise ValidationError("该条目已撤回。")
    objection = Objection.objects.create(
        item=item,
        received_on=received_on,
        channel=channel,
        summary=summary,
        recorded_by_name=_name(actor),
    )
    audit.record(
        actor, "notice.objection", notice, changes={"item": item.pk, "objection": objection.pk}
    )
    return objection


@transaction.atomic
def resolve_objection(objection: Objection, *, actor, upheld: bool, resolution: str) -> Objection:
    """Answer an objection: upheld → the item is withdrawn and its record goes back."""
    _check_change(actor)
    notice = lock_notice(objection.item.notice_id, actor=actor)
    objection = Objection.objects.select_related("item").get(pk=objection.pk, item__notice=notice)
    if objection.state != ObjectionState.OPEN:
        raise ValidationError("这件异议已经处理过了。")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "请填写处理意见（核实情况和结论）。"})
    objection.state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    objection.resolution = resolution
    objection.resolved_on = timezone.localdate()
    objection.resolved_by_name = _name(actor)
    objection.save()
    item = objection.item
    if upheld and not item.withdrawn:
        kind = subject_kind(notice.subject_kind)
        item.withdrawn = True
        item.save(update_fields=["withdrawn"])
        subject = kind.model.objects.get(pk=item.object_id)
        kind.withdrawn(subject, actor, f"公示异议成立：{resolution}")
    audit.record(
        actor,
        "notice.objection_resolve",
        notice,
        changes={"objection": objection.pk, "upheld": upheld},
    )
    return objection


def items_of(subject):
    return NoticeItem.objects.filter(
        content_type=ContentType.objects.get_for_model(type(subject)), object_id=subject.pk
    ).select_related("notice")
