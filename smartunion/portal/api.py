"""The workers' API at /api/v1/portal/ (issue 14; decision 0021).

Sign-in routes need no login; every other portal route takes only a worker's token
(``WorkerBearer``), never a staff session or staff token — and staff routes never take a
worker's token (theirs are looked up in ``accounts.ApiToken`` only).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from smartunion.core.api import BearerToken, StrictSchema, api_errors
from smartunion.core.idnumber import mask_phone, normalize_phone
from smartunion.core.ratelimit import AddressRate
from smartunion.members.models import Person
from smartunion.portal import binding, ecard, services, signin


class WorkerBearer(BearerToken):
    """``Authorization: Bearer <token>`` with a token from ``POST /api/v1/portal/auth/token``."""

    def authenticate(self, request, token):
        worker = signin.worker_for(token)
        if worker is not None:
            request.worker = worker
        return worker


worker_auth = WorkerBearer()
router = Router(tags=["职工之家"], auth=worker_auth)
PHONE = re.compile(r"^1[3-9]\d{9}$")


def _phone(value: str) -> str:
    value = normalize_phone(value)
    if not PHONE.match(value):
        raise ValueError("请输入11位手机号码")
    return value


class PortalCodeIn(Schema):
    phone: str

    _check = field_validator("phone")(classmethod(lambda cls, v: _phone(v)))


class PortalTokenIn(Schema):
    phone: str
    code: str

    _check = field_validator("phone")(classmethod(lambda cls, v: _phone(v)))


class PortalTokenOut(Schema):
    token: str


class PortalMeOut(Schema):
    phone_masked: str
    token_expires_at: str
    bound: bool
    name_masked: str


class PortalBindIn(StrictSchema):
    name: str
    id_number: str


class PortalEventOut(Schema):
    occurred_on: dt.date
    change_type: str
    change_type_label: str
    union: str


class PortalMembershipOut(Schema):
    union: str
    union_path: list[str]
    status: str
    status_label: str
    joined_on: dt.date | None
    card_no: str
    history: list[PortalEventOut]


class PortalCardOut(Schema):
    token: str
    expires_at: str
    qr_svg: str
    verify_url: str


class VerifyOut(Schema):
    valid: bool
    result: str
    status: str
    union: str
    name_masked: str
    expires_at: str | None


@router.post(
    "/auth/code",
    auth=None,
    response={202: None},
    throttle=AddressRate("portal-code", "SMARTUNION_PORTAL_CODE_RATE"),
    url_name="portal_auth_code",
)
@api_errors(400, 429)
def request_code(request, payload: PortalCodeIn):
    """Send a 6-digit sign-in code to ``phone`` (valid 5 minutes)."""
    try:
        signin.send_code(payload.phone)
    except signin.SignInError as exc:  # the SMS provider refused or is unreachable
        raise HttpError(400, exc.message) from None
    return Status(202, None)


@router.post("/auth/token", auth=None, response=PortalTokenOut, url_name="portal_auth_token")
@api_errors(400)
def issue_token(request, payload: PortalTokenIn):
    """Exchange the SMS code for a worker's token."""
    try:
        key = signin.check_code(payload.phone, payload.code.strip())
    except signin.SignInError as exc:
        raise HttpError(400, exc.message) from None
    return {"token": key}


NOT_BOUND = "请先完成实名认证（姓名和身份证号码）。"


def _bound(request) -> Person:
    person = binding.bound_person(request.worker)
    if person is None:
        raise PermissionDenied(NOT_BOUND)
    return person


@router.get("/me", response=PortalMeOut, url_name="portal_me")
def me(request):
    """The signed-in worker: the masked number, and whether it is bound to a member."""
    person = binding.bound_person(request.worker)
    return {
        "phone_masked": mask_phone(request.worker.phone),
        "token_expires_at": timezone.localtime(request.worker.expires_at).isoformat(),
        "bound": person is not None,
        "name_masked": ecard.mask_name(person.name) if person else "",
    }


@router.post("/bind", response=PortalMeOut, url_name="portal_bind")
@api_errors(422, 429)
def bind(request, payload: PortalBindIn):
    """实名绑定: full name and full ID number of a member whose registry phone is the number
    signed in. Every mismatch answers the same 422 message."""
    try:
        binding.bind(request.worker, payload.name, payload.id_number)
    except binding.BindError as exc:
        raise HttpError(422, exc.message) from None
    return me(request)


def membership_out(person: Person) -> dict | None:
    membership = services.membership_of(person)
    if membership is None:
        return None
    return {
        "union": membership.org.name,
        "union_path": membership.org.path_names,
        "status": membership.status,
        "status_label": membership.get_status_display(),
        "joined_on": membership.joined_on,
        "card_no": membership.card_no,
        "history": [
            {
                "occurred_on": e.occurred_on,
                "change_type": e.change_type,
                "change_type_label": e.get_change_type_display(),
                "union": e.org.name,
            }
            for e in services.history_of(person)
        ],
    }


@router.get("/membership", response=PortalMembershipOut, url_name="portal_membership")
@api_errors(403, 404)
def membership(request):
    """我的会籍: the bound member's union (with its path), status, join date, card number
    and history."""
    out = membership_out(_bound(request))
    if out is None:
        raise HttpError(404, "没有会籍记录。")
    return out


@router.get("/card", response=PortalCardOut, url_name="portal_card")
@api_errors(403)
def card(request):
    """电子会员证: a token valid a few minutes, its QR code (SVG) and the /verify/ address."""
    membership = services.membership_of(_bound(request))
    if membership is None or not membership.is_current:
        raise PermissionDenied("您目前没有有效会籍，无法出示电子会员证。")
    issued = ecard.issue(membership)
    url = ecard.verify_url(request, issued.token)
    return {
        "token": issued.token,
        "expires_at": timezone.localtime(issued.expires_at).isoformat(),
        "qr_svg": ecard.qr_svg(url),
        "verify_url": url,
    }


verify_router = Router(tags=["会员证核验"], auth=None)


def verify_out(result: ecard.Check) -> dict:
    return {
        "valid": result.valid,
        "result": result.result,
        "status": result.status,
        "union": result.union,
        "name_masked": result.name_masked,
        "expires_at": timezone.localtime(result.expires_at).isoformat()
        if result.expires_at
        else None,
    }


@verify_router.get(
    "/{token}",
    response=VerifyOut,
    throttle=AddressRate("verify", "SMARTUNION_VERIFY_RATE"),
    url_name="verify_api",
)
def verify(request, token: str):
    """核验电子会员证 (no login): 有效 / 已过期 / 无效, the masked name, the union and the
    membership's status now — never an ID number."""
    return verify_out(ecard.check(token))


# ---- 我要办事, 我的办事 and 消息 (issue 14; decision 0027) -------------------------------------
# Every object is looked up among the bound worker's own (portal.mine): another worker's id is
# a 404. Photos and documents go with the phone pages' forms (multipart); these take JSON.

from smartunion.core.api import register_labels  # noqa: E402
from smartunion.core.pagination import PageIn, page_schema, sequence_page  # noqa: E402
from smartunion.portal import apply as portal_apply  # noqa: E402
from smartunion.portal import mine, notices  # noqa: E402

register_labels(
    "/portal",
    {
        "category": "诉求类别",
        "summary": "诉求内容",
        "employer": "工作单位",
        "matter": "援助事由",
        "aid_form": "援助形式",
        "facts": "事情经过",
        "campaign": "助学活动",
        "student_name": "学生姓名",
        "student_id_number": "学生身份证号码",
        "school": "学校",
        "level": "就读层次",
        "admission_year": "入学年份",
        "action": "操作",
        "note": "说明",
        "satisfied": "评价",
    },
)


class PortalItemOut(Schema):
    kind: str
    id: int
    number: str
    kind_label: str
    state: str
    state_label: str
    next_step: str
    due_on: dt.date | None
    opened_on: dt.date | None
    closed: bool
    waiting_for_you: bool


class PortalTimelineOut(Schema):
    at: dt.datetime
    label: str
    state_label: str
    union: str
    note: str


class PortalItemDetailOut(PortalItemOut):
    timeline: list[PortalTimelineOut]
    actions: list[str]


class PortalRequestIn(StrictSchema):
    category: str
    summary: str
    employer: str = ""


class PortalLegalAidIn(StrictSchema):
    matter: str
    aid_form: str
    facts: str
    employer: str = ""


class PortalStudentAidIn(StrictSchema):
    campaign: int
    student_name: str
    student_id_number: str
    school: str
    level: str
    admission_year: int


class PortalAnswerIn(StrictSchema):
    action: str
    note: str = ""
    satisfied: str = ""


class PortalNoticeOut(Schema):
    at: dt.datetime
    kind: str
    kind_label: str
    title: str
    text: str
    item_kind: str
    item_id: int
    unread: bool


def item_out(item: mine.Item) -> dict:
    return {
        "kind": item.source,
        "id": item.pk,
        "number": item.number,
        "kind_label": item.kind,
        "state": item.state,
        "state_label": item.state_label,
        "next_step": item.next_step,
        "due_on": item.due_on,
        "opened_on": item.opened_on,
        "closed": item.closed,
        "waiting_for_you": item.yours,
    }


def detail_out(person: Person, kind: str, item_id: int) -> dict:
    source, obj = mine.get(person.pk, kind, item_id)
    case_type = getattr(obj, "case_type", None)
    return {
        **item_out(source.item(obj)),
        "timeline": [
            {
                "at": e.at,
                "label": e.label,
                "state_label": e.state_label,
                "union": e.org_name,
                "note": e.note,
            }
            for e in source.timeline(obj)
        ],
        "actions": [t.name for t in case_type.for_applicant(obj)] if case_type else [],
    }


def _created_out(person: Person, case) -> tuple[int, dict]:
    return Status(201, detail_out(person, case.case_type.key.split(".")[-1], case.pk))


@router.get("/applications", response=page_schema(PortalItemOut), url_name="portal_applications")
@api_errors(403)
def applications(request, page: Query[PageIn]):
    """我的办事: the bound worker's applications and requests, newest first."""
    found = sequence_page(mine.items_of(_bound(request).pk), page, key="number")
    return {**found, "items": [item_out(i) for i in found["items"]]}


@router.get(
    "/applications/{kind}/{item_id}",
    response=PortalItemDetailOut,
    url_name="portal_application",
)
@api_errors(403)
def application(request, kind: str, item_id: int):
    """One of the worker's own applications: state, next step, due date, the timeline meant for
    the applicant, and the actions open to them (``actions``)."""
    return detail_out(_bound(request), kind, item_id)


@router.post(
    "/applications/{kind}/{item_id}/answer",
    response=PortalItemDetailOut,
    url_name="portal_application_answer",
)
@api_errors(403)
def application_answer(request, kind: str, item_id: int, payload: PortalAnswerIn):
    """补正 answered (``action`` one of the item's ``actions``, with a note) or the result rated
    (``satisfied``: yes 满意 / basic 基本满意 / no 不满意)."""
    person = _bound(request)
    source, obj = mine.get(person.pk, kind, item_id)
    t = obj.case_type.transition(payload.action) if hasattr(obj, "case_type") else None
    data = None
    if t is not None and t.form is not None:
        data = {"satisfied": payload.satisfied, "comment": payload.note[:500]}
    portal_apply.answer(person, obj, payload.action, note=payload.note, data=data)
    return detail_out(person, kind, item_id)


@router.post("/requests", response={201: PortalItemDetailOut}, url_name="portal_requests_create")
@api_errors(403)
def create_request(request, payload: PortalRequestIn):
    """我有诉求: a service request of any category (``category``: its code) at the worker's
    union, channel 网上."""
    person = _bound(request)
    case = portal_apply.request_service(
        person, category=payload.category, summary=payload.summary, employer=payload.employer
    )
    return _created_out(person, case)


@router.post("/legal-aid", response={201: PortalItemDetailOut}, url_name="portal_legal_aid_create")
@api_errors(403)
def create_legal_aid(request, payload: PortalLegalAidIn):
    """申请法律援助 at the worker's union (waits for the review)."""
    person = _bound(request)
    case = portal_apply.apply_legal_aid(
        person,
        matter=payload.matter,
        aid_form=payload.aid_form,
        facts=payload.facts,
        employer=payload.employer,
    )
    return _created_out(person, case)


@router.post(
    "/student-aid", response={201: PortalItemDetailOut}, url_name="portal_student_aid_create"
)
@api_errors(403, 409)
def create_student_aid(request, payload: PortalStudentAidIn):
    """金秋助学 for a child registered in the worker's household file (在档)."""
    person = _bound(request)
    case = portal_apply.apply_student_aid(
        person,
        campaign_id=payload.campaign,
        student_name=payload.student_name,
        student_id_number=payload.student_id_number,
        school=payload.school,
        level=payload.level,
        admission_year=payload.admission_year,
    )
    return _created_out(person, case)


@router.get("/notices", response=page_schema(PortalNoticeOut), url_name="portal_notices")
@api_errors(403)
def notice_list(request, page: Query[PageIn]):
    """消息: what concerns the worker, newest first (``unread`` since the home page's list was
    last opened; reading here marks nothing)."""
    person = _bound(request)
    seen_at = person.worker_binding.notices_seen_at
    found = sequence_page(notices.notices_for(person.pk, seen_at, limit=50), page, key="key")
    items = [
        {
            "at": n.at,
            "kind": n.kind,
            "kind_label": n.kind_label,
            "title": n.title,
            "text": n.text,
            "item_kind": n.source,
            "item_id": n.pk,
            "unread": n.unread,
        }
        for n in found["items"]
    ]
    return {**found, "items": items}


# ---- 网上入会 (portal/joining.py, decision 0026) ---------------------------------------------

from ninja import Field  # noqa: E402 - this block is appended on its own

from smartunion.core.pagination import keyset_page  # noqa: E402
from smartunion.members.api import PersonFieldsIn  # noqa: E402
from smartunion.portal import joining  # noqa: E402


class PortalUnionFilters(PageIn):
    q: str = Field("", max_length=64, description="单位名称或工会名称（至少两个字）")


class PortalUnionOut(Schema):
    id: int
    name: str
    employer_name: str
    path: list[str]


class PortalJoinIn(PersonFieldsIn):
    """入会申请 from the phone: the union, and (before real-name binding) name and ID number;
    the other fields of 《工会会员基本信息采集表》 are optional (``is_model_worker`` is for staff
    to record and is ignored here)."""

    org: int = Field(description="所在单位的基层工会 id（GET /api/v1/portal/unions）")
    name: str = Field("", description="姓名（已实名认证的职工不填）")
    id_number: str = Field("", description="18位居民身份证号码（已实名认证的职工不填）")


class PortalJoinStateOut(Schema):
    kind: str = Field(description="application 入会申请 / transfer 转会申请（已是其他工会会员）")
    state: str = Field(description="pending / approved / rejected / withdrawn")
    state_label: str = Field(description="申请中 / 已批准 / 未通过 / 已撤回")
    union: str
    union_path: list[str]
    applied_on: dt.date
    decided_on: dt.date | None
    reason: str = Field(description="未通过的原因")


class PortalJoinOut(Schema):
    member: bool = Field(description="是否已是工会会员（在籍或保留会籍）")
    application: PortalJoinStateOut | None


def join_state_out(state: joining.JoinState | None) -> dict | None:
    if state is None:
        return None
    return {
        "kind": state.kind,
        "state": state.state,
        "state_label": state.label,
        "union": state.union.name,
        "union_path": state.union.path_names,
        "applied_on": state.applied_on,
        "decided_on": state.decided_on,
        "reason": state.reason,
    }


def join_out(request) -> dict:
    person = binding.bound_person(request.worker)
    membership = services.membership_of(person) if person else None
    return {
        "member": bool(membership and membership.is_current),
        "application": join_state_out(joining.state_of(person)),
    }


@router.get("/unions", response=page_schema(PortalUnionOut), url_name="portal_unions")
def unions(request, filters: Query[PortalUnionFilters]):
    """网上入会's union search: 正常 grassroots unions whose name or employer's name contains
    ``q``, each with its path (省 › 市 › 县 › …)."""
    page = keyset_page(joining.search_unions(filters.q), filters, order=("id",))
    joining.with_paths(page["items"])
    page["items"] = [
        {"id": u.pk, "name": u.name, "employer_name": u.employer_name, "path": u.path_names}
        for u in page["items"]
    ]
    return page


@router.get("/join", response=PortalJoinOut, url_name="portal_join_state")
def join_state(request):
    """The worker's latest 网上入会 (``application`` null when none) and whether they are a
    member."""
    return join_out(request)


@router.post("/join", response={201: PortalJoinOut}, url_name="portal_join")
@api_errors(422, 429)
def join(request, payload: PortalJoinIn):
    """网上入会: an application to the union (channel 网上申请), or — for a current member of
    another union — a transfer request that the receiving union decides. Every refusal is 422 with a
    Chinese message and saves nothing; a number registered under another name or another phone
    gets the binding's one message."""
    org = joining.union(payload.org)
    extra = {k: v for k in joining.WORKER_FIELDS if (v := getattr(payload, k)) is not None}
    joining.join(request.worker, org, name=payload.name, id_number=payload.id_number, extra=extra)
    return Status(201, join_out(request))
