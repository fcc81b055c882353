"""四送 campaigns: the campaign, its beneficiary lines, rosters that build themselves, 公示 of
the lines, the bank-transfer file and the payments (SERVICES.md §2.6–2.7).

A line moves 拟慰问 → 公示中 → 待发放 → 已发放 (or is removed). Cash lines go through 公示
(casework.notices, subject kind "assistance.campaignline"); goods and services are given
without it. Paying a batch writes one ledger line per person against a fund source, with the
yearly caps of the campaign's purpose checked for each (casework.money); a batch with one line
over a cap is refused whole, naming the line. Paying is the one write that makes a line count
in the aid-paid figures: it keeps their statistics' summaries (``stats.kept``) in its
transaction.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from smartunion.accounts.models import clerk_label
from smartunion.assistance.codes import (
    CAMPAIGN_PURPOSE,
    AidForm,
    AidType,
    CampaignKind,
    TargetGroup,
)
from smartunion.assistance.models import (
    Campaign,
    CampaignFund,
    CampaignLine,
    HardshipFile,
    LineState,
)
from smartunion.casework import money, notices
from smartunion.casework.models import FundSource
from smartunion.core import audit
from smartunion.core.bankcard import mask_bank_card, validate_bank_card
from smartunion.core.codes import NewFormType
from smartunion.core.errors import NotInScope
from smartunion.core.idnumber import parse_id_number
from smartunion.members.models import CURRENT_STATUSES, Membership, Person
from smartunion.members.services import id_blind_index
from smartunion.orgs.models import Organization
from smartunion.stats import kept

#: The 新就业形态 workers who work outdoors (the stations' people: couriers, riders, drivers).
OUTDOOR_TYPES = (
    NewFormType.TRUCK_DRIVER,
    NewFormType.RIDE_HAILING_DRIVER,
    NewFormType.COURIER,
    NewFormType.DELIVERY_RIDER,
)

ROSTER_SOURCES = {
    "hardship": "本工会及下级工会全部在档困难职工",
    "model_workers": "本工会及下级工会的劳模会员",
    "outdoor": "活动地点所在县区的新就业形态劳动者会员",
}


def _name(actor) -> str:
    return clerk_label(actor)


def _require_change(actor) -> None:
    if not actor.can("change"):
        raise PermissionDenied("您的账号只有查看权限，不能修改。")


def lock_campaign(campaign_id, actor) -> Campaign:
    try:
        return (
            Campaign.objects.visible_to(actor, "change")
            .select_for_update(of=("self",))
            .select_related("org")
            .get(pk=campaign_id)
        )
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise NotInScope("活动") from None


def _clean(values: dict) -> dict:
    out = {}
    kind = values.get("kind")
    if kind not in CampaignKind.values:
        raise ValidationError(
            {"kind": "请选择活动类型（春送岗位、夏送清凉、金秋助学、冬送温暖）。"}
        )
    out["kind"] = kind
    title = (values.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": "请填写活动名称。"})
    out["title"] = title[:128]
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if not starts:
        raise ValidationError({"starts_on": "请填写开始日期。"})
    if not ends:
        raise ValidationError({"ends_on": "请填写结束日期。"})
    if ends < starts:
        raise ValidationError({"ends_on": "结束日期不能早于开始日期。"})
    year = values.get("year") or starts.year
    if not isinstance(year, int) or not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": "年度不正确。"})
    out.update(starts_on=starts, ends_on=ends, year=year)
    out["budget"] = money.parse_amount(
        values.get("budget") or "0", field="budget", label="预算", allow_zero=True
    )
    groups = values.get("target_groups") or []
    if any(g not in TargetGroup.values for g in groups):
        raise ValidationError({"target_groups": "慰问/服务对象不正确。"})
    out["target_groups"] = sorted(set(groups))
    out["summary"] = (values.get("summary") or "").strip()[:5000]
    return out


def _funds(raw: dict | None) -> dict[str, Decimal]:
    funds = {}
    for source, amount in (raw or {}).items():
        if source not in FundSource.values:
            raise ValidationError({"funds": "资金来源不正确。"})
        if amount in (None, "", 0, "0"):
            continue
        funds[source] = money.parse_amount(
            amount, field="funds", label=f"{FundSource(source).label}金额"
        )
    return funds


@transaction.atomic
def create_campaign(
    values: dict, org: Organization, *, actor, funds: dict | None = None, sites=()
) -> Campaign:
    _require_change(actor)
    fresh = Organization.objects.visible_to(actor, "change").filter(pk=org.pk).first()
    if fresh is None:
        raise ValidationError({"org": "工会不存在或不在您的管理范围内。"})
    data = _clean(values)
    planned = _funds(funds)
    campaign = Campaign.objects.create(org=fresh, created_by_name=_name(actor), **data)
    CampaignFund.objects.bulk_create(
        [CampaignFund(campaign=campaign, fund_source=s, amount=a) for s, a in planned.items()]
    )
    _set_sites(campaign, sites, actor)
    audit.record(
        actor,
        "campaign.create",
        campaign,
        changes={"kind": data["kind"], "year": data["year"], "budget": data["budget"]},
    )
    return campaign


def _set_sites(campaign: Campaign, sites, actor) -> None:
    from smartunion.venues.models import Venue

    ids = [getattr(s, "pk", s) for s in sites]
    found = list(Venue.objects.visible_to(actor).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"sites": "活动地点中有的阵地不存在或不在您的管理范围内。"})
    campaign.sites.set(found)


@transaction.atomic
def update_campaign(
    campaign: Campaign, values: dict, *, actor, funds: dict | None = None, sites=None
) -> Campaign:
    locked = lock_campaign(campaign.pk, actor)
    data = _clean({**values, "kind": locked.kind})
    before = {k: getattr(locked, k) for k in data}
    for key, value in data.items():
        setattr(locked, key, value)
    locked.save()
    if funds is not None:
        planned = _funds(funds)
        locked.funds.all().delete()
        CampaignFund.objects.bulk_create(
            [CampaignFund(campaign=locked, fund_source=s, amount=a) for s, a in planned.items()]
        )
    if sites is not None:
        _set_sites(locked, sites, actor)
    audit.record(actor, "campaign.update", locked, changes=audit.diff(before, data))
    return locked


# ---- lines ------------------------------------------------------------------------------------


@dataclass
class LineData:
    name: str = ""
    id_number: str = ""
    person: Person | None = None
    hardship_file: HardshipFile | None = None
    group: str = TargetGroup.OTHER
    form: str = AidForm.CASH
    amount: object = None
    goods: str = ""
    goods_value: object = None
    bank_name: str = ""
    bank_card: str = ""
    unit: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)


def _line_money(data: LineData) -> tuple[Decimal | None, Decimal | None]:
    if data.form not in AidForm.values:
        raise ValidationError({"form": "请选择形式（现金、实物或服务）。"})
    amount = goods_value = None
    if data.form == AidForm.CASH:
        amount = money.parse_amount(data.amount, field="amount", label="金额")
    elif data.goods_value not in (None, ""):
        goods_value = money.parse_amount(
            data.goods_value, field="goods_value", label="物品价值", allow_zero=True
        )
    if data.form == AidForm.GOODS and not (data.goods or "").strip():
        raise ValidationError({"goods": "请填写物品名称和数量。"})
    return amount, goods_value


@transaction.atomic
def add_line(campaign: Campaign, data: LineData, *, actor) -> CampaignLine:
    """Add one person to the campaign's list (by hand)."""
    locked = lock_campaign(campaign.pk, actor)
    if locked.kind == CampaignKind.AUTUMN:
        raise ValidationError(
            "金秋助学的发放名单由审批通过的助学申请生成，请在“金秋助学申请”中办理。"
        )
    if data.group not in TargetGroup.values:
        raise ValidationError({"group": "请选择对象类别。"})
    name = (data.name or "").strip()
    if data.person is not None:
        name = data.person.name
        id_hash, id_masked = data.person.id_hash, data.person.id_masked
    else:
        if not name:
            raise ValidationError({"name": "请填写姓名。"})
        try:
            ident = parse_id_number(data.id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from None
        id_hash, id_masked = id_blind_index(ident.number), ident.masked
    amount, goods_value = _line_money(data)
    card, card_masked = "", ""
    if data.bank_card:
        try:
            card = validate_bank_card(data.bank_card)
        except ValidationError as exc:
            raise ValidationError({"bank_card": exc.messages}) from None
        card_masked = mask_bank_card(card)
    line = CampaignLine(
        campaign=locked,
        org=locked.org,
        person=data.person,
        hardship_file=data.hardship_file,
        name=name[:64],
        id_hash=id_hash,
        id_masked=id_masked,
        unit=(data.unit or "").strip()[:128],
        group=data.group,
        form=data.form,
        amount=amount,
        goods=(data.goods or "").strip()[:128],
        goods_value=goods_value,
        bank_name=(data.bank_name or "").strip()[:64],
        bank_card=card,
        bank_card_masked=card_masked,
        state=LineState.PROPOSED if data.form == AidForm.CASH else LineState.APPROVED,
        note=(data.note or "").strip()[:200],
    )
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError:
        raise ValidationError({"id_number": "此人已在本次活动的名单中。"}) from None
    audit.record(actor, "campaign.line_add", locked, changes={"line": line.pk, "id": id_masked})
    return line


def lock_line(line_id, actor) -> CampaignLine:
    try:
        return (
            CampaignLine.objects.visible_to(actor, "change")
            .select_for_update(of=("self",))
            .select_related("campaign", "org")
            .get(pk=line_id)
        )
    except (CampaignLine.DoesNotExist, ValueError, TypeError):
        raise NotInScope("名单明细") from None


@transaction.atomic
def remove_line(line: CampaignLine, *, actor, reason: str) -> CampaignLine:
    locked = lock_line(line.pk, actor)
    if locked.state in (LineState.PAID, LineState.REMOVED, LineState.IN_NOTICE):
        raise ValidationError(f"“{locked.name}”当前为“{locked.get_state_display()}”，不能移除。")
    if locked.student_aid_id:
        raise ValidationError("金秋助学名单中的学生请在助学申请中办理。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写移除原因。"})
    locked.state = LineState.REMOVED
    locked.note = f"移除：{reason}"[:200]
    locked.save(update_fields=["state", "note"])
    audit.record(actor, "campaign.line_remove", locked, changes={"reason": reason[:100]})
    return locked


@transaction.atomic
def build_roster(
    campaign: Campaign,
    source: str,
    *,
    actor,
    amount=None,
    form: str = AidForm.CASH,
    goods: str = "",
) -> int:
    """Add everyone the source names who is not on the list yet; returns how many were added."""
    locked = lock_campaign(campaign.pk, actor)
    if locked.kind == CampaignKind.AUTUMN:
        raise ValidationError("金秋助学的发放名单由审批通过的助学申请生成。")
    if source not in ROSTER_SOURCES:
        raise ValidationError({"source": "名单来源不正确。"})
    data = LineData(form=form, amount=amount, goods=goods)
    line_amount, goods_value = _line_money(data)
    taken = set(
        CampaignLine.objects.filter(campaign=locked).live().values_list("id_hash", flat=True)
    )
    rows = []
    state = LineState.PROPOSED if form == AidForm.CASH else LineState.APPROVED

    def add(**kw):
        if kw["id_hash"] in taken:
            return
        taken.add(kw["id_hash"])
        rows.append(
            CampaignLine(
                campaign=locked,
                org=locked.org,
                form=form,
                amount=line_amount,
                goods=goods[:128],
                goods_value=goods_value,
                state=state,
                **kw,
            )
        )

    subtree = Q(org__path__startswith=locked.org.path)
    if source == "hardship":
        files = (
            HardshipFile.objects.filter(subtree, state="in_file")
            .select_related("head", "org")
            .order_by("id")
        )
        for f in files.iterator(chunk_size=2000):
            add(
                person=f.head,
                hardship_file=f,
                name=f.head.name,
                id_hash=f.head.id_hash,
                id_masked=f.head.id_masked,
                unit=f.org.name[:128],
                group=TargetGroup.HARDSHIP,
                bank_name=f.bank_name,
                bank_card=f.bank_card,
                bank_card_masked=f.bank_card_masked,
            )
    else:
        memberships = Membership.objects.filter(subtree, status__in=CURRENT_STATUSES)
        if source == "model_workers":
            memberships = memberships.filter(person__is_model_worker=True)
            group = TargetGroup.MODEL_WORKER
        else:
            regions = set(locked.sites.values_list("region_id", flat=True))
            if not regions:
                raise ValidationError(
                    {"source": "请先为活动选择活动地点（驿站等阵地），再按地点生成名单。"}
                )
            memberships = memberships.filter(
                person__new_form_type__in=OUTDOOR_TYPES, org__region_id__in=regions
            )
            group = TargetGroup.OUTDOOR
        for m in (
            memberships.select_related("person", "org").order_by("id").iterator(chunk_size=2000)
        ):
            add(
                person=m.person,
                name=m.person.name,
                id_hash=m.person.id_hash,
                id_masked=m.person.id_masked,
                unit=m.org.name[:128],
                group=group,
            )
    CampaignLine.objects.bulk_create(rows, batch_size=1000)
    audit.record(actor, "campaign.roster", locked, changes={"source": source, "added": len(rows)})
    return len(rows)


# ---- 公示 of lines -----------------------------------------------------------------------------


def _line_published(line, actor, note) -> None:
    CampaignLine.objects.filter(pk=line.pk, state=LineState.PROPOSED).update(
        state=LineState.IN_NOTICE
    )


def _line_closed(line, actor, note) -> None:
    CampaignLine.objects.filter(pk=line.pk, state=LineState.IN_NOTICE).update(
        state=LineState.APPROVED
    )


def _line_withdrawn(line, actor, note) -> None:
    CampaignLine.objects.filter(pk=line.pk, state=LineState.IN_NOTICE).update(
        state=LineState.REMOVED, note=note[:200]
    )


def _line_describe(line) -> dict:
    return {
        "name_masked": notices.mask_name(line.name),
        "org_name": line.unit or line.org.name,
        "category": line.get_group_display(),
        "detail": line.campaign.title,
        "amount": line.amount,
    }


def line_subject_kind() -> notices.SubjectKind:
    return notices.SubjectKind(
        key="assistance.campaignline",
        label="四送活动慰问/资助名单",
        model=CampaignLine,
        ready=lambda user: (
            CampaignLine.objects.visible_to(user, "change")
            .filter(state=LineState.PROPOSED, form=AidForm.CASH)
            .select_related("campaign", "org")
        ),
        describe=_line_describe,
        published=_line_published,
        closed=_line_closed,
        withdrawn=_line_withdrawn,
    )


# ---- paying ------------------------------------------------------------------------------------


@transaction.atomic
def pay_lines(
    campaign: Campaign,
    *,
    actor,
    fund_source: str,
    paid_on: dt.date | None = None,
    line_ids: list[int] | None = None,
) -> int:
    """Record the payment of the campaign's approved cash lines (all, or the given ones)."""
    locked = lock_campaign(campaign.pk, actor)
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "发放日期不能晚于今天。"})
    lines = CampaignLine.objects.select_for_update().filter(
        campaign=locked, state=LineState.APPROVED, form=AidForm.CASH
    )
    if line_ids is not None:
        lines = lines.filter(pk__in=line_ids)
    lines = list(lines.order_by("id"))
    if not lines:
        raise ValidationError("没有待发放的现金名单（现金须先经公示）。")
    missing = [line for line in lines if not line.bank_card]
    if missing:
        raise ValidationError(f"{missing[0].name} 没有银行卡号，不能打卡发放；请补录后再发放。")
    purpose = CAMPAIGN_PURPOSE[locked.kind]
    # The statistics' summaries of the aid paid (stats.kept): the lines count once paid (none
    # of them counted before), added below.
    ids = [line.pk for line in lines]
    for line in lines:
        try:
            money.pay(
                line,
                org=locked.org,
                beneficiary=money.Beneficiary(
                    line.name, line.id_hash, line.id_masked, line.bank_card_masked
                ),
                amount=line.amount,
                purpose=purpose,
                purpose_label=AidType(purpose).label,
                fund_source=fund_source,
                paid_on=paid_on,
                actor=actor,
                note=locked.title,
            )
        except ValidationError as exc:
            messages = exc.message_dict.get("amount") or exc.messages
            raise ValidationError(f"{line.name}（{line.id_masked}）：{messages[0]}") from None
        line.state = LineState.PAID
        line.paid_on = paid_on
        line.save(update_fields=["state", "paid_on"])
    kept.added(CampaignLine, ids)
    audit.record(
        actor, "campaign.pay", locked, changes={"lines": len(lines), "fund_source": fund_source}
    )
    return len(lines)


def bank_file(campaign: Campaign, *, actor) -> tuple[bytes, int]:
    """代发文件: the approved cash lines for the bank (xlsx), with full card numbers; the
    caller checks the export_pii permission; the export is audited here."""
    import xlsxwriter

    if not actor.can("export_pii"):
        raise PermissionDenied("您的账号没有导出个人信息的权限（代发文件含完整银行卡号）。")
    lines = list(
        CampaignLine.objects.visible_to(actor)
        .filter(campaign=campaign, state=LineState.APPROVED, form=AidForm.CASH)
        .order_by("id")
    )
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("代发明细")
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    amount = book.add_format({"num_format": "0.00"})
    sheet.write(
        0,
        0,
        f"{campaign.title} 代发明细（导出人：{_name(actor)}，{timezone.localtime():%Y-%m-%d %H:%M}）",
        bold,
    )
    head = ["序号", "姓名", "身份证号码", "开户银行", "银行卡号", "金额（元）", "用途"]
    for col, title in enumerate(head):
        sheet.write(1, col, title, bold)
    total = Decimal("0.00")
    for row, line in enumerate(lines, 2):
        sheet.write(row, 0, row - 1)
        sheet.write(row, 1, line.name)
        sheet.write_string(row, 2, line.id_masked, text)
        sheet.write(row, 3, line.bank_name)
        sheet.write_string(row, 4, line.bank_card, text)
        sheet.write_number(row, 5, float(line.amount), amount)  # xlsx stores numbers as doubles
        sheet.write(row, 6, campaign.get_kind_display())
        total += line.amount
    sheet.write(len(lines) + 2, 4, "合计", bold)
    sheet.write_string(len(lines) + 2, 5, f"{total:.2f}")
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 6, 20)
    book.close()
    audit.record(
        actor,
        "campaign.bank_file",
        campaign,
        changes={"lines": len(lines), "total": str(total), "pii": True},
    )
    return buffer.getvalue(), len(lines)


# ---- figures -----------------------------------------------------------------------------------


@dataclass
class CampaignFigures:
    people: int = 0
    by_group: dict[str, int] = field(default_factory=dict)
    by_state: dict[str, int] = field(default_factory=dict)
    cash_planned: Decimal = Decimal("0.00")
    cash_paid: Decimal = Decimal("0.00")
    goods_value: Decimal = Decimal("0.00")
    students: int = 0


def figures(campaign: Campaign) -> CampaignFigures:
    """Summary figures computed from the lines (never typed)."""
    lines = CampaignLine.objects.filter(campaign=campaign).live()
    out = CampaignFigures()
    for row in lines.values("group").annotate(n=Count("id")).order_by():
        out.by_group[row["group"]] = row["n"]
        out.people += row["n"]
    for row in lines.values("state").annotate(n=Count("id")).order_by():
        out.by_state[row["state"]] = row["n"]
    sums = lines.aggregate(
        planned=Sum("amount", filter=Q(form=AidForm.CASH)),
        paid=Sum("amount", filter=Q(form=AidForm.CASH, state=LineState.PAID)),
        goods=Sum("goods_value"),
    )
    out.cash_planned = sums["planned"] or Decimal("0.00")
    out.cash_paid = sums["paid"] or Decimal("0.00")
    out.goods_value = sums["goods"] or Decimal("0.00")
    out.students = campaign.student_aids.count() if campaign.kind == CampaignKind.AUTUMN else 0
    return out
