"""Member pages (会员实名制): search, the member page and a form for every membership action.

Every view stands on core.views_mixins.ScopedViewMixin: login required, objects fetched
within the user's subtree (404 outside it, and for a change also without the role's
permission), HTMX requests answered with the fragment. Every write is one call to
members/services.py, whose Chinese ValidationErrors land on the form field by field.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import FormView, TemplateView

from smartunion.accounts import second_factor
from smartunion.accounts.middleware import redirect_to_second_factor
from smartunion.core.errors import TooManyRequests
from smartunion.core.forms import apply_service_errors
from smartunion.core.idnumber import parse_id_number
from smartunion.core.views_mixins import PostedSearchMixin, ScopedViewMixin, fetch_page
from smartunion.imports import exports
from smartunion.imports.models import ExportKind
from smartunion.members import forms, services
from smartunion.members.models import (
    CURRENT_STATUSES,
    LIST_STATUS_FILTERS,
    Membership,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
)
from smartunion.members.querysets import Concatenated, looks_like_id_number
from smartunion.orgs.models import Kind, Organization, org_ref_deferred
from smartunion.regions.models import known_region_codes

PAGE_SIZE = 20
TRANSFER_LIST_LIMIT = 100
TARGETS_SHOWN = 300


def in_scope(user, org: Organization) -> bool:
    """Whether ``org`` (already fetched for the page) lies in the user's subtree."""
    return user.is_superuser or bool(user.scope_path) and org.path.startswith(user.scope_path)


def for_the_page(transfer: Transfer, user, can_change: bool) -> Transfer:
    """What the user's side may do with a pending transfer, and the words for it.

    Until it completes the person belongs to the old union: the person's page is linked only
    when that union is in the user's subtree. The side that started a transfer withdraws it
    (撤回); the other side accepts (接收 / 同意转出) or refuses (退回 / 不同意).
    """
    started_here = in_scope(user, transfer.to_org if transfer.is_request else transfer.from_org)
    decides_here = in_scope(user, transfer.from_org if transfer.is_request else transfer.to_org)
    transfer.person_in_scope = in_scope(user, transfer.from_org)
    transfer.can_accept = can_change and decides_here
    transfer.can_withdraw = can_change and started_here
    transfer.accept_verb = "同意转出" if transfer.is_request else "接收"
    if started_here:
        transfer.decline_verb = "撤回"
    else:
        transfer.decline_verb = "不同意" if transfer.is_request else "退回"
    return transfer


def detail_url(person_id: int) -> str:
    return reverse("members:detail", kwargs={"person_id": person_id})


class MembersMixin(ScopedViewMixin):
    nav = "members"

    def get_person(self, person_id, action: str | None = None) -> Person:
        return self.get_for_user(
            Person.objects.select_related("org"), person_id, action=action, what="会员"
        )

    def get_org(self, pk=None, *, action=None) -> Organization:
        if not hasattr(self, "_org"):
            self._org = super().get_org(pk, action=action)
        return self._org

    def get_membership(self) -> Membership:
        if not hasattr(self, "_membership"):
            self._membership = self.get_for_user(
                Membership.objects.select_related("person", "org"),
                self.kwargs["membership_id"],
                what="会籍",
            )
        return self._membership


# ---------------------------------------------------------------------------------------------
# Search and the member page


#: What a row of the member list shows (members/_list_results.html): the masked numbers, not
#: their ciphertexts (each would be decrypted per row), and of the union its name alone. Each
#: column of a query costs compiling and a field of every row (bench/load.py).
LIST_ONLY = ("name", "gender", "id_masked", "phone_masked", "org__name")


class MemberListView(PostedSearchMixin, MembersMixin, TemplateView):
    """会员查询: name prefix, pinyin initials, full pinyin or a full ID number, in scope.

    The search form posts (PostedSearchMixin): an ID number is never in a URL.
    """

    template_name = "members/list.html"
    partial_template_name = "members/_list_results.html"
    http_method_names = ["get", "post", "head", "options"]
    search_fields = ("q", "status")

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("export")
        if file_format in ("xlsx", "csv"):
            return self.export(file_format)
        return super().get(request, *args, **kwargs)

    def filters(self) -> tuple[str, str]:
        q = (self.request.GET.get("q") or "").strip()[:64]
        status = self.request.GET.get("status") or ""
        return q, status if status in LIST_STATUS_FILTERS else ""

    def export(self, file_format: str) -> HttpResponse:
        """导出: the list as it is filtered, masked, to xlsx or CSV (streamed; audited)."""
        q, status = self.filters()
        return exports.serve(
            self.request,
            exports.ExportSpec(ExportKind.MEMBER_LIST, q=q, status=status),
            file_format,
            back=f"{reverse('members:list')}?{urlencode({'q': q, 'status': status})}",
        )

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        q, status = self.filters()
        parts = [part.only(*LIST_ONLY) for part in self.visible(Person).list_parts(q, status)]
        # fetch_page reads one row more than a page instead of counting a scope that can hold
        # 2.3 million people.
        rows = parts[0] if len(parts) == 1 else Concatenated(parts)
        page = fetch_page(rows, self.request, page_size=PAGE_SIZE)
        id_search = looks_like_id_number(q)
        if id_search:
            # Links never carry an ID number: URLs end up in browser history and server logs.
            page.params.pop("q", None)
        labels = dict(MembershipStatus.choices)
        for row in page.items:
            row.status_label = labels.get(row.membership_status, "—")
        list_url = reverse("members:list")
        context.update(
            q=q,
            status=status,
            export_urls={
                fmt: f"{list_url}?{urlencode({'q': q, 'status': status, 'export': fmt})}"
                for fmt in ("xlsx", "csv")
            },
            status_choices=[(s.value, s.label) for s in LIST_STATUS_FILTERS],
            p=page,
            rows=page.items,
            id_search=id_search,
        )
        return context


def actions_for(user, membership: Membership | None, pending: list[Transfer]) -> list[str]:
    """The lifecycle actions the member page offers for the membership in its state."""
    if membership is None or not user.can("change"):
        return []
    if membership.status == MembershipStatus.APPLIED:
        return ["approve", "reject"]
    if membership.status not in CURRENT_STATUSES:
        return ["rejoin"]
    actions = [] if pending else ["transfer"]
    actions.append("retain" if membership.status == MembershipStatus.ACTIVE else "restore")
    if not pending:
        actions += ["leave", "expel"]
    return actions


class MemberDetailView(MembersMixin, TemplateView):
    """会员信息: the person, the current membership with its actions, the history."""

    template_name = "members/detail.html"
    http_method_names = ["get", "head", "options"]
    revealed: dict[str, str] = {}

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        person = self.get_person(self.kwargs["person_id"])
        # Each union is named with its parent (orgs.templatetags.orgs.org_ref), read in the same
        # query, and only what the tag shows of them (org_ref_deferred).
        memberships = list(
            person.memberships.select_related("org__parent")
            .defer(*org_ref_deferred("org"))
            .order_by("-id")
        )
        # The membership the page is about: the current one, else a pending application,
        # else the latest (ended or rejected).
        membership = (
            next((m for m in memberships if m.status in CURRENT_STATUSES), None)
            or next((m for m in memberships if m.status == MembershipStatus.APPLIED), None)
            or (memberships[0] if memberships else None)
        )
        pending = list(
            Transfer.objects.filter(person=person, status=TransferStatus.PENDING)
            .select_related("from_org__parent", "to_org__parent")
            .defer(*org_ref_deferred("from_org", "to_org"))
        )
        for transfer in pending:
            for_the_page(transfer, user, context["can_change"])
        context.update(
            person=person,
            membership=membership,
            actions=actions_for(user, membership, pending),
            pending=pending,
            events=list(
                person.events.select_related("org__parent")
                .defer(*org_ref_deferred("org"))
                .order_by("-occurred_on", "-id")
            ),
            can_reveal=self.can("reveal_pii"),
            revealed=self.revealed,
        )
        return context


class RevealView(MembersMixin, View):
    """显示完整号码: one field in full, for staff with the permission; always audited."""

    action = "reveal_pii"
    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, person_id: int) -> HttpResponse:
        person = self.get_person(person_id)
        field_name = request.POST.get("field")
        if field_name not in ("id_number", "phone"):
            return HttpResponse("请指定要显示的号码。", status=400)
        if not second_factor.satisfied(request.user, "reveal_pii"):
            # Step-up: a session without a second factor gives one first, then comes back.
            detail = reverse("members:detail", kwargs={"person_id": person.pk})
            return redirect_to_second_factor(request, detail)
        value = services.reveal_person_pii(person, actor=request.user, field_name=field_name)
        if self.is_partial:
            # With the whole number shown, the birth date in it is shown in full too (an
            # out-of-band swap of the page's 出生日期).
            response = render(
                request,
                "members/_pii.html",
                {
                    "field": field_name,
                    "value": value or "未登记",
                    "person": person,
                    "birth_date": field_name == "id_number",
                },
            )
        else:
            page = MemberDetailView(revealed={field_name: value})
            page.setup(request, person_id=person_id)
            response = page.get(request, person_id=person_id).render()
        add_never_cache_headers(response)
        return response


# ---------------------------------------------------------------------------------------------
# Forms


def id_warnings(raw: str) -> tuple[str, ...]:
    """The warnings of a valid number (an unknown birthplace code), shown after saving."""
    try:
        return parse_id_number(raw, known_regions=known_region_codes() or None).warnings
    except ValidationError:
        return ()


class ServiceFormView(MembersMixin, FormView):
    """A form whose valid data goes to one service call; its errors come back on the form."""

    action = "change"
    template_name = "members/action_form.html"

    def dispatch(self, request, *args, **kwargs):
        # The object of the URL is fetched (404 outside the change scope) before any form is
        # read, so a forged POST naming another county's record stops here.
        if request.user.is_authenticated:
            self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return self.get_membership()

    def run(self, form) -> tuple[str, str]:
        """Call the service; return (success message, URL to go to)."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            message, url = self.run(form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return HttpResponseRedirect(url)


class MembershipActionView(ServiceFormView):
    """A form that runs one lifecycle service on the membership of the URL."""

    title = ""
    allowed: tuple[str, ...] = CURRENT_STATUSES
    submit = "确定"
    danger = False
    intro = ""
    date_label = "日期"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "on" in form.fields:
            form.fields["on"].label = self.date_label
        return form

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership = self.get_membership()
        context.update(
            title=self.title,
            membership=membership,
            person=membership.person,
            submit=self.submit,
            danger=self.danger,
            intro=self.intro,
            state_ok=membership.status in self.allowed,
        )
        return context

    def run(self, form) -> tuple[str, str]:
        membership = self.get_membership()
        message = self.call(membership, form.cleaned_data)
        return message, detail_url(membership.person_id)

    def call(self, membership: Membership, data: dict[str, Any]) -> str:
        raise NotImplementedError


class ApplyView(ServiceFormView):
    """入会申请 to a union: a new person, or (``?person=``) a known one rejoining."""

    template_name = "members/person_form.html"

    def get_object(self):
        return self.get_org(), self.rejoining()

    def rejoining(self) -> Person | None:
        if not hasattr(self, "_person"):
            person_id = self.request.GET.get("person") or self.request.POST.get("person")
            self._person = self.get_person(person_id) if person_id else None
        return self._person

    def get_form_class(self):
        return forms.RejoinForm if self.rejoining() else forms.ApplyForm

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person = self.rejoining()
        context.update(
            title="重新入会申请" if person else "入会申请",
            org=self.get_org(),
            person=person,
            rejoin=person is not None,
            submit="提交入会申请",
            intro="会籍自批准之日起计算；批准前不计入会员人数。",
        )
        return context

    def run(self, form) -> tuple[str, str]:
        data = form.cleaned_data
        person = self.rejoining()
        membership = services.apply_for_membership(
            person or form.person_data(),
            self.get_org(),
            actor=self.request.user,
            channel=data["channel"],
            applied_on=data["applied_on"],
        )
        if person is None:
            for warning in id_warnings(data["id_number"]):
                messages.warning(self.request, warning)
        return (
            f"已登记{membership.person.name}的入会申请，待工会批准后生效。",
            detail_url(membership.person_id),
        )


class RegisterView(ServiceFormView):
    """补录会员: a member already approved on paper, with their 入会日期 and 会员证号."""

    template_name = "members/person_form.html"
    form_class = forms.RegisterForm

    def get_object(self):
        return self.get_org()

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title="登记会员（补录）",
            org=self.get_org(),
            submit="保存",
            intro="用于登记已经按纸质材料批准入会的会员。",
        )
        return context

    def run(self, form) -> tuple[str, str]:
        data = form.cleaned_data
        membership = services.register_member(
            form.person_data(),
            self.get_org(),
            actor=self.request.user,
            joined_on=data["joined_on"],
            card_no=data["card_no"].strip(),
        )
        for warning in id_warnings(data["id_number"]):
            messages.warning(self.request, warning)
        return (
            f"已登记会员{membership.person.name}，会员证号 {membership.card_no}。",
            detail_url(membership.person_id),
        )


class EditPersonView(ServiceFormView):
    """修改会员信息 (the ID number cannot change: a wrong one means a new registration)."""

    template_name = "members/person_form.html"
    form_class = forms.PersonEditForm

    def get_object(self) -> Person:
        if not hasattr(self, "_person"):
            self._person = self.get_person(self.kwargs["person_id"])
        return self._person

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "person": self.get_object()}

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person = self.get_object()
        context.update(
            title="修改会员信息",
            org=person.org,
            person=person,
            submit="保存",
            intro="身份证号码不能修改；性别和出生日期由身份证号码得出。",
        )
        return context

    def run(self, form) -> tuple[str, str]:
        person = services.update_person(self.get_object(), form.changes(), actor=self.request.user)
        return f"已保存{person.name}的信息。", detail_url(person.pk)


class RetainView(MembershipActionView):
    title = "保留会籍"
    form_class = forms.RetainForm
    allowed = (MembershipStatus.ACTIVE,)
    submit = "确认保留会籍"
    date_label = "保留会籍日期"
    intro = (
        "退休、内退、失业、下岗待岗或企业破产时保留会籍；保留期间不交会费，不享有选举权和被选举权。"
    )

    def call(self, membership, data) -> str:
        services.retain_membership(
            membership, actor=self.request.user, reason=data["reason"], on=data["on"]
        )
        return f"已为{membership.person.name}保留会籍。"


class RestoreView(MembershipActionView):
    title = "恢复会籍"
    form_class = forms.DateForm
    allowed = (MembershipStatus.RETAINED,)
    submit = "确认恢复会籍"
    date_label = "恢复日期"
    intro = "会员重新就业后恢复会籍。如果新单位另有工会，请改为办理转会。"

    def call(self, membership, data) -> str:
        services.restore_membership(membership, actor=self.request.user, on=data["on"])
        return f"已恢复{membership.person.name}的会籍。"


class LeaveView(MembershipActionView):
    title = "退会"
    form_class = forms.LeaveForm
    danger = True
    submit = "确认退会"
    date_label = "退会日期"
    intro = "会员书面提出退会，经工会委员会同意后办理。退会后可以重新申请入会。"

    def call(self, membership, data) -> str:
        services.leave_union(membership, actor=self.request.user, on=data["on"], note=data["note"])
        return f"{membership.person.name}已退会。"


class ExpelView(MembershipActionView):
    title = "开除会籍"
    form_class = forms.ExpelForm
    danger = True
    submit = "确认开除会籍"
    date_label = "开除会籍日期"
    intro = "会员因严重违法犯罪受到刑事处罚的，经工会委员会决定开除会籍。"

    def call(self, membership, data) -> str:
        services.expel_member(membership, actor=self.request.user, on=data["on"], note=data["note"])
        return f"已开除{membership.person.name}的会籍。"


class RejectView(MembershipActionView):
    title = "不予批准入会"
    form_class = forms.NoteForm
    allowed = (MembershipStatus.APPLIED,)
    danger = True
    submit = "不予批准"

    def call(self, membership, data) -> str:
        services.reject_application(membership, actor=self.request.user, note=data["note"])
        return f"{membership.person.name}的入会申请未获批准。"


class ApproveView(MembershipActionView):
    """批准入会: confirmed on its own page, with the date the union committee approved it."""

    title = "批准入会"
    form_class = forms.ApproveForm
    allowed = (MembershipStatus.APPLIED,)
    submit = "确认批准入会"
    date_label = "批准日期"
    intro = "批准后会员人数加一，并发放会员证号。请核对申请人和工会，填写工会委员会批准的日期。"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership = self.get_membership()
        if membership.applied_on:
            context["intro"] = (
                f"申请日期：{membership.applied_on:%Y-%m-%d}（{membership.get_channel_display()}）。"
                + self.intro
            )
        return context

    def call(self, membership, data) -> str:
        m = services.approve_application(membership, actor=self.request.user, on=data["on"])
        return f"已批准{m.person.name}入会，会员证号 {m.card_no}。"


class TargetSearchMixin:
    """A form choosing a 转入工会 among many (a province holds ~49,000 unions): it offers those
    near the member, or those whose name holds the words typed (``org_q``, searched as the user
    types: HTMX asks for the field alone), while any union of ``targets()`` stays valid."""

    partial_template_name = "members/_to_org_field.html"

    def targets(self):
        raise NotImplementedError

    def near_path(self) -> str:
        """The subtree offered before anything is typed."""
        raise NotImplementedError

    def get_template_names(self) -> list[str]:
        if self.is_partial and self.request.htmx.target == "to-org-field":
            return [self.partial_template_name]
        return [self.template_name]

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        data = kwargs.get("data") or self.request.GET
        org_q = (data.get("org_q") or "").strip()[:64]
        # Any union of the targets is a valid choice, so the service can say why a dissolved
        # one cannot take members; only active ones are offered.
        targets = self.targets()
        offered = (
            targets.active()
            .select_related("parent")
            .only("id", "name", "path", "parent__name")
            .order_by("path")
        )
        if org_q:
            offered = offered.filter(name__contains=org_q)
        else:
            offered = offered.filter(path__startswith=self.near_path())
        shown = list(offered[:TARGETS_SHOWN])
        selected = data.get("to_org")
        if selected and str(selected).isdigit() and all(str(o.pk) != selected for o in shown):
            shown += list(targets.filter(pk=selected).select_related("parent"))
        self.org_q, self.truncated, self.shown = org_q, len(shown) >= TARGETS_SHOWN, shown
        self.target_queryset = targets
        return {**kwargs, "targets": targets}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # The mixin restricts every union choice to the user's subtree; the targets are what
        # this form allows on purpose (a transfer goes anywhere in the province, and the
        # service checks again). Restricting also resets what the list offers.
        form.fields["to_org"].queryset = self.target_queryset
        form.offer(self.shown)
        return form

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(org_q=self.org_q, truncated=self.truncated)
        return context


class TransferView(TargetSearchMixin, MembershipActionView):
    """发起转会 to any union of the province, or (立即完成接收) the whole transfer when the user
    holds both unions."""

    title = "转会"
    form_class = forms.TransferForm
    template_name = "members/transfer_form.html"
    submit = "办理转会"
    intro = (
        "会籍随劳动关系转移：原工会转出，新工会接收；接收前会员仍属原工会。"
        "可转往全省任一工会，由对方工会（或其上级工会）接收。"
    )

    def targets(self):
        # The whole province, whatever the user's scope: of a union outside it the user sees
        # only its name and its parent's, never its page or its members.
        return services.province_unions(self.request.user).exclude(pk=self.get_membership().org_id)

    def near_path(self) -> str:
        """The county (or city) of the member's union."""
        org = self.get_membership().org
        prefixes = [org.path[:i] for i in range(8, len(org.path) + 1, 8)]
        return (
            Organization.objects.filter(path__in=prefixes, kind__in=(Kind.COUNTY, Kind.CITY))
            .order_by("-depth")
            .values_list("path", flat=True)
            .first()
        ) or org.path

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            has_pending=Transfer.objects.filter(
                membership=self.get_membership(), status=TransferStatus.PENDING
            ).exists(),
        )
        return context

    def call(self, membership, data) -> str:
        to_org = data["to_org"]
        kwargs = {"actor": self.request.user, "reason": data["reason"], "note": data["note"]}
        if data["complete_now"]:
            services.transfer_membership(membership, to_org, **kwargs)
            return f"{membership.person.name}已转入{to_org.name}。"
        services.send_transfer(membership, to_org, **kwargs)
        return f"已发起转会：{membership.person.name}转入{to_org.name}，待对方工会接收。"


class TransferRequestView(TargetSearchMixin, ServiceFormView):
    """申请转入: ask the union of a member elsewhere for them, by full name and ID number."""

    template_name = "members/transfer_request.html"
    form_class = forms.TransferRequestForm
    nav = "transfers"

    def get_object(self):
        if not self.can("change"):
            raise PermissionDenied("您的账号只有查看权限，不能申请转入。")
        return None

    def targets(self):
        return self.visible(Organization)

    def near_path(self) -> str:
        return self.request.user.scope_path

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except TooManyRequests as exc:
            form.add_error(None, exc.message)
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(exc.retry_after)
            return response

    def run(self, form) -> tuple[str, str]:
        data = form.cleaned_data
        transfer = services.request_transfer(
            data["name"],
            data["id_number"],
            data["to_org"],
            actor=self.request.user,
            reason=data["reason"],
            note=data["note"],
        )
        message = (
            f"已向{transfer.from_org.name}申请{transfer.person.name}转入{transfer.to_org.name}，"
            "待对方工会同意。"
        )
        return message, reverse("members:transfers") + "#out"


# ---------------------------------------------------------------------------------------------
# Transfers: inbox and outbox


class TransferListView(MembersMixin, TemplateView):
    """转会办理: pending transfers of both kinds (转出, 申请转入), those the user's side decides
    and those it started, each with its date, the oldest first."""

    template_name = "members/transfers.html"
    nav = "transfers"
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("export")
        if file_format in ("xlsx", "csv"):
            return exports.serve(
                request,
                exports.ExportSpec(ExportKind.PENDING_TRANSFERS),
                file_format,
                back=reverse("members:transfers"),
            )
        return super().get(request, *args, **kwargs)

    def pending(self):
        return self.visible(Transfer).pending()

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        pending = self.pending()
        # Both kinds, by who acts: the user's side decides (incoming), or started them and
        # waits for the other side (outgoing); the longest waiting first.
        incoming = list(pending.to_decide(user)[: TRANSFER_LIST_LIMIT + 1])
        outgoing = list(pending.started_by(user)[: TRANSFER_LIST_LIMIT + 1])
        for transfer in incoming + outgoing:
            for_the_page(transfer, user, context["can_change"])
        context.update(
            incoming=incoming[:TRANSFER_LIST_LIMIT],
            outgoing=outgoing[:TRANSFER_LIST_LIMIT],
            more_incoming=len(incoming) > TRANSFER_LIST_LIMIT,
            more_outgoing=len(outgoing) > TRANSFER_LIST_LIMIT,
        )
        return context


class TransferMixin(MembersMixin):
    action = "change"
    nav = "transfers"

    def get_transfer(self) -> Transfer:
        if not hasattr(self, "_transfer"):
            self._transfer = self.get_for_user(
                Transfer.objects.select_related("person", "from_org", "to_org"),
                self.kwargs["transfer_id"],
                what="转会记录",
            )
        return self._transfer


class TransferAcceptView(TransferMixin, View):
    """接收转会 or 同意转出 (申请转入): POST only, from the transfers page or the member page."""

    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, transfer_id: int) -> HttpResponse:
        transfer = self.get_transfer()
        verb = "同意转出" if transfer.is_request else "接收转会"
        try:
            services.accept_transfer(transfer, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, f"未能{verb}：{message}")
        else:
            agreed = "同意" if transfer.is_request else "接收"
            messages.success(
                request, f"已{agreed}{transfer.person.name}转入{transfer.to_org.name}。"
            )
        return redirect("members:transfers")


class TransferDeclineView(TransferMixin, ServiceFormView):
    """撤回 (the side that started it), or 退回 / 不同意 (the side that decides) a pending
    transfer, with a note (a reason, when refusing a 申请转入)."""

    template_name = "members/transfer_decline.html"
    form_class = forms.NoteForm

    def get_object(self):
        return self.get_transfer()

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        transfer = for_the_page(self.get_transfer(), self.request.user, True)
        context.update(transfer=transfer, verb=transfer.decline_verb)
        return context

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        transfer = self.get_transfer()
        if transfer.is_request and for_the_page(transfer, self.request.user, True).can_accept:
            form.fields["note"].label = "不同意的理由"
        return form

    def run(self, form) -> tuple[str, str]:
        transfer = for_the_page(self.get_transfer(), self.request.user, True)
        verb = transfer.decline_verb
        services.decline_transfer(transfer, actor=self.request.user, note=form.cleaned_data["note"])
        return f"已{verb}{transfer.person.name}的转会。", reverse("members:transfers")
