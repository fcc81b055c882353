"""工会组织 pages: the tree, one union's page, and the forms that create, edit, move, dissolve."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import chain
from operator import attrgetter
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from smartunion.core.forms import apply_service_errors
from smartunion.core.home import Figure
from smartunion.core.templatetags.ui import percent
from smartunion.core.views_mixins import (
    Page,
    PostedSearchMixin,
    ScopedViewMixin,
    fetch_page,
    keyset_page,
)
from smartunion.members.models import MEMBER_FILTERS, Membership, Person
from smartunion.members.querysets import looks_like_id_number
from smartunion.orgs import services
from smartunion.orgs.forms import DissolveForm, MoveForm, OrgForm
from smartunion.orgs.models import (
    GRASSROOTS_KINDS,
    Kind,
    Organization,
    Status,
    attach_path_names,
    path_prefixes,
)

CHILDREN_PAGE_SIZE = 100
SUBUNIONS_PAGE_SIZE = 20
PICKER_SIZE = 20


#: What a row of a union's member list shows (orgs/_members.html), and of each member's union
#: its name when the list includes the sub-unions: never the ciphertexts of the numbers (the
#: rows show the masked copies kept beside them). Each column of a query costs compiling and a
#: field of every row (bench/load.py).
LIST_ONLY = (
    "status",
    "joined_on",
    "card_no",
    "person__name",
    "person__gender",
    "person__id_masked",
    "person__phone_masked",
)


def with_has_children(queryset):
    """Annotate ``has_children`` (an indexed EXISTS per row), for the tree's expand buttons."""
    return queryset.defer("chair_phone").annotate(
        has_children=Exists(Organization.objects.filter(parent=OuterRef("pk")))
    )


class TreeFilters:
    """The search and filters of the tree page (名称, 状态, 类型, 换届逾期, 女职工委员会)."""

    STATUS_CHOICES = [("", "全部状态"), *Status.choices]
    KIND_CHOICES = [("", "全部类型"), ("grassroots", "基层工会（单独+联合）"), *Kind.choices]

    def __init__(self, params):
        self.q = params.get("q", "").strip()[:64]
        self.status = params.get("status", "") if params.get("status") in Status.values else ""
        kind = params.get("kind", "")
        self.kind = kind if kind in Kind.values or kind == "grassroots" else ""
        self.overdue = params.get("overdue") == "1"
        self.women_committee = params.get("women_committee", "")
        if self.women_committee not in ("0", "1"):
            self.women_committee = ""
        self.employees_known = params.get("employees") == "known"

    @property
    def active(self) -> bool:
        return bool(
            self.q
            or self.status
            or self.kind
            or self.overdue
            or self.women_committee
            or self.employees_known
        )

    def apply(self, queryset):
        if self.q:
            queryset = queryset.filter(name__contains=self.q)
        if self.status:
            queryset = queryset.filter(status=self.status)
        if self.kind == "grassroots":
            queryset = queryset.filter(kind__in=GRASSROOTS_KINDS)
        elif self.kind:
            queryset = queryset.filter(kind=self.kind)
        if self.overdue:
            queryset = queryset.filter(status=Status.NORMAL, term_ends_on__lt=timezone.localdate())
        if self.women_committee:
            queryset = queryset.filter(
                status=Status.NORMAL, women_committee=self.women_committee == "1"
            )
        if self.employees_known:
            queryset = queryset.filter(status=Status.NORMAL, employee_count__gt=0)
        return queryset

    def descriptions(self) -> list[str]:
        out = []
        if self.overdue:
            out.append("换届逾期（任期届满日期早于今天）")
        if self.women_committee == "0":
            out.append("未建立女职工委员会")
        elif self.women_committee == "1":
            out.append("已建立女职工委员会")
        if self.employees_known:
            out.append("已填写职工人数")
        return out


class TreeView(ScopedViewMixin, TemplateView):
    """工会组织树: starts at the user's scope organization; children load on demand.

    With a search or a filter the page lists the matching unions of the scope instead,
    paginated without a count.
    """

    template_name = "orgs/tree.html"
    partial_template_name = "orgs/_tree_results.html"
    nav = "orgs"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        filters = TreeFilters(self.request.GET)
        context["filters"] = filters
        if filters.active:
            results = filters.apply(
                self.visible(Organization)
                .select_related("parent", "region")
                .defer("chair_phone", "parent__chair_phone")
            ).order_by("path")
            context["page"] = fetch_page(results, self.request)
        else:
            if user.is_superuser:
                roots = Organization.objects.filter(parent__isnull=True)
            else:
                roots = self.visible(Organization).filter(pk=user.scope_org_id)
            roots = list(with_has_children(roots.select_related("region")))
            context["roots"] = roots
            # The top of the tree opens at once, so the first page shows real unions.
            if len(roots) == 1:
                context["root_children"] = fetch_page(
                    with_has_children(children(self.visible(Organization), roots[0])),
                    self.request,
                    page_size=CHILDREN_PAGE_SIZE,
                )
        return context


class ChildrenView(ScopedViewMixin, TemplateView):
    """The sub-unions of one union, as tree nodes (the HTMX fragment behind each ▸)."""

    template_name = "orgs/children_page.html"
    partial_template_name = "orgs/_children.html"
    nav = "orgs"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.get_org()
        context["org"] = org
        context["page"] = fetch_page(
            with_has_children(children(self.visible(Organization), org)),
            self.request,
            page_size=CHILDREN_PAGE_SIZE,
        )
        return context


def visible_ancestors(org: Organization, user) -> list[Organization]:
    """The breadcrumb: the ancestors of ``org`` the user may see, from the top down."""
    prefixes = path_prefixes(org.path)
    if not prefixes:
        return []
    return list(
        Organization.objects.visible_to(user)
        .filter(path__in=prefixes)
        .only("id", "name", "path", "depth")
        .order_by("depth")
    )


def children(queryset, org: Organization):
    """The sub-unions of ``org``, in path order, read from the path index over its subtree only.

    Without the range the planner reads the path index from the start of the user's scope,
    expecting children everywhere; they all lie in the parent's subtree (ids are hex segments,
    so the subtree is the range [path, path + "g") in any usual collation). For a county far
    down the province's paths that was 20,000 rows and 26 ms at 49,000 unions.
    """
    return queryset.filter(parent=org, path__gt=org.path, path__lt=f"{org.path}g")


def union_figures(org: Organization) -> list[Figure]:
    """A union's figures, 本级 beside 含下级, each member figure linked to its list: read from
    the kept counters (orgs/counters.py), never counted over the subtree per request."""
    members = reverse("orgs:detail", kwargs={"org_id": org.pk})
    rated_note = ""
    if org.subtree_rated_member_count != org.subtree_member_count:
        rated_note = (
            f"仅计已填职工人数的工会：会员 {org.subtree_rated_member_count:,}"
            f" / 职工 {org.subtree_employee_count:,}"
        )
    return [
        Figure("本级会员人数", org.member_count, f"{members}#members"),
        Figure("含下级会员人数", org.subtree_member_count, f"{members}?sub=1#members"),
        Figure("本级职工人数", org.employee_count or "—"),
        Figure("含下级职工人数", org.subtree_employee_count or "—"),
        Figure("本级入会率", percent(org.membership_rate), note="本级会员 ÷ 本级职工"),
        Figure(
            "含下级入会率",
            percent(org.subtree_membership_rate),
            note=rated_note or "含下级会员 ÷ 含下级职工",
        ),
    ]


def keyset_page_by_status(queryset, statuses: Sequence[str], request) -> Page:
    """``keyset_page`` over one union's memberships in any of ``statuses``, newest first.

    ``membership_org_status_idx (org, status, id)`` gives each status in id order, but not two
    together: for ``status IN (active, retained)`` the planner walked the primary key backwards
    from the newest membership of the province, filtering for the union (100 ms and growing
    for a union whose members joined long ago). One page per status, merged, reads at most a
    page per status. Once a status's page is full with more after it, the next statuses are
    read only above its last row: a row below it has a whole page above it and cannot reach
    the merged page (a union's 在籍 page then reads only its newer 保留会籍, not a page of them:
    the union pages of bench/load.py read ~100 rows for their 50).
    """
    pages = []
    floor = None
    for status in statuses:
        rows = queryset.filter(status=status)
        if floor is not None:
            rows = rows.filter(pk__gt=floor)
        page = keyset_page(rows, request)
        pages.append(page)
        if page.has_next:
            floor = page.items[-1].pk
    if len(pages) == 1:
        return pages[0]
    size = settings.SMARTUNION_PAGE_SIZE
    rows = sorted(chain.from_iterable(p.items for p in pages), key=attrgetter("pk"), reverse=True)
    has_next = len(rows) > size or any(p.has_next for p in pages)
    items = rows[:size]
    return replace(
        pages[0],
        items=items,
        has_next=has_next,
        next_cursor=str(items[-1].pk) if has_next else "",
    )


class OrgDetailView(PostedSearchMixin, ScopedViewMixin, TemplateView):
    """一个工会组织: its fields, sub-unions, member figures and its members.

    The member search posts (PostedSearchMixin): an ID number is never in a URL.
    """

    template_name = "orgs/detail.html"
    nav = "orgs"
    search_fields = ("q", "status", "sub")

    def check_search_target(self) -> None:
        self.get_org()

    def get_template_names(self):
        # Two parts of the page reload on their own: the member list and the sub-unions.
        if self.is_partial:
            target = self.request.htmx.target
            if target == "members":
                return ["orgs/_members.html"]
            if target == "subunions":
                return ["orgs/_subunions.html"]
        return [self.template_name]

    def members(self, org: Organization) -> dict:
        params = self.request.GET
        status = params.get("status", "current")
        if status not in MEMBER_FILTERS:
            status = "current"
        q = params.get("q", "").strip()[:64]
        include_sub = params.get("sub") == "1"
        statuses = MEMBER_FILTERS[status][1]
        queryset = self.visible(Membership)
        if include_sub:
            queryset = queryset.filter(org__path__startswith=org.path).select_related(
                "person", "org"
            )
        else:
            queryset = queryset.filter(org=org).select_related("person")
        # The list shows masked values only: the ciphertexts are not even read (or decrypted).
        queryset = queryset.only(*LIST_ONLY, *(("org__name",) if include_sub else ()))
        if q:
            queryset = queryset.filter(person__in=Person.objects.search(q).values("pk"))
        if include_sub:
            page = keyset_page(queryset.filter(status__in=statuses), self.request)
        else:
            page = keyset_page_by_status(queryset, statuses, self.request)
        export_urls = {}
        if not looks_like_id_number(q):
            # The list as it is filtered (links never carry an ID number: they end up in
            # browser history and server logs).
            base = reverse("imports:export_members", kwargs={"org_id": org.pk})
            filters = {"status": status, "sub": "1" if include_sub else "0", "q": q}
            export_urls = {
                fmt: f"{base}?{urlencode({**filters, 'format': fmt})}" for fmt in ("xlsx", "csv")
            }
        return {
            "member_page": page,
            "member_export_urls": export_urls,
            "member_status": status,
            "member_filters": [(k, label) for k, (label, _s) in MEMBER_FILTERS.items()],
            "member_q": q,
            "include_sub": include_sub,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        org = self.get_org()
        subunions = children(self.visible(Organization), org).defer("chair_phone")
        context.update(
            org=org,
            ancestors=visible_ancestors(org, user),
            figures=union_figures(org),
            subunion_count=subunions.count(),
            subunion_page=fetch_page(
                subunions, self.request, page_size=SUBUNIONS_PAGE_SIZE, param="subpage"
            ),
            can_change=user.can("change"),
            today=timezone.localdate(),
            **self.members(org),
        )
        return context


class OrgFormMixin(ScopedViewMixin):
    action = "change"
    nav = "orgs"

    def dispatch(self, request, *args, **kwargs):
        # The union of the URL is fetched (404 outside the change scope) before any form is
        # read, so a forged POST for another county's union stops here.
        if request.user.is_authenticated:
            self.get_org()
        return super().dispatch(request, *args, **kwargs)

    def get_org(self, pk=None, *, action=None):
        if not hasattr(self, "_org"):
            self._org = super().get_org(pk, action=action)
        return self._org

    def detail_url(self, org: Organization) -> str:
        return reverse("orgs:detail", kwargs={"org_id": org.pk})

    def run_service(self, form, call, success_message: str):
        """Call the service; its Chinese errors land on the form's fields, nothing is saved."""
        try:
            org = call()
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, success_message.format(name=org.name))
        if self.checks_names:
            count, shown = services.namesakes(org.name, exclude=org.pk)
            if count:
                messages.warning(self.request, namesakes_warning(org.name, count, shown))
        return HttpResponseRedirect(self.detail_url(org))

    #: Whether the form checks its name against the tree as it is typed, and after saving
    #: warns of unions of the same name elsewhere (create and edit).
    checks_names = False

    def name_place(self) -> tuple[int | None, int | None]:
        """(the parent the named union sits under, the union itself if it exists)."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if self.checks_names and self.is_partial and request.htmx.target == "name-check":
            return render(request, "orgs/_name_check.html", self.name_check())
        return super().get(request, *args, **kwargs)

    def name_check(self) -> dict:
        """What the form says of the name typed so far: a sibling of that name (refused on
        saving) or unions of that name elsewhere in the province (allowed, with a warning)."""
        name = self.request.GET.get("name", "").strip()[:128]
        if not name:
            return {}
        parent_id, exclude = self.name_place()
        sibling = services.sibling_namesake(name, parent_id, exclude=exclude)
        if sibling is not None:
            return {"refusal": services.sibling_name_taken(sibling)}
        count, shown = services.namesakes(name, exclude=exclude)
        return {"warning": namesakes_warning(name, count, shown)} if count else {}


def namesakes_warning(name: str, count: int, shown: Sequence[Organization]) -> str:
    places = "；".join(o.path_display for o in shown) + ("等" if count > len(shown) else "")
    return (
        f"省内另有{count}个名为“{name}”的工会：{places}。"
        "选择工会时请按上级工会区分；如是同一个工会，请勿重复建立。"
    )


class OrgCreateView(OrgFormMixin, FormView):
    """新建下级工会 under the union of the URL."""

    template_name = "orgs/form.html"
    form_class = OrgForm
    checks_names = True

    def name_place(self) -> tuple[int | None, int | None]:
        return self.get_org().pk, None

    def get_initial(self):
        parent = self.get_org()
        return {
            "region": parent.region_id,
            "kind": Kind.SINGLE,
            "employee_count": 0,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(parent=self.get_org(), title="新建下级工会")
        return context

    def form_valid(self, form):
        parent = self.get_org()
        return self.run_service(
            form,
            lambda: services.create_org(
                form.service_values(),
                parent=parent,
                actor=self.request.user,
                chair_phone=form.chair_phone_value(),
            ),
            "已新建工会组织“{name}”。",
        )


class OrgEditView(OrgFormMixin, FormView):
    """编辑 a union's fields."""

    template_name = "orgs/form.html"
    form_class = OrgForm
    checks_names = True

    def name_place(self) -> tuple[int | None, int | None]:
        org = self.get_org()
        return org.parent_id, org.pk

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["org"] = self.get_org()
        return kwargs

    def get_initial(self):
        return OrgForm.initial_for(self.get_org())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(org=self.get_org(), title="编辑工会组织")
        return context

    def form_valid(self, form):
        return self.run_service(
            form,
            lambda: services.update_org(
                self.get_org(),
                form.service_values(),
                actor=self.request.user,
                chair_phone=form.chair_phone_value(),
            ),
            "已保存“{name}”的修改。",
        )


class OrgPickerMixin:
    """Choosing a union by searching its name (上级工会, 合并至, 导入到): an HTMX fragment of
    the same view. ``org``, when given, is the union being moved or merged: neither it nor
    its subtree can be chosen."""

    picker_field = "parent"

    def picker_results(self, org: Organization | None) -> list[Organization]:
        q = self.request.GET.get("q", "").strip()[:64]
        queryset = (
            self.visible(Organization, "change")
            .filter(status=Status.NORMAL)
            .select_related("region")
            .defer("chair_phone")
        )
        if org is not None:
            queryset = queryset.exclude(path__startswith=org.path)
        if self.picker_field == "parent" and org is not None and org.parent_id:
            queryset = queryset.exclude(pk=org.parent_id)  # where it already is
        if q:
            queryset = queryset.filter(name__contains=q)
        else:
            # Without a search, offer the unions above the grassroots level near this one.
            queryset = queryset.exclude(kind__in=GRASSROOTS_KINDS)
        return attach_path_names(queryset.order_by("depth", "path")[:PICKER_SIZE])

    def get_template_names(self):
        if self.is_partial and self.request.htmx.target == "picker-results":
            return ["orgs/_picker_results.html"]
        return super().get_template_names()

    def picker_context(self, form, org: Organization | None) -> dict:
        selected = None
        # Bound: what was chosen; unbound: the form's initial choice, if any.
        value = form[self.picker_field].value()
        if value:
            selected = (
                self.visible(Organization, "change").filter(pk=value).first()
                if str(value).isdigit()
                else None
            )
        return {
            "picker_bound": form[self.picker_field],
            "picker_required": form.fields[self.picker_field].required,
            "picker_field": self.picker_field,
            "picker_results": self.picker_results(org),
            "picker_selected": selected,
            "picker_q": self.request.GET.get("q", ""),
        }


class OrgMoveView(OrgPickerMixin, OrgFormMixin, FormView):
    """移动: put a union (with its whole subtree) under another parent."""

    template_name = "orgs/move.html"
    form_class = MoveForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.get_org()
        context.update(org=org, **self.picker_context(context["form"], org))
        return context

    def form_valid(self, form):
        return self.run_service(
            form,
            lambda: services.move_org(
                self.get_org(), form.cleaned_data["parent"], actor=self.request.user
            ),
            "已将“{name}”移到新的上级工会之下。",
        )


class OrgDissolveView(OrgPickerMixin, OrgFormMixin, FormView):
    """撤销 (or 合并): only a union without current members and active sub-unions."""

    template_name = "orgs/dissolve.html"
    form_class = DissolveForm
    picker_field = "merged_into"

    def get_initial(self):
        return {"dissolved_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.get_org()
        context.update(org=org, **self.picker_context(context["form"], org))
        return context

    def form_valid(self, form):
        return self.run_service(
            form,
            lambda: services.dissolve_org(
                self.get_org(),
                actor=self.request.user,
                on=form.cleaned_data["dissolved_on"],
                merged_into=form.cleaned_data.get("merged_into"),
            ),
            "已撤销“{name}”。",
        )
