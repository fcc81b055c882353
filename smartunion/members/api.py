"""会员 API: search, read, register, edit, and every step of the membership lifecycle.

Handlers are thin: a strict schema in, a scoped fetch (404 outside the user's subtree), one
service call from ``members.services``, a schema out. ID numbers and phones leave only masked,
except through ``POST /members/{person_id}/reveal``, which needs ``reveal_pii`` and is audited.
Lists page like every list of the API (core.pagination): ``limit`` and ``after`` in, ``items``
and ``next`` out, never counting the 2.3 million rows.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from smartunion.core.api import (
    Day,
    StrictSchema,
    api_errors,
    code_type,
    get_or_404,
    require,
    set_fields,
)
from smartunion.core.codes import (
    Education,
    EmploymentStatus,
    Ethnicity,
    HukouType,
    NewFormType,
    PoliticalStatus,
    SkillLevel,
)
from smartunion.core.pagination import PageIn, keyset_page, page_schema
from smartunion.core.redact import has_personal_number
from smartunion.members import services
from smartunion.members.models import (
    CURRENT_STATUSES,
    RETAIN_REASONS,
    ApplicationChannel,
    ChangeReason,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
)
from smartunion.orgs.models import Organization

router = Router(tags=["会员"])

EthnicityCode = code_type(Ethnicity, blank=False)
EducationCode = code_type(Education, blank=False)
PoliticalStatusCode = code_type(PoliticalStatus, blank=False)
HukouTypeCode = code_type(HukouType, blank=False)
EmploymentStatusCode = code_type(EmploymentStatus, blank=False)
SkillLevelCode = code_type(SkillLevel, blank=False)
NewFormTypeCode = code_type(NewFormType, blank=False)
# An application comes in writing, orally or online; "record" is for registrations on paper.
ChannelCode = code_type(
    [c for c in ApplicationChannel.values if c != ApplicationChannel.PAPER_RECORD], blank=False
)
ReasonCode = code_type(ChangeReason, blank=False)
RetainReasonCode = code_type([r.value for r in RETAIN_REASONS], blank=False)
PiiField = code_type(["id_number", "phone"], blank=False)
Box = code_type(["in", "out", "all"], blank=False)


# ---- schemas out -------------------------------------------------------------------------


class MembershipOut(Schema):
    """会籍: one membership of one union (current or past)."""

    id: int
    person: int = Field(alias="person_id")
    person_name: str
    org: int = Field(alias="org_id")
    org_name: str
    status: str
    status_label: str
    channel: str
    applied_on: dt.date | None
    joined_on: dt.date | None
    card_no: str
    retained_on: dt.date | None
    ended_on: dt.date | None
    end_type: str

    @staticmethod
    def resolve_person_name(obj: Membership) -> str:
        return obj.person.name

    @staticmethod
    def resolve_org_name(obj: Membership) -> str:
        return obj.org.name

    @staticmethod
    def resolve_status_label(obj: Membership) -> str:
        return obj.get_status_display()


class EventOut(Schema):
    """会籍变动: one step of the history, with the national change type and reason."""

    id: int
    membership: int = Field(alias="membership_id")
    org: int = Field(alias="org_id")
    org_name: str
    change_type: str
    change_type_label: str
    reason: str
    reason_label: str
    occurred_on: dt.date
    note: str
    actor_name: str

    @staticmethod
    def resolve_org_name(obj: MembershipEvent) -> str:
        return obj.org.name

    @staticmethod
    def resolve_change_type_label(obj: MembershipEvent) -> str:
        return obj.get_change_type_display()

    @staticmethod
    def resolve_reason_label(obj: MembershipEvent) -> str:
        return obj.get_reason_display() if obj.reason else ""


class TransferOut(Schema):
    """转会: sent by the old union, accepted or declined by the new one."""

    id: int
    membership: int = Field(alias="membership_id")
    person: int = Field(alias="person_id")
    person_name: str
    from_org: int = Field(alias="from_org_id")
    from_org_name: str
    to_org: int = Field(alias="to_org_id")
    to_org_name: str
    kind: str = Field(description="send 转出（原工会发起）/ request 申请转入（新工会发起）")
    kind_label: str
    status: str
    status_label: str
    reason: str
    note: str
    sent_on: dt.date
    decided_on: dt.date | None
    sent_by_name: str
    decided_by_name: str

    @staticmethod
    def resolve_person_name(obj: Transfer) -> str:
        return obj.person.name

    @staticmethod
    def resolve_from_org_name(obj: Transfer) -> str:
        return obj.from_org.name

    @staticmethod
    def resolve_to_org_name(obj: Transfer) -> str:
        return obj.to_org.name

    @staticmethod
    def resolve_kind_label(obj: Transfer) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: Transfer) -> str:
        return obj.get_status_display()


class MemberItem(Schema):
    """A member in a list: masked ID number and phone, the union, the membership status."""

    id: int
    name: str
    gender: str
    id_number: str = Field(alias="id_masked")
    phone: str = Field(alias="phone_masked")
    org: int = Field(alias="org_id")
    org_name: str
    membership_status: str | None

    @staticmethod
    def resolve_org_name(obj: Person) -> str:
        return obj.org.name


class MemberDetail(MemberItem):
    """One member with the fields of 《工会会员基本信息采集表》 and the whole history."""

    gender_label: str
    # Beside the masked number the birth date would complete it: the year and the age only
    # (the full number, with its date, comes from POST /members/{id}/reveal).
    birth_year: int
    age: int
    ethnicity: str
    education: str
    political_status: str
    hukou_type: str
    is_migrant_worker: bool
    employment_status: str
    skill_level: str
    occupation: str
    professional_title: str
    new_form_type: str
    is_model_worker: bool
    labels: dict[str, str]
    current: MembershipOut | None
    memberships: list[MembershipOut]
    events: list[EventOut]
    pending_transfers: list[TransferOut]

    @staticmethod
    def resolve_gender_label(obj: Person) -> str:
        return obj.get_gender_display()

    @staticmethod
    def resolve_birth_year(obj: Person) -> int:
        return obj.birth_date.year

    # The lists come from _detail(), which loads each in one query whatever the history's length.
    @staticmethod
    def resolve_current(obj: Person) -> Membership | None:
        return obj.current

    @staticmethod
    def resolve_memberships(obj: Person) -> list[Membership]:
        return obj.memberships_list

    @staticmethod
    def resolve_events(obj: Person) -> list[MembershipEvent]:
        return obj.events_list

    @staticmethod
    def resolve_pending_transfers(obj: Person) -> list[Transfer]:
        return obj.pending

    @staticmethod
    def resolve_labels(obj: Person) -> dict[str, str]:
        """The Chinese names of the coded fields, e.g. {"ethnicity": "汉族"}."""
        return {
            name: getattr(obj, f"get_{name}_display")()
            for name in CODED_FIELDS
            if getattr(obj, name)
        }


class RevealOut(Schema):
    field: str
    value: str


# ---- schemas in --------------------------------------------------------------------------

CODED_FIELDS = (
    "ethnicity",
    "education",
    "political_status",
    "hukou_type",
    "employment_status",
    "skill_level",
    "new_form_type",
)


class PersonFieldsIn(StrictSchema):
    """The fields of 《工会会员基本信息采集表》 besides name, ID number and phone (optional)."""

    ethnicity: EthnicityCode = None
    education: EducationCode = None
    political_status: PoliticalStatusCode = None
    hukou_type: HukouTypeCode = None
    is_migrant_worker: bool = None
    employment_status: EmploymentStatusCode = None
    skill_level: SkillLevelCode = None
    occupation: str = Field(None, max_length=64)
    professional_title: str = Field(None, max_length=64)
    new_form_type: NewFormTypeCode = None
    is_model_worker: bool = None

    def person_extra(self) -> dict:
        return {k: v for k in services.PERSON_FIELDS if (v := getattr(self, k)) is not None}


class RegisterIn(PersonFieldsIn):
    name: str
    id_number: str = Field(description="18位居民身份证号码")
    phone: str = ""
    org: int = Field(description="所在工会的 id")
    joined_on: Day | None = Field(None, description="入会日期，默认今天")
    card_no: str = Field("", max_length=20, description="会员证号；不填则自动发放")


class ApplicationIn(PersonFieldsIn):
    """入会申请: a new person (name, id_number, phone) or a known one rejoining (person)."""

    org: int
    person: int | None = Field(None, description="重新入会的已登记人员 id")
    name: str = ""
    id_number: str = ""
    phone: str = ""
    channel: ChannelCode = ApplicationChannel.WRITTEN.value
    applied_on: Day | None = None


class PersonUpdateIn(PersonFieldsIn):
    """Only the fields sent are changed; the ID number cannot be (a wrong one is a new person)."""

    name: str = None
    phone: str = None


class OnIn(StrictSchema):
    on: Day | None = Field(None, description="日期，默认今天")


class NoteIn(StrictSchema):
    on: Day | None = None
    note: str = Field("", max_length=200)


class NoteOnlyIn(StrictSchema):
    note: str = Field("", max_length=200)


class RetainIn(StrictSchema):
    reason: RetainReasonCode
    on: Day | None = None


class TransferIn(StrictSchema):
    to_org: int = Field(description="转入工会的 id")
    reason: ReasonCode = ChangeReason.LABOR_RELATION.value
    note: str = Field("", max_length=200)


class RevealIn(StrictSchema):
    field: PiiField


class MemberFilters(PageIn):
    q: str = Field("", max_length=64, description="姓名开头、拼音首字母、全拼或完整身份证号码")
    org: int | None = Field(None, description="工会 id（含其全部下级工会）")


class MemberSearchIn(StrictSchema, PageIn):
    """The member list's search in a body (paged like every list: ``limit``, ``after``)."""

    q: str = Field("", max_length=64, description="姓名开头、拼音首字母、全拼或完整身份证号码")
    org: int | None = Field(None, description="工会 id（含其全部下级工会）")


class TransferRequestIn(StrictSchema):
    """申请转入: the person's full name and full ID number, and the union asking."""

    name: str = Field(max_length=64, description="姓名（全名）")
    id_number: str = Field(max_length=18, description="完整身份证号码（不回显、不记入日志）")
    to_org: int = Field(description="转入工会（本方工会）的 id")
    reason: ReasonCode = ChangeReason.LABOR_RELATION.value
    note: str = Field("", max_length=200)


class TransferFilters(PageIn):
    box: Box = Field(
        "all",
        description="in 待本方处理（转入本方、申请本方会员转出）/ out 本方发出 / all",
    )
    status: code_type(TransferStatus) = Field("pending", description="空为全部状态")


# ---- helpers -----------------------------------------------------------------------------


def _with_status(qs: QuerySet) -> QuerySet:
    current = Membership.objects.filter(person=OuterRef("pk"), status__in=CURRENT_STATUSES).values(
        "status"
    )[:1]
    return qs.annotate(membership_status=Subquery(current))


def _detail(person_id: int) -> Person:
    person = _with_status(Person.objects.select_related("org")).get(pk=person_id)
    memberships = list(person.memberships.select_related("org", "person").order_by("id"))
    person.memberships_list = memberships
    person.current = next((m for m in memberships if m.is_current), None)
    person.events_list = list(person.events.select_related("org").order_by("occurred_on", "id"))
    person.pending = list(
        person.transfers.filter(status=TransferStatus.PENDING).select_related(
            "person", "from_org", "to_org"
        )
    )
    return person


def _membership(m: Membership) -> Membership:
    return Membership.objects.select_related("person", "org").get(pk=m.pk)


def _transfer(t: Transfer) -> Transfer:
    return Transfer.objects.select_related("person", "from_org", "to_org").get(pk=t.pk)


def _get_membership(request, membership_id: int) -> Membership:
    require(request.user, "change")
    return get_or_404(Membership.objects, request.user, membership_id, action="change", what="会籍")


def _org(request, org_id: int) -> Organization:
    """The union a member joins: 404 outside the user's subtree (a forged id does not exist)."""
    return get_or_404(Organization.objects, request.user, org_id, what="工会组织")


def _to_org(request, org_id: int) -> Organization:
    """The receiving union of a transfer; the service decides (and says) whether it may be."""
    org = Organization.objects.visible_to(request.user).filter(pk=org_id).first()
    if org is None:
        raise ValidationError({"to_org": "转入工会不存在或不在您的管理范围内。"})
    return org


def _province_org(request, org_id: int) -> Organization:
    """The receiving union of a transfer sent out: any union of the province (the service
    refuses a dissolved one, saying why)."""
    org = services.province_unions(request.user).filter(pk=org_id).first()
    if org is None:
        raise ValidationError({"to_org": "转入工会不存在，请重新选择。"})
    return org


# ---- members -----------------------------------------------------------------------------


NUMBER_IN_URL = (
    "身份证号码和手机号码不能放在网址中（网址会被记入服务器和代理的访问日志），"
    "请用 POST /api/v1/members/search 查找。"
)


def _members(request, filters: MemberFilters | MemberSearchIn) -> dict:
    qs = Person.objects.visible_to(request.user).search(filters.q)
    if filters.org is not None:
        org = _org(request, filters.org)
        qs = qs.filter(org__path__startswith=org.path)
    return keyset_page(_with_status(qs.select_related("org")), filters, order=("id",))


@router.get("", response=page_schema(MemberItem))
def list_members(request, filters: Query[MemberFilters]):
    """Members in the user's subtree (or under ``org``), by id; ``q`` as on the search page,
    except an ID or phone number, which goes by ``POST /members/search`` (never in a URL)."""
    if has_personal_number(filters.q):
        raise ValidationError({"q": NUMBER_IN_URL})
    return _members(request, filters)


@router.post("/search", response=page_schema(MemberItem))
def search_members(request, payload: MemberSearchIn):
    """The member list searched by a text in the body: any ``q``, including a full ID number
    or a phone number, which must not appear in a URL. Pages like ``GET /members``."""
    return _members(request, payload)


@router.post("", response={201: MemberDetail})
@api_errors(409)
def register_member(request, payload: RegisterIn):
    """Record a member approved on paper: a new person with a current membership in ``org``."""
    require(request.user, "change")
    org = _org(request, payload.org)
    data = services.PersonData(
        name=payload.name,
        id_number=payload.id_number,
        phone=payload.phone,
        extra=payload.person_extra(),
    )
    membership = services.register_member(
        data, org, actor=request.user, joined_on=payload.joined_on, card_no=payload.card_no
    )
    return Status(201, _detail(membership.person_id))


@router.get("/{int:person_id}", response=MemberDetail)
def get_member(request, person_id: int):
    person = get_or_404(Person.objects, request.user, person_id, what="会员")
    return _detail(person.pk)


@router.patch("/{int:person_id}", response=MemberDetail)
def update_member(request, person_id: int, payload: PersonUpdateIn):
    require(request.user, "change")
    person = get_or_404(Person.objects, request.user, person_id, action="change", what="会员")
    services.update_person(person, set_fields(payload), actor=request.user)
    return _detail(person.pk)


@router.post("/{int:person_id}/reveal", response=RevealOut)
def reveal_member_pii(request, person_id: int, payload: RevealIn, response: HttpResponse):
    """The full ID number or phone: needs the reveal permission and writes an audit entry."""
    require(request.user, "reveal_pii")
    person = get_or_404(Person.objects, request.user, person_id, action="reveal_pii", what="会员")
    value = services.reveal_person_pii(person, actor=request.user, field_name=payload.field)
    response["Cache-Control"] = "no-store"
    return {"field": payload.field, "value": value}


# ---- applications (入会申请) ---------------------------------------------------------------


@router.get("/applications", response=page_schema(MembershipOut))
def list_applications(request, filters: Query[PageIn]):
    """Applications waiting for approval in the user's subtree, the longest waiting first."""
    qs = (
        Membership.objects.visible_to(request.user)
        .filter(status=MembershipStatus.APPLIED)
        .select_related("person", "org")
    )
    return keyset_page(qs, filters, order=("applied_on", "id"))


@router.post("/applications", response={201: MembershipOut})
@api_errors(409)
def apply(request, payload: ApplicationIn):
    """入会申请 for ``org``: a new person, or ``person`` (already registered) rejoining."""
    require(request.user, "change")
    org = _org(request, payload.org)
    if payload.person is not None:
        data = get_or_404(Person.objects, request.user, payload.person, what="会员")
    else:
        missing = {
            k: "必须填写（或提供 person 表示已登记人员重新入会）。"
            for k in ("name", "id_number")
            if not getattr(payload, k).strip()
        }
        if missing:
            raise ValidationError(missing)
        data = services.PersonData(
            name=payload.name,
            id_number=payload.id_number,
            phone=payload.phone,
            extra=payload.person_extra(),
        )
    membership = services.apply_for_membership(
        data, org, actor=request.user, channel=payload.channel, applied_on=payload.applied_on
    )
    return Status(201, _membership(membership))


@router.post("/memberships/{int:membership_id}/approve", response=MembershipOut)
@api_errors(409)
def approve(request, membership_id: int, payload: OnIn):
    """批准入会: the membership counts from ``on``; a 会员证号 is issued."""
    m = _get_membership(request, membership_id)
    return _membership(services.approve_application(m, actor=request.user, on=payload.on))


@router.post("/memberships/{int:membership_id}/reject", response=MembershipOut)
@api_errors(409)
def reject(request, membership_id: int, payload: NoteOnlyIn):
    m = _get_membership(request, membership_id)
    return _membership(services.reject_application(m, actor=request.user, note=payload.note))


# ---- transfers (转会) ---------------------------------------------------------------------


@router.get("/transfers", response=page_schema(TransferOut))
def list_transfers(request, filters: Query[TransferFilters]):
    """Transfers touching the user's subtree, of both kinds (``kind``: send 转出, request
    申请转入): ``in`` for the user's side to decide, ``out`` started by it; the oldest first."""
    qs = Transfer.objects.visible_to(request.user).select_related("person", "from_org", "to_org")
    if filters.box == "in":
        qs = qs.to_decide(request.user)
    elif filters.box == "out":
        qs = qs.started_by(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return keyset_page(qs, filters, order=("sent_on", "id"))


@router.post("/memberships/{int:membership_id}/transfer", response={201: TransferOut})
@api_errors(409)
def send_transfer(request, membership_id: int, payload: TransferIn):
    """发起转会: the member stays in the old union until the new one accepts."""
    m = _get_membership(request, membership_id)
    to_org = _province_org(request, payload.to_org)
    transfer = services.send_transfer(
        m, to_org, actor=request.user, reason=payload.reason, note=payload.note
    )
    return Status(201, _transfer(transfer))


@router.post("/transfer-requests", response={201: TransferOut})
@api_errors(409, 429)
def request_transfer(request, payload: TransferRequestIn):
    """申请转入: ask for a current member of another union by full name and full ID number.

    A pair that does not match a registered person is refused with one answer (姓名与身份证号码
    不一致), whether or not the number is registered; each lookup is audited, and an account
    with too many misses gets 429 until the next time slot (``SMARTUNION_TRANSFER_LOOKUP_RATE``).
    """
    require(request.user, "change")
    to_org = get_or_404(
        Organization.objects, request.user, payload.to_org, action="change", what="工会组织"
    )
    transfer = services.request_transfer(
        payload.name,
        payload.id_number,
        to_org,
        actor=request.user,
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201, _transfer(transfer))


@router.post("/memberships/{int:membership_id}/transfer-now", response=MembershipOut)
@api_errors(409)
def transfer_now(request, membership_id: int, payload: TransferIn):
    """转会 in one step, when the user's subtree holds both unions: the new membership."""
    m = _get_membership(request, membership_id)
    to_org = _to_org(request, payload.to_org)
    new = services.transfer_membership(
        m, to_org, actor=request.user, reason=payload.reason, note=payload.note
    )
    return _membership(new)


@router.post("/transfers/{int:transfer_id}/accept", response=MembershipOut)
@api_errors(409)
def accept_transfer(request, transfer_id: int):
    """接收转会 (转出: by the receiving union) or 同意转出 (申请转入: by the person's union): the
    new membership."""
    require(request.user, "change")
    transfer = get_or_404(Transfer.objects, request.user, transfer_id, what="转会记录")
    return _membership(services.accept_transfer(transfer, actor=request.user))


@router.post("/transfers/{int:transfer_id}/decline", response=TransferOut)
@api_errors(409)
def decline_transfer(request, transfer_id: int, payload: NoteOnlyIn):
    """撤回 (by the side that started it) or 退回/不同意 (by the side that decides) a pending
    transfer; refusing a 申请转入 needs a ``note`` (the reason)."""
    require(request.user, "change")
    transfer = get_or_404(Transfer.objects, request.user, transfer_id, what="转会记录")
    return _transfer(services.decline_transfer(transfer, actor=request.user, note=payload.note))


# ---- retain, restore, leave, expel --------------------------------------------------------


@router.post("/memberships/{int:membership_id}/retain", response=MembershipOut)
@api_errors(409)
def retain(request, membership_id: int, payload: RetainIn):
    """保留会籍 on retirement, 内退, unemployment, lay-off or the employer's bankruptcy."""
    m = _get_membership(request, membership_id)
    return _membership(
        services.retain_membership(m, actor=request.user, reason=payload.reason, on=payload.on)
    )


@router.post("/memberships/{int:membership_id}/restore", response=MembershipOut)
@api_errors(409)
def restore(request, membership_id: int, payload: OnIn):
    m = _get_membership(request, membership_id)
    return _membership(services.restore_membership(m, actor=request.user, on=payload.on))


@router.post("/memberships/{int:membership_id}/leave", response=MembershipOut)
@api_errors(409)
def leave(request, membership_id: int, payload: NoteIn):
    """退会 on the member's written request."""
    m = _get_membership(request, membership_id)
    return _membership(
        services.leave_union(m, actor=request.user, on=payload.on, note=payload.note)
    )


@router.post("/memberships/{int:membership_id}/expel", response=MembershipOut)
@api_errors(409)
def expel(request, membership_id: int, payload: NoteIn):
    """开除会籍 (除名) after a criminal penalty."""
    m = _get_membership(request, membership_id)
    return _membership(
        services.expel_member(m, actor=request.user, on=payload.on, note=payload.note)
    )
