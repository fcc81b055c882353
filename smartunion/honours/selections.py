"""Selections (评选: 五一劳动奖, 陇原工匠): the notice with its quotas and ratio rules,
nominations from below, their lists submitted with the ratios checked, the departments'
vetting, the expert review, the public vote of the portal's workers, 公示 and naming.

A nomination is a casework case (``workflows.NOMINATION``); its transitions run through
``casework.services.transition`` and land here in the handlers ``on_*``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F

from smartunion.accounts.models import clerk_label
from smartunion.casework import notices
from smartunion.casework import services as casework
from smartunion.core import audit
from smartunion.core.errors import NotInScope
from smartunion.honours import services
from smartunion.honours.codes import DEFAULT_RATIOS, DEPARTMENTS, Category, Kind
from smartunion.honours.models import Nomination, Quota, RatioRule, Selection, Vote
from smartunion.members.models import Person
from smartunion.orgs.models import Organization

WITHDRAWN = ("rejected",)


def _check_actor(actor) -> None:
    if not actor.can("change"):
        raise PermissionDenied(services.READ_ONLY)


def check_organiser(selection: Selection, actor) -> None:
    scope = actor.scope_path
    if not actor.is_superuser and not (scope and selection.org.path.startswith(scope)):
        raise PermissionDenied("只有评选组织工会可以修改评选通知。")


# ---- the notice -------------------------------------------------------------------------------


@dataclass
class SelectionData:
    title: str
    kind: str
    year: int
    nominations_due: dt.date
    quotas: list[tuple[int, int]]  # (union id, places)
    ratios: list[tuple[str, int]] | None = None  # (category, min percent); None: the defaults
    departments: list[str] | None = None
    document_no: str = ""
    vote_starts_on: dt.date | None = None
    vote_ends_on: dt.date | None = None


def _check_notice(data: SelectionData, org: Organization) -> tuple:
    """The notice's fields checked (the same rules for a new notice and an edited one):
    ``(title, departments, ratios, quotas {union id: places})``, or a ValidationError naming
    each wrong field."""
    problems: dict[str, str] = {}
    title = (data.title or "").strip()
    if not title:
        problems["title"] = "请填写评选名称。"
    elif len(title) > 128:
        problems["title"] = "评选名称不能超过128个字符。"
    if data.kind not in Kind.values:
        problems["kind"] = "请选择授予的荣誉。"
    services._check_year(data.year, problems)
    if data.nominations_due is None:
        problems["nominations_due"] = "请填写推荐截止日期。"
    if (data.vote_starts_on is None) != (data.vote_ends_on is None):
        problems["vote_ends_on"] = "网络投票须同时填写开始和截止日期（不投票则都不填）。"
    elif data.vote_starts_on and data.vote_ends_on < data.vote_starts_on:
        problems["vote_ends_on"] = "投票截止日期不能早于开始日期。"
    departments = list(DEPARTMENTS if data.departments is None else data.departments)
    unknown = [d for d in departments if d not in DEPARTMENTS]
    if unknown:
        problems["departments"] = f"联审部门“{unknown[0]}”不在代码表中。"
    ratios = list(DEFAULT_RATIOS if data.ratios is None else data.ratios)
    seen = set()
    for category, percent in ratios:
        if category not in Category.values:
            problems["ratios"] = f"比例要求的类别“{category}”不在代码表中。"
        elif category in seen:
            problems["ratios"] = f"“{Category(category).label}”的比例要求重复。"
        elif not isinstance(percent, int) or not 1 <= percent <= 100:
            problems["ratios"] = "比例应为1%至100%的整数。"
        seen.add(category)
    if not data.quotas:
        problems["quotas"] = "请为下级工会分配推荐名额。"
    quota_orgs = {}
    for union_id, places in data.quotas or ():
        union = Organization.objects.filter(pk=union_id, path__startswith=org.path).first()
        if union is None:
            raise NotInScope("推荐工会")
        if not isinstance(places, int) or not 1 <= places <= 1000:
            problems["quotas"] = f"{union.name}的名额应为1至1000。"
        if union.pk in quota_orgs:
            problems["quotas"] = f"{union.name}的名额重复分配。"
        quota_orgs[union.pk] = places
    if problems:
        raise ValidationError(problems)
    return title, departments, ratios, quota_orgs


@transaction.atomic
def create_selection(data: SelectionData, org_id, *, actor) -> Selection:
    """A selection run by ``org`` with quotas for unions in its subtree."""
    _check_actor(actor)
    org = Organization.objects.visible_to(actor, "change").filter(pk=org_id).first()
    if org is None:
        raise NotInScope("工会组织")
    title, departments, ratios, quota_orgs = _check_notice(data, org)
    selection = Selection.objects.create(
        org=org,
        title=title,
        kind=data.kind,
        year=data.year,
        document_no=(data.document_no or "").strip()[:64],
        nominations_due=data.nominations_due,
        departments=departments,
        vote_starts_on=data.vote_starts_on,
        vote_ends_on=data.vote_ends_on,
        created_by_name=clerk_label(actor),
    )
    Quota.objects.bulk_create(
        [Quota(selection=selection, org_id=k, places=v) for k, v in quota_orgs.items()]
    )
    RatioRule.objects.bulk_create(
        [RatioRule(selection=selection, category=c, min_percent=p) for c, p in ratios]
    )
    audit.record(
        actor,
        "honours.selection.create",
        selection,
        changes={"kind": data.kind, "quotas": len(quota_orgs), "ratios": dict(ratios)},
    )
    return selection


@transaction.atomic
def update_selection(selection_id, data: SelectionData, *, actor) -> Selection:
    """修改评选通知 (by its organising union): the same rules as a new one, and a union's quota
    never below the nominees it has already put forward."""
    _check_actor(actor)
    selection = (
        Selection.objects.visible_to(actor, "change")
        .select_for_update(of=("self",))
        .select_related("org")
        .filter(pk=selection_id)
        .first()
    )
    if selection is None:
        raise NotInScope("评选")
    check_organiser(selection, actor)
    title, departments, ratios, quota_orgs = _check_notice(data, selection.org)
    problems: dict[str, str] = {}
    listed = dict(
        Nomination.objects.filter(selection=selection)
        .exclude(state__in=WITHDRAWN)
        .order_by()
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    for union_id, count in listed.items():
        if quota_orgs.get(union_id, 0) < count:
            name = Organization.objects.filter(pk=union_id).values_list("name", flat=True).first()
            problems["quotas"] = f"{name}已推荐{count}人，名额不能少于{count}名。"
    if listed and (data.kind != selection.kind or data.year != selection.year):
        problems["kind"] = "已有推荐对象，不能再修改授予的荣誉或年度。"
    if problems:
        raise ValidationError(problems)
    before = {
        "title": selection.title,
        "quotas": dict(selection.quotas.values_list("org_id", "places")),
        "ratios": dict(selection.ratios.values_list("category", "min_percent")),
    }
    selection.title, selection.kind, selection.year = title, data.kind, data.year
    selection.document_no = (data.document_no or "").strip()[:64]
    selection.nominations_due = data.nominations_due
    selection.departments = departments
    selection.vote_starts_on, selection.vote_ends_on = data.vote_starts_on, data.vote_ends_on
    selection.save()
    selection.quotas.all().delete()
    Quota.objects.bulk_create(
        [Quota(selection=selection, org_id=k, places=v) for k, v in quota_orgs.items()]
    )
    selection.ratios.all().delete()
    RatioRule.objects.bulk_create(
        [RatioRule(selection=selection, category=c, min_percent=p) for c, p in ratios]
    )
    audit.record(
        actor,
        "honours.selection.update",
        selection,
        changes={"before": before, "quotas": quota_orgs, "ratios": dict(ratios)},
    )
    return selection


def visible_selection(selection_id, actor) -> Selection:
    selection = (
        Selection.objects.visible_to(actor).select_related("org").filter(pk=selection_id).first()
    )
    if selection is None:
        raise NotInScope("评选")
    return selection


# ---- nominations and the ratio check ------------------------------------------------------------


@dataclass(frozen=True)
class RatioRow:
    category: str
    label: str
    min_percent: int
    count: int
    total: int
    percent: Decimal
    ok: bool


def ratio_report(selection: Selection, nominations) -> list[RatioRow]:
    """The ratio rules of ``selection`` checked against a nominee list (live, on the page)."""
    lists = [set(n.categories or ()) for n in nominations]
    total = len(lists)
    rows = []
    for rule in selection.ratios.all():
        count = sum(rule.category in c for c in lists)
        percent = (
            (Decimal(count * 100) / total).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if total
            else Decimal("0.0")
        )
        rows.append(
            RatioRow(
                category=rule.category,
                label=Category(rule.category).label,
                min_percent=rule.min_percent,
                count=count,
                total=total,
                percent=percent,
                ok=total == 0 or count * 100 >= rule.min_percent * total,
            )
        )
    return rows


def org_list(selection: Selection, org_id):
    """A union's nominee list in a selection (those not turned down)."""
    return (
        Nomination.objects.filter(selection=selection, org_id=org_id)
        .exclude(state__in=WITHDRAWN)
        .order_by("id")
    )


def _check_categories(categories, problems: dict) -> list[str]:
    categories = list(dict.fromkeys(categories or ()))
    unknown = [c for c in categories if c not in Category.values]
    if unknown:
        problems["categories"] = f"类别“{unknown[0]}”不在代码表中。"
    return categories


@transaction.atomic
def nominate(
    selection_id,
    *,
    actor,
    org_id,
    person_id,
    categories: list[str] | None = None,
    employer: str = "",
    deeds: str = "",
    on: dt.date | None = None,
) -> Nomination:
    """推荐: ``org`` (a union with a quota) puts a person of its subtree on its list (draft)."""
    _check_actor(actor)
    selection = visible_selection(selection_id, actor)
    org = Organization.objects.visible_to(actor, "change").filter(pk=org_id).first()
    if org is None:
        raise NotInScope("推荐工会")
    person = (
        Person.objects.visible_to(actor, "change")
        .filter(pk=person_id, org__path__startswith=org.path)
        .first()
    )
    if person is None:
        raise NotInScope("人员")
    today = on or casework.today()
    problems: dict[str, str] = {}
    quota = Quota.objects.select_for_update().filter(selection=selection, org=org).first()
    if quota is None:
        problems["org"] = f"{org.name}在本次评选中没有推荐名额。"
    elif org_list(selection, org.pk).count() >= quota.places:
        problems["org"] = f"已达到{org.name}的推荐名额（{quota.places}名），不能再推荐。"
    if today > selection.nominations_due:
        problems["org"] = f"推荐已于{selection.nominations_due:%Y-%m-%d}截止。"
    cats = _check_categories(categories, problems)
    if person.gender == "2" and Category.WOMAN not in cats:
        cats.append(Category.WOMAN)
    if person.is_migrant_worker and Category.MIGRANT not in cats:
        cats.append(Category.MIGRANT)
    if Nomination.objects.filter(selection=selection, person=person).exists():
        problems["person"] = "该人员已被推荐参加本次评选。"
    if problems:
        raise ValidationError(problems)
    nomination = Nomination(
        org=org,
        selection=selection,
        person=person,
        name=person.name,
        employer=(employer or "").strip()[:128],
        categories=cats,
        deeds=(deeds or "").strip()[:4000],
    )
    return casework.open_case(nomination, actor=actor, on=today)


@transaction.atomic
def submit_list(selection_id, *, actor, org_id, on: dt.date | None = None) -> list[Nomination]:
    """上报推荐名单: the union's drafts go to vetting, if the whole list keeps every ratio.

    A list breaking a ratio is refused with the figures, and nothing moves."""
    _check_actor(actor)
    selection = visible_selection(selection_id, actor)
    org = Organization.objects.visible_to(actor, "change").filter(pk=org_id).first()
    if org is None:
        raise NotInScope("推荐工会")
    rows = list(org_list(selection, org.pk).select_for_update())
    drafts = [n for n in rows if n.state == "draft"]
    if not drafts:
        raise ValidationError({"nominations": "没有待上报的推荐对象。"})
    broken = [r for r in ratio_report(selection, rows) if not r.ok]
    if broken:
        raise ValidationError(
            {
                "nominations": "；".join(
                    f"推荐名单中{r.label}占{r.percent}%（{r.count}/{r.total}），"
                    f"低于通知要求的{r.min_percent}%"
                    for r in broken
                )
                + "。请调整推荐名单后再上报。"
            }
        )
    return [casework.transition(n, "submit", actor=actor, on=on) for n in drafts]


# ---- transition handlers ------------------------------------------------------------------


def on_vet(case: Nomination, actor, data, note):
    missing = [d for d in case.selection.departments if d not in (data.get("departments") or ())]
    if missing:
        raise ValidationError({"departments": f"以下部门尚未出具意见：{'、'.join(missing)}。"})
    case.vetted_by = list(data.get("departments") or ())


def on_review(case: Nomination, actor, data, note):
    case.expert_score = data["score"]
    return "voting" if case.selection.has_vote else "ready"


def on_close_vote(case: Nomination, actor, data, note):
    today = casework.today()
    if case.selection.vote_ends_on and today <= case.selection.vote_ends_on:
        raise ValidationError(
            f"网络投票截止日期为{case.selection.vote_ends_on:%Y-%m-%d}，截止后才能结束投票。"
        )
    case.votes = Vote.objects.filter(nomination=case).count()


def on_name(case: Nomination, actor, data, note):
    selection = case.selection
    honour = services.propose_candidate(
        actor=None,
        person=case.person,
        kind=selection.kind,
        year=selection.year,
        source=f"selection:{selection.pk}",
    )
    case.honour = services.name_candidate(
        honour.pk, actor=actor, document_no=data["document_no"], granting_body=""
    )


def publish(selection_id, *, actor, on: dt.date | None = None):
    """公示: the selection's nominees waiting for it, in one notice of 5 working days."""
    selection = visible_selection(selection_id, actor)
    check_organiser(selection, actor)
    subjects = list(Nomination.objects.filter(selection=selection, state="ready"))
    kind = notices.subject_kind(Nomination.case_type.key)
    with transaction.atomic():
        notice = notices.create_notice(
            kind.key,
            org=selection.org,
            subjects=subjects,
            title=f"{selection.title}拟表彰对象公示",
            actor=actor,
        )
        return notices.publish_notice(notice, actor=actor, on=on)


# ---- the public vote (职工之家) -----------------------------------------------------------------

VOTE_CLOSED = "当前不在本次评选的投票时间内。"
ALREADY_VOTED = "您今天已经投过票了，请明天再来。"


@dataclass(frozen=True)
class OpenVote:
    """A selection whose vote is open, its nominees in the vote and the voter's pick today."""

    selection: Selection
    nominees: list
    voted_for: int | None


def open_votes(*, voter: str, on: dt.date | None = None) -> list[OpenVote]:
    """The selections whose vote is open ``on`` (today) with their nominees in the vote (the
    portal's page; ``vote`` decides), and which nominee ``voter`` voted for that day."""
    today = on or casework.today()
    rows = list(
        Selection.objects.filter(vote_starts_on__lte=today, vote_ends_on__gte=today).order_by(
            "vote_ends_on", "id"
        )[:20]
    )
    if not rows:
        return []
    nominees: dict[int, list] = {s.pk: [] for s in rows}
    for n in (
        Nomination.objects.select_related("org")
        .filter(selection__in=rows, state="voting")
        .order_by("id")
    ):
        nominees[n.selection_id].append(n)
    picks = dict(
        Vote.objects.filter(selection__in=rows, voter=voter, day=today).values_list(
            "selection_id", "nomination_id"
        )
    )
    return [OpenVote(s, nominees[s.pk], picks.get(s.pk)) for s in rows if nominees[s.pk]]


def vote(nomination_id, *, voter: str, on: dt.date | None = None) -> Vote:
    """One vote of a worker of the portal (``voter``: the blind index of their phone) for a
    nominee in the vote: once a day per selection, decided by the unique constraint."""
    today = on or casework.today()
    nomination = (
        Nomination.objects.select_related("selection")
        .filter(pk=nomination_id, state="voting")
        .first()
    )
    if nomination is None:
        raise NotInScope("投票对象")
    selection = nomination.selection
    if not (selection.vote_starts_on <= today <= selection.vote_ends_on):
        raise ValidationError({"nomination": VOTE_CLOSED})
    try:
        with transaction.atomic():
            ballot = Vote.objects.create(
                selection=selection, nomination=nomination, voter=voter, day=today
            )
            Nomination.objects.filter(pk=nomination.pk).update(votes=F("votes") + 1)
    except IntegrityError:
        raise ValidationError({"nomination": ALREADY_VOTED}) from None
    return ballot
