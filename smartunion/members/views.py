"""Member pages (会员实名制): search, the member page and a form for every membership action.

Every object comes through ``get_for_user`` (404 outside the user's subtree, and for a change
also without the role's permission); every write is a call to members/services.py, whose
Chinese ValidationErrors land on the form field by field.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views import View

from smartunion.core.forms import apply_service_errors
from smartunion.core.idnumber import parse_id_number
from smartunion.core.scope import get_for_user
from smartunion.members import forms, services
from smartunion.members.models import (
    CURRENT_STATUSES,
    Membership,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
)
from smartunion.members.querysets import looks_like_id_number
from smartunion.orgs.models import Kind, Organization
from smartunion.regions.models import known_region_codes

PAGE_SIZE = 20
TRANSFER_LIST_LIMIT = 100
TARGETS_SHOWN = 300
STATUS_FILTERS = (MembershipStatus.APPLIED, MembershipStatus.ACTIVE, MembershipStatus.RETAINED)


def in_scope(user, org: Organization) -> bool:
    """Whether ``org`` lies in the user's subtree (an org already fetched for the page)."""
    return user.is_superuser or bool(user.scope_path) and org.path.startswith(user.scope_path)


def page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page") or 1))
    except ValueError:
        return 1


class MembersView(LoginRequiredMixin, View):
    """Base of the member pages: login required; HTMX requests get the fragment."""

    nav = "members"

    def render(
        self, template: str, context: dict[str, Any], *, partial: str | None = None, status=200
    ) -> HttpResponse:
        context.setdefault("nav", self.nav)
        if partial and self.request.htmx and not self.request.htmx.boosted:
            return render(self.request, partial, context, status=status)
        return render(self.request, template, context, status=status)

    def get_membership(self, membership_id: int, action: str = "change") -> Membership:
        return get_for_user(
            Membership.objects.select_related("person", "org"),
            self.request.user,
            membership_id,
            action=action,
            what="会籍",
        )

    def get_person(self, person_id: int, action: str = "view") -> Person:
        return get_for_user(
            Person.objects.select_related("org"),
            self.request.user,
            person_id,
            action=action,
            what="会员",
        )

    def get_org(self, org_id: int, action: str = "change") -> Organization:
        return get_for_user(
            Organization.objects.all(), self.request.user, org_id, action=action, what="工会组织"
        )


# ---------------------------------------------------------------------------------------------
# Search and the member page


class MemberListView(MembersView):
    """会员查询: name prefix, pinyin initials, full pinyin or a full ID number, in scope."""

    http_method_names = ["get", "options"]

    def get(self, request: HttpRequest) -> HttpResponse:
        q = (request.GET.get("q") or "").strip()[:64]
        status = request.GET.get("status") or ""
        if status not in STATUS_FILTERS:
            status = ""
        page = page_number(request)
        latest_status = (
            Membership.objects.filter(person=OuterRef("pk")).order_by("-id").values("status")[:1]
        )
        people = Person.objects.visible_to(request.user).search(q)
        if status:
            people = people.filter(memberships__status=status)
        people = people.select_related("org").annotate(membership_status=Subquery(latest_status))
        start = (page - 1) * PAGE_SIZE
        # One row more than a page tells whether there is a next page, without a COUNT(*)
        # over a scope that can hold 2.3 million people.
        rows = list(people[start : start + PAGE_SIZE + 1])
        has_next = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        labels = dict(MembershipStatus.choices)
        for row in rows:
            row.status_label = labels.get(row.membership_status, "—")
        id_search = looks_like_id_number(q)
        # An ID number is never put into a link: URLs end up in browser history and logs.
        keep = {k: v for k, v in (("q", "" if id_search else q), ("status", status)) if v}
        context = {
            "q": q,
            "status": status,
            "status_choices": [(s.value, s.label) for s in STATUS_FILTERS],
            "rows": rows,
            "page": page,
            "first_index": start + 1,
            "last_index": start + len(rows),
            "previous_url": "?" + urlencode({**keep, "page": page - 1}) if page > 1 else "",
            "next_url": "?" + urlencode({**keep, "page": page + 1}) if has_next else "",
            "id_search": id_search,
        }
        response = self.render("members/list.html", context, partial="members/_list_results.html")
        if request.htmx and id_search:
            # An ID number must not land in the browser's history.
            response["HX-Push-Url"] = "false"
        return response


def actions_for(user, membership: Membership | None, pending: list[Transfer]) -> list[str]:
    """The lifecycle actions the page offers for the membership in its state."""
    if membership is None or not user.can("change"):
        return []
    if membership.status == MembershipStatus.APPLIED:
        return ["approve", "reject"]
    if membership.status not in CURRENT_STATUSES:
        return ["rejoin"]
    actions = []
    if not pending:
        actions.append("transfer")
    if membership.status == MembershipStatus.ACTIVE:
        actions.append("retain")
    else:
        actions.append("restore")
    if not pending:
        actions += ["leave", "expel"]
    return actions


class MemberDetailView(MembersView):
    """会员信息: the person, the current membership with its actions, the history."""

    http_method_names = ["get", "options"]

    def get(self, request: HttpRequest, person_id: int) -> HttpResponse:
        person = self.get_person(person_id)
        return self.render("members/detail.html", self.context(person))

    def context(self, person: Person, revealed: dict[str, str] | None = None) -> dict[str, Any]:
        user = self.request.user
        memberships = list(person.memberships.select_related("org").order_by("-id"))
        membership = next((m for m in memberships if m.status in CURRENT_STATUSES), None)
        membership = membership or next(
            (m for m in memberships if m.status == MembershipStatus.APPLIED), None
        )
        membership = membership or (memberships[0] if memberships else None)
        pending = list(
            Transfer.objects.filter(person=person, status=TransferStatus.PENDING).select_related(
                "from_org", "to_org"
            )
        )
        can_change = user.can("change")
        for transfer in pending:
            transfer.can_accept = can_change and in_scope(user, transfer.to_org)
            transfer.can_withdraw = can_change and in_scope(user, transfer.from_org)
        events = list(person.events.select_related("org").order_by("-occurred_on", "-id"))
        return {
            "person": person,
            "membership": membership,
            "actions": actions_for(user, membership, pending),
            "pending": pending,
            "events": events,
            "can_change": can_change,
            "can_reveal": user.can("reveal_pii"),
            "revealed": revealed or {},
        }


class RevealView(MemberDetailView):
    """显示完整号码: one field in full, for staff with the permission; always audited."""

    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, person_id: int) -> HttpResponse:
        person = self.get_person(person_id, action="reveal_pii")
        field_name = request.POST.get("field")
        if field_name not in ("id_number", "phone"):
            return HttpResponse("请指定要显示的号码。", status=400)
        value = services.reveal_person_pii(person, actor=request.user, field_name=field_name)
        if request.htmx:
            response = render(
                request, "members/_pii.html", {"field": field_name, "value": value or "未登记"}
            )
        else:
            response = self.render(
                "members/detail.html", self.context(person, revealed={field_name: value})
            )
        add_never_cache_headers(response)
        return response


# ---------------------------------------------------------------------------------------------
# Forms for a person


def id_warnings(raw: str) -> tuple[str, ...]:
    try:
        return parse_id_number(raw, known_regions=known_region_codes() or None).warnings
    except ValidationError:
        return ()


class ApplyView(MembersView):
    """入会申请 to a union: a new person, or (``?person=``) a known one rejoining."""

    def setup_objects(self, org_id: int):
        org = self.get_org(org_id)
        person_id = self.request.GET.get("person") or self.request.POST.get("person")
        person = self.get_person(person_id, action="change") if person_id else None
        return org, person

    def form_for(self, person, data=None):
        return forms.RejoinForm(data) if person else forms.ApplyForm(data)

    def get(self, request: HttpRequest, org_id: int) -> HttpResponse:
        org, person = self.setup_objects(org_id)
        return self.page(org, person, self.form_for(person))

    def post(self, request: HttpRequest, org_id: int) -> HttpResponse:
        org, person = self.setup_objects(org_id)
        form = self.form_for(person, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                membership = services.apply_for_membership(
                    person or form.person_data(),
                    org,
                    actor=request.user,
                    channel=data["channel"],
                    applied_on=data["applied_on"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, f"已登记{membership.person.name}的入会申请，待工会批准后生效。"
                )
                if person is None:
                    for warning in id_warnings(data["id_number"]):
                        messages.warning(request, warning)
                return redirect("members:detail", person_id=membership.person_id)
        return self.page(org, person, form, status=200)

    def page(self, org, person, form, status=200) -> HttpResponse:
        return self.render(
            "members/person_form.html",
            {
                "title": "重新入会申请" if person else "入会申请",
                "org": org,
                "person": person,
                "rejoin": person is not None,
                "form": form,
                "submit": "提交入会申请",
                "intro": "会籍自批准之日起计算。批准前此人不计入会员人数。",
            },
            status=status,
        )


class RegisterView(MembersView):
    """补录会员: a member already approved on paper, with their 入会日期 and 会员证号."""

    def get(self, request: HttpRequest, org_id: int) -> HttpResponse:
        org = self.get_org(org_id)
        return self.page(org, forms.RegisterForm())

    def post(self, request: HttpRequest, org_id: int) -> HttpResponse:
        org = self.get_org(org_id)
        form = forms.RegisterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                membership = services.register_member(
                    form.person_data(),
                    org,
                    actor=request.user,
                    joined_on=data["joined_on"],
                    card_no=data["card_no"].strip(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"已补录会员{membership.person.name}，会员证号 {membership.card_no}。",
                )
                for warning in id_warnings(data["id_number"]):
                    messages.warning(request, warning)
                return redirect("members:detail", person_id=membership.person_id)
        return self.page(org, form, status=200)

    def page(self, org, form, status=200) -> HttpResponse:
        return self.render(
            "members/person_form.html",
            {
                "title": "补录会员",
                "org": org,
                "form": form,
                "submit": "保存",
                "intro": "用于登记已经按纸质材料批准入会的会员。",
            },
            status=status,
        )


class EditPersonView(MembersView):
    """修改会员信息 (the ID number cannot change: a wrong one means a new registration)."""

    def get(self, request: HttpRequest, person_id: int) -> HttpResponse:
        person = self.get_person(person_id, action="change")
        return self.page(person, forms.PersonEditForm(person=person))

    def post(self, request: HttpRequest, person_id: int) -> HttpResponse:
        person = self.get_person(person_id, action="change")
        form = forms.PersonEditForm(request.POST, person=person)
        if form.is_valid():
            try:
                services.update_person(person, form.changes(), actor=request.user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"已保存{form.cleaned_data['name']}的信息。")
                return redirect("members:detail", person_id=person.pk)
        return self.page(person, form, status=200)

    def page(self, person, form, status=200) -> HttpResponse:
        return self.render(
            "members/person_form.html",
            {
                "title": "修改会员信息",
                "org": person.org,
                "person": person,
                "form": form,
                "submit": "保存",
                "intro": "身份证号码不能修改；性别和出生日期由身份证号码得出。",
            },
            status=status,
        )


# ---------------------------------------------------------------------------------------------
# Membership actions


class MembershipActionView(MembersView):
    """A form that runs one lifecycle service on one membership."""

    title = ""
    form_class: type = forms.DateForm
    allowed: tuple[str, ...] = CURRENT_STATUSES
    submit = "确定"
    danger = False
    intro = ""

    def run(self, membership: Membership, data: dict[str, Any]) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def make_form(self, membership, data=None):
        return self.form_class(data)

    def get(self, request: HttpRequest, membership_id: int) -> HttpResponse:
        membership = self.get_membership(membership_id)
        return self.page(membership, self.make_form(membership))

    def post(self, request: HttpRequest, membership_id: int) -> HttpResponse:
        membership = self.get_membership(membership_id)
        form = self.make_form(membership, request.POST)
        if form.is_valid():
            try:
                message = self.run(membership, form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("members:detail", person_id=membership.person_id)
        return self.page(membership, form, status=200)

    def extra_context(self, membership) -> dict[str, Any]:
        return {}

    def page(self, membership, form, status=200) -> HttpResponse:
        context = {
            "title": self.title,
            "membership": membership,
            "person": membership.person,
            "form": form,
            "submit": self.submit,
            "danger": self.danger,
            "intro": self.intro,
            "state_ok": membership.status in self.allowed,
            **self.extra_context(membership),
        }
        return self.render("members/action_form.html", context, status=status)


class RetainView(MembershipActionView):
    title = "保留会籍"
    form_class = forms.RetainForm
    allowed = (MembershipStatus.ACTIVE,)
    intro = (
        "退休、内退、失业、下岗待岗或企业破产时保留会籍；保留期间不交会费，不享有选举权和被选举权。"
    )

    def run(self, membership, data) -> str:
        services.retain_membership(
            membership, actor=self.request.user, reason=data["reason"], on=data["on"]
        )
        return f"已为{membership.person.name}保留会籍。"


class RestoreView(MembershipActionView):
    title = "恢复会籍"
    form_class = forms.DateForm
    allowed = (MembershipStatus.RETAINED,)
    intro = "会员重新就业后恢复会籍。如果新单位有工会，请改为办理转会。"

    def run(self, membership, data) -> str:
        services.restore_membership(membership, actor=self.request.user, on=data["on"])
        return f"已恢复{membership.person.name}的会籍。"


class LeaveView(MembershipActionView):
    title = "退会"
    form_class = forms.LeaveForm
    danger = True
    intro = "会员书面提出退会，经工会委员会同意后办理。退会后可以重新申请入会。"

    def run(self, membership, data) -> str:
        services.leave_union(membership, actor=self.request.user, on=data["on"], note=data["note"])
        return f"{membership.person.name}已退会。"


class ExpelView(MembershipActionView):
    title = "开除会籍"
    form_class = forms.ExpelForm
    danger = True
    intro = "会员因严重违法犯罪受到刑事处罚的，经工会委员会决定开除会籍。"

    def run(self, membership, data) -> str:
        services.expel_member(membership, actor=self.request.user, on=data["on"], note=data["note"])
        return f"已开除{membership.person.name}的会籍。"


class RejectView(MembershipActionView):
    title = "不予批准入会"
    form_class = forms.NoteForm
    allowed = (MembershipStatus.APPLIED,)
    danger = True
    submit = "不予批准"

    def run(self, membership, data) -> str:
        services.reject_application(membership, actor=self.request.user, note=data["note"])
        return f"{membership.person.name}的入会申请未获批准。"


class ApproveView(MembersView):
    """批准入会 (a button on the member page): POST only."""

    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, membership_id: int) -> HttpResponse:
        membership = self.get_membership(membership_id)
        form = forms.DateForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(list(form.errors.values())[0])
            m = services.approve_application(
                membership, actor=request.user, on=form.cleaned_data["on"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, f"未能批准入会：{message}")
        else:
            messages.success(request, f"已批准{m.person.name}入会，会员证号 {m.card_no}。")
        return redirect("members:detail", person_id=membership.person_id)


class TransferView(MembershipActionView):
    """发起转会, or (立即完成接收) the whole transfer when the user holds both unions."""

    title = "转会"
    form_class = forms.TransferForm
    submit = "发起转会"
    intro = "会籍随劳动关系转移：原工会转出，新工会接收；接收前会员仍属原工会。"

    def targets(self):
        return Organization.objects.visible_to(self.request.user, "change").active()

    def home_path(self, membership: Membership) -> str:
        """The county (or city) the member belongs to, within the user's subtree."""
        org = membership.org
        prefixes = [org.path[:i] for i in range(8, len(org.path) + 1, 8)]
        area = (
            Organization.objects.filter(path__in=prefixes, kind__in=(Kind.COUNTY, Kind.CITY))
            .order_by("-depth")
            .values_list("path", flat=True)
            .first()
        )
        scope = self.request.user.scope_path
        return max(area or org.path, scope, key=len) if scope else (area or org.path)

    def make_form(self, membership, data=None):
        org_q = ((data or self.request.GET).get("org_q") or "").strip()[:64]
        targets = self.targets().exclude(pk=membership.org_id)
        if org_q:
            shown = targets.filter(name__contains=org_q)
        else:
            shown = targets.filter(path__startswith=self.home_path(membership))
        shown = list(shown.order_by("path").only("id", "name", "path")[:TARGETS_SHOWN])
        selected = (data or {}).get("to_org")
        if selected and str(selected).isdigit() and all(str(o.pk) != selected for o in shown):
            shown += list(targets.filter(pk=selected).only("id", "name", "path"))
        form = forms.TransferForm(data, targets=targets, shown=shown)
        form.org_q = org_q
        form.truncated = len(shown) >= TARGETS_SHOWN
        return form

    def get(self, request: HttpRequest, membership_id: int) -> HttpResponse:
        membership = self.get_membership(membership_id)
        form = self.make_form(membership)
        if request.htmx and request.htmx.target == "to-org-field":
            return render(request, "members/_to_org_field.html", {"form": form})
        return self.page(membership, form)

    def extra_context(self, membership) -> dict[str, Any]:
        return {
            "transfer": True,
            "pending": Transfer.objects.filter(
                membership=membership, status=TransferStatus.PENDING
            ).exists(),
        }

    def run(self, membership, data) -> str:
        to_org = data["to_org"]
        kwargs = {"actor": self.request.user, "reason": data["reason"], "note": data["note"]}
        if data["complete_now"]:
            services.transfer_membership(membership, to_org, **kwargs)
            return f"{membership.person.name}已转入{to_org.name}。"
        services.send_transfer(membership, to_org, **kwargs)
        return f"已发起转会：{membership.person.name}转入{to_org.name}，待对方工会接收。"


# ---------------------------------------------------------------------------------------------
# Transfers: inbox and outbox


class TransferListView(MembersView):
    """转会办理: pending transfers into the user's subtree (to accept) and out of it."""

    http_method_names = ["get", "options"]

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        pending = (
            Transfer.objects.visible_to(user)
            .filter(status=TransferStatus.PENDING)
            .select_related("person", "from_org", "to_org")
            .order_by("-id")
        )
        if user.is_superuser:
            incoming, outgoing = pending, pending
        else:
            incoming = pending.filter(to_org__path__startswith=user.scope_path)
            outgoing = pending.filter(from_org__path__startswith=user.scope_path)
        incoming = list(incoming[: TRANSFER_LIST_LIMIT + 1])
        outgoing = list(outgoing[: TRANSFER_LIST_LIMIT + 1])
        return self.render(
            "members/transfers.html",
            {
                "incoming": incoming[:TRANSFER_LIST_LIMIT],
                "outgoing": outgoing[:TRANSFER_LIST_LIMIT],
                "more_incoming": len(incoming) > TRANSFER_LIST_LIMIT,
                "more_outgoing": len(outgoing) > TRANSFER_LIST_LIMIT,
                "can_change": user.can("change"),
            },
        )


class TransferAcceptView(MembersView):
    """接收转会: POST only, from the transfers page or the member page."""

    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, transfer_id: int) -> HttpResponse:
        transfer = get_for_user(
            Transfer.objects.select_related("person", "to_org"),
            request.user,
            transfer_id,
            action="change",
            what="转会记录",
        )
        try:
            services.accept_transfer(transfer, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, f"未能接收转会：{message}")
        else:
            messages.success(request, f"已接收{transfer.person.name}转入{transfer.to_org.name}。")
        return redirect("members:transfers")


class TransferDeclineView(MembersView):
    """退回 (receiving side) or 撤回 (sending side) a pending transfer, with a note."""

    def get_transfer(self, transfer_id: int) -> Transfer:
        return get_for_user(
            Transfer.objects.select_related("person", "from_org", "to_org"),
            self.request.user,
            transfer_id,
            action="change",
            what="转会记录",
        )

    def get(self, request: HttpRequest, transfer_id: int) -> HttpResponse:
        transfer = self.get_transfer(transfer_id)
        return self.page(transfer, forms.NoteForm())

    def post(self, request: HttpRequest, transfer_id: int) -> HttpResponse:
        transfer = self.get_transfer(transfer_id)
        form = forms.NoteForm(request.POST)
        if form.is_valid():
            try:
                t = services.decline_transfer(
                    transfer, actor=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                verb = "撤回" if t.status == TransferStatus.CANCELLED else "退回"
                messages.success(request, f"已{verb}{transfer.person.name}的转会。")
                return redirect("members:transfers")
        return self.page(transfer, form, status=200)

    def page(self, transfer, form, status=200) -> HttpResponse:
        sender = in_scope(self.request.user, transfer.from_org)
        return self.render(
            "members/transfer_decline.html",
            {
                "transfer": transfer,
                "form": form,
                "verb": "撤回" if sender else "退回",
            },
            status=status,
        )
