"""Writes to the organization tree: create, edit, move, dissolve (撤销), recount.

Each write moves the kept figures it changes (orgs/counters.py): a new union's workers, an
edited 职工人数, a subtree moved to another parent, a union dissolved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

from smartunion.core import audit
from smartunion.core.bounds import EMPLOYEES
from smartunion.core.errors import NotInScope
from smartunion.core.idnumber import mask_phone, validate_phone
from smartunion.orgs import counters
from smartunion.orgs.models import Kind, Organization, Status, attach_path_names, path_segment
from smartunion.orgs.names import normalize_name
from smartunion.stats import kept

EDITABLE_FIELDS = (
    "name",
    "kind",
    "region",
    "uscc",
    "employer_name",
    "employer_uscc",
    "address",
    "industry",
    "unit_category",
    "founded_on",
    "chair_name",
    "employee_count",
    "women_committee",
    "term_ends_on",
)


def clean_uscc(raw: str, *, field_name: str, union: bool) -> str:
    """统一社会信用代码 checked with python-stdnum; a union's own code starts with 8 (工会)."""
    value = (raw or "").strip().upper()
    if not value:
        return ""
    label = "工会统一社会信用代码" if union else "单位统一社会信用代码"
    try:
        value = stdnum_uscc.validate(value)
    except StdnumError:
        raise ValidationError({field_name: f"{label}不正确（应为18位，且校验位正确）。"}) from None
    if union and not value.startswith("8"):
        raise ValidationError(
            {field_name: "工会的统一社会信用代码应以8开头（登记管理部门为工会）。"}
        )
    return value


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "uscc" in out:
        out["uscc"] = clean_uscc(out["uscc"], field_name="uscc", union=True)
    if "employer_uscc" in out:
        out["employer_uscc"] = clean_uscc(
            out["employer_uscc"], field_name="employer_uscc", union=False
        )
    if "name" in out:
        out["name"] = (out["name"] or "").strip()
        if not out["name"]:
            raise ValidationError({"name": "请填写工会名称。"})
    if out.get("employee_count") is not None:
        try:
            EMPLOYEES.clean(out["employee_count"])
        except ValidationError as exc:
            raise ValidationError({"employee_count": exc.messages}) from None
    founded, term = out.get("founded_on"), out.get("term_ends_on")
    if founded and founded > timezone.localdate():
        raise ValidationError({"founded_on": "建会日期不能晚于今天。"})
    if founded and term and term < founded:
        raise ValidationError({"term_ends_on": "任期届满日期不能早于建会日期。"})
    return out


def _check_parent(parent: Organization | None, kind: str, actor) -> None:
    if parent is None:
        if kind != Kind.PROVINCE or not actor.is_superuser:
            raise ValidationError({"parent": "请选择上级工会。"})
        return
    if not Organization.objects.visible_to(actor, "change").filter(pk=parent.pk).exists():
        raise ValidationError({"parent": "上级工会不存在或不在您的管理范围内。"})
    if not parent.is_active:
        raise ValidationError(
            {"parent": f"上级工会“{parent.name}”已{parent.get_status_display()}。"}
        )


_USCC_TAKEN = next(
    c.violation_error_message for c in Organization._meta.constraints if c.name == "org_uscc_unique"
)


def _check_kind(kind: str, parent_id: int | None) -> None:
    if kind == Kind.PROVINCE and parent_id is not None:
        raise ValidationError({"kind": "只有最上级组织才能是省总工会。"})


def _check_unique_uscc(org: Organization) -> None:
    if org.uscc and Organization.objects.filter(uscc=org.uscc).exclude(pk=org.pk).exists():
        raise ValidationError({"uscc": _USCC_TAKEN})


def sibling_namesake(
    name: str, parent_id: int | None, *, exclude: int | None = None
) -> Organization | None:
    """The 正常 union under ``parent_id`` whose name is ``name`` once normalized, if any."""
    return (
        Organization.objects.filter(
            parent_id=parent_id, name_key=normalize_name(name), status=Status.NORMAL
        )
        .exclude(pk=exclude)
        .first()
    )


def sibling_name_taken(existing: Organization) -> str:
    """The refusal of a second union of the same name under one parent, naming the first."""
    return (
        f"上级工会下已有同名的工会“{existing.name}”（{existing.path_display}），"
        "同一上级工会下的工会不能重名，请在名称中加上区分的字样。"
    )


def _check_sibling_name(org: Organization) -> None:
    if not org.is_active:
        return
    existing = sibling_namesake(org.name, org.parent_id, exclude=org.pk)
    if existing is not None:
        raise ValidationError({"name": sibling_name_taken(existing)})


def namesakes(
    name: str, *, exclude: int | None = None, limit: int = 3
) -> tuple[int, list[Organization]]:
    """The 正常 unions of the province named ``name`` (normalized), but ``exclude``: allowed
    under other parents, yet worth a warning. How many, and the first ``limit`` with their
    paths."""
    queryset = Organization.objects.filter(
        name_key=normalize_name(name), status=Status.NORMAL
    ).exclude(pk=exclude)
    count = queryset.count()
    return count, attach_path_names(queryset.order_by("path")[:limit]) if count else []


def _save(org: Organization) -> None:
    _check_unique_uscc(org)
    _check_sibling_name(org)
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError as exc:
        # A concurrent insert can still win the race: the database's refusal names the
        # constraint on PostgreSQL and the column on SQLite ("… failed: orgs_organization.uscc").
        text = str(exc)
        if "org_uscc_unique" in text or "orgs_organization.uscc" in text:
            raise ValidationError({"uscc": _USCC_TAKEN}) from None
        if "org_sibling_name_unique" in text or "orgs_organization.name_key" in text:
            _check_sibling_name(org)
        for constraint in Organization._meta.constraints:
            if constraint.name in text:
                raise ValidationError(constraint.violation_error_message) from None
        raise


@transaction.atomic
def create_org(
    values: dict[str, Any], *, parent: Organization | None, actor, chair_phone: str = ""
) -> Organization:
    counters.lock_roots()  # before the insert (lock order: orgs/counters.py)
    values = _clean(values)
    _check_parent(parent, values.get("kind", ""), actor)
    _check_kind(values.get("kind", ""), parent.pk if parent else None)
    org = Organization(parent=parent, **{k: v for k, v in values.items() if k in EDITABLE_FIELDS})
    if chair_phone:
        try:
            org.set_chair_phone(validate_phone(chair_phone))
        except ValidationError as exc:
            raise ValidationError({"chair_phone": exc.messages}) from None
    # The path needs the new id: a placeholder unique to this insert, then the real one.
    org.path = f"~{timezone.now().timestamp()}-{id(org)}"
    org.depth = (parent.depth + 1) if parent else 0
    org.full_clean(exclude=["path", "chair_phone"], validate_constraints=False)
    _save(org)
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.save(update_fields=["path"])
    if not Organization.objects.visible_to(actor, "change").filter(pk=org.pk).exists():
        raise NotInScope("工会组织")  # re-check after writing: rolls the insert back
    counters.shift({org.pk: counters.own_contribution(org)})
    kept.added(Organization, [org.pk])
    audit.record(actor, "org.create", org, changes={k: str(v) for k, v in values.items()})
    return org


def _lock_org(org: Organization, actor) -> Organization:
    """The union, locked to change it; the counters' lock first (lock order: orgs/counters.py)."""
    counters.lock_roots()
    locked = (
        Organization.objects.select_for_update(of=("self",))
        .visible_to(actor, "change")
        .filter(pk=org.pk)
        .first()
    )
    if locked is None:
        raise NotInScope("工会组织")
    return locked


@transaction.atomic
def update_org(
    org: Organization, values: dict[str, Any], *, actor, chair_phone: str | None = None
) -> Organization:
    o = _lock_org(org, actor)
    before = counters.own_contribution(o)
    counted = kept.before(Organization, [o.pk])
    values = _clean(values)
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key in EDITABLE_FIELDS and getattr(o, key) != value:
            changes[key] = [str(getattr(o, key)), str(value)]
            setattr(o, key, value)
    if chair_phone is not None and chair_phone != o.chair_phone:
        try:
            phone = validate_phone(chair_phone) if chair_phone else ""
        except ValidationError as exc:
            raise ValidationError({"chair_phone": exc.messages}) from None
        changes["chair_phone"] = [o.chair_phone_masked, mask_phone(phone) if phone else ""]
        o.set_chair_phone(phone)
    _check_kind(o.kind, o.parent_id)
    o.full_clean(exclude=["path", "chair_phone"], validate_constraints=False)
    _save(o)
    counters.shift({o.pk: counters.own_contribution(o) - before})
    kept.after(counted, Organization, [o.pk])
    if changes:
        audit.record(actor, "org.update", o, changes=changes)
    return o


@transaction.atomic
def move_org(org: Organization, new_parent: Organization, *, actor) -> Organization:
    """Put a union under another parent; its whole subtree moves with it (one UPDATE)."""
    o = _lock_org(org, actor)
    if o.parent_id is None:
        raise ValidationError({"parent": "省总工会不能移动。"})
    # The caller's copy of the new parent may predate another move: its path must be current.
    new_parent = Organization.objects.filter(pk=new_parent.pk).first()
    if new_parent is None:
        raise ValidationError({"parent": "上级工会不存在或不在您的管理范围内。"})
    _check_parent(new_parent, o.kind, actor)
    if new_parent.path.startswith(o.path):
        raise ValidationError({"parent": "不能把工会组织移到它自己或它的下级组织之下。"})
    if new_parent.pk == o.parent_id:
        return o
    if o.is_active and (existing := sibling_namesake(o.name, new_parent.pk)) is not None:
        raise ValidationError({"parent": sibling_name_taken(existing)})
    old_path, new_path = o.path, new_parent.path + path_segment(o.pk)
    depth_delta = new_parent.depth + 1 - o.depth
    # The subtree's figures leave the old parent's line and join the new one's.
    moved = counters.subtree_figures(o)
    counters.shift({o.parent_id: -moved, new_parent.pk: moved})
    from smartunion.members import summaries as member_summaries

    # The statistics' summaries follow the subtree's records (members/summaries.py, and the
    # case modules' figures: stats/kept.py).
    with (
        member_summaries.subtree_moved(old_path, new_path),
        kept.subtree_moved(old_path, new_path),
    ):
        Organization.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_delta,
        )
    old_parent = o.parent_id
    Organization.objects.filter(pk=o.pk).update(parent=new_parent)
    o.refresh_from_db()
    audit.record(actor, "org.move", o, changes={"parent": [old_parent, new_parent.pk]})
    return o


@transaction.atomic
def dissolve_org(
    org: Organization, *, actor, on: dt.date | None = None, merged_into: Organization | None = None
) -> Organization:
    """撤销 (or 合并 into another union): only once no current member and no active sub-union is left."""
    o = _lock_org(org, actor)
    if not o.is_active:
        raise ValidationError(f"“{o.name}”已{o.get_status_display()}。")
    if o.parent_id is None:
        raise ValidationError("省总工会不能撤销。")
    from smartunion.members.models import (
        CURRENT_STATUSES,
        Membership,
        MembershipStatus,
        Transfer,
        TransferStatus,
    )

    current = Membership.objects.filter(org=o, status__in=CURRENT_STATUSES).count()
    if current:
        raise ValidationError(f"该工会还有{current}名会员，请先为他们办理转会，再撤销。")
    # Pending work would otherwise land in a dissolved union: an approval or an accepted
    # transfer would make members of a union that no longer exists.
    applied = Membership.objects.filter(org=o, status=MembershipStatus.APPLIED).count()
    if applied:
        raise ValidationError(f"该工会还有{applied}份待审批的入会申请，请先审批或退回，再撤销。")
    incoming = Transfer.objects.filter(to_org=o, status=TransferStatus.PENDING).count()
    if incoming:
        raise ValidationError(f"还有{incoming}笔转入该工会的转会待接收，请先接收或退回，再撤销。")
    active_children = o.children.filter(status=Status.NORMAL).count()
    if active_children:
        raise ValidationError(
            f"该工会还有{active_children}个正常状态的下级工会，请先撤销或移走它们。"
        )
    if merged_into is not None:
        if (
            not Organization.objects.visible_to(actor, "view")
            .filter(pk=merged_into.pk, status=Status.NORMAL)
            .exists()
        ):
            raise ValidationError({"merged_into": "合并目标工会不存在或不在您的管理范围内。"})
        if merged_into.pk == o.pk:
            raise ValidationError({"merged_into": "不能合并到自己。"})
    before = counters.own_contribution(o)
    counted = kept.before(Organization, [o.pk])
    o.status = Status.MERGED if merged_into else Status.DISSOLVED
    o.merged_into = merged_into
    o.dissolved_on = on or timezone.localdate()
    o.save(update_fields=["status", "merged_into", "dissolved_on", "updated_at"])
    counters.shift({o.pk: counters.own_contribution(o) - before})
    kept.after(counted, Organization, [o.pk])
    audit.record(actor, "org.dissolve", o, changes={"status": ["normal", o.status]})
    return o


def recount_members(*, fix: bool = True) -> list[counters.Drift]:
    """Recompute every kept figure from the records (``counters.recount``); returns the
    counters that differed, as (org id, counter, kept, actual)."""
    return counters.recount(fix=fix)
