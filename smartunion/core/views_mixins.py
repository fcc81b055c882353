"""Scope in the base class: the mixin every staff page view is built on (STYLE.md, Views).

``ScopedViewMixin`` gives a view, in one place:

- login required (anonymous users are redirected to ``accounts:login``);
- ``self.visible(Model)``: the model's rows the user may see (``visible_to(user, action)``);
- ``self.get_for_user(Model, pk)``: one object, or 404 outside the user's subtree;
- ``self.get_org(pk)``: the same for an organization;
- forms whose organization choices are limited to the user's subtree
  (``restrict_form_fields``; ``get_form_kwargs`` passes ``user`` to forms that take it);
- one view for the full page and its HTMX fragment: an HTMX request (not a boosted
  navigation) gets ``partial_template_name``, any other request ``template_name``.

``fetch_page`` and ``keyset_page`` paginate big tables without counting them (fetch one row
more than the page to know whether there is a next page).

Usage::

    class MemberDetailView(ScopedViewMixin, TemplateView):
        template_name = "members/detail.html"
        nav = "members"

        def get_context_data(self, **kwargs):
            person = self.get_for_user(Person, self.kwargs["person_id"], what="会员")
            ...

    class MemberEditView(ScopedViewMixin, FormView):
        action = "change"  # a read-only viewer gets 404 for the object and saves nothing
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Model, QuerySet
from django.http import HttpResponse, HttpResponseRedirect, QueryDict

from smartunion.core.querysets import ScopedModel
from smartunion.core.redact import has_personal_number
from smartunion.core.scope import get_for_user


def _queryset(model_or_qs) -> QuerySet:
    if isinstance(model_or_qs, QuerySet):
        return model_or_qs
    return model_or_qs._default_manager.all()


def restrict_form_fields(form: forms.BaseForm, user, action: str = "change") -> None:
    """Limit every choice of a scoped object (an organization, a member…) to the user's subtree.

    A forged POST naming an object outside the subtree then fails the field's validation
    ("选择一个有效的选项") instead of reaching a service.
    """
    for bound_field in form.fields.values():
        queryset = getattr(bound_field, "queryset", None)
        if queryset is None or not issubclass(queryset.model, ScopedModel):
            continue
        bound_field.queryset = queryset.visible_to(user, action)


class ChangeViewMixin:
    """For views whose ``action`` is "change": a read-only account is refused (403) before
    anything is read. Put it before ``ScopedViewMixin`` (it checks after the login check)."""

    def dispatch(self, request, *args, **kwargs):
        if (
            getattr(self, "action", "") == "change"
            and request.user.is_authenticated
            and not request.user.can("change")
        ):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("您的账号只有查看权限，不能修改。")
        return super().dispatch(request, *args, **kwargs)


class ScopedViewMixin(LoginRequiredMixin):
    """Login required, objects fetched within scope, scoped form choices, full page or fragment."""

    #: What the user must be allowed to do with the objects this view fetches and writes:
    #: "view" for pages, "change" for forms and actions (accounts/roles.py ACTIONS).
    action: str = "view"
    #: The template of the HTMX fragment (None: HTMX requests get the full page as well).
    partial_template_name: str | None = None
    #: Which main-navigation item is highlighted (base.html: home, orgs, members, transfers).
    nav: str = ""

    # Objects -----------------------------------------------------------------

    def visible(self, model_or_qs, action: str | None = None) -> QuerySet:
        """The rows of a scoped model (or queryset) the user may see or change."""
        return _queryset(model_or_qs).visible_to(self.request.user, action or self.action)

    def get_for_user(
        self, model_or_qs, pk, *, action: str | None = None, what: str = "记录"
    ) -> Model:
        """One object within the user's subtree; 404 (NotInScope) otherwise."""
        return get_for_user(
            _queryset(model_or_qs), self.request.user, pk, action=action or self.action, what=what
        )

    def get_org(self, pk=None, *, action: str | None = None):
        """The organization named by ``pk`` (default: the URL's ``org_id``), or 404."""
        from smartunion.orgs.models import Organization

        pk = self.kwargs.get("org_id") if pk is None else pk
        return self.get_for_user(
            Organization.objects.select_related("region", "parent"),
            pk,
            action=action,
            what="工会组织",
        )

    def can(self, action: str) -> bool:
        return self.request.user.can(action)

    # Forms -------------------------------------------------------------------

    def restrict_form(self, form: forms.BaseForm, action: str | None = None) -> forms.BaseForm:
        restrict_form_fields(form, self.request.user, action or self.action)
        return form

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()  # type: ignore[misc]
        form_class = self.get_form_class()  # type: ignore[attr-defined]
        if getattr(form_class, "takes_user", False):
            kwargs["user"] = self.request.user
        return kwargs

    def get_form(self, form_class=None):
        return self.restrict_form(super().get_form(form_class))  # type: ignore[misc]

    # Templates ---------------------------------------------------------------

    @property
    def is_partial(self) -> bool:
        htmx = getattr(self.request, "htmx", None)
        return bool(htmx) and not htmx.boosted

    def get_template_names(self) -> list[str]:
        if self.is_partial and self.partial_template_name:
            return [self.partial_template_name]
        return super().get_template_names()  # type: ignore[misc]

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.setdefault("nav", self.nav)
        context.setdefault("can_change", self.can("change"))
        return context


class PostedSearchMixin:
    """A search whose text may be an ID or phone number: its form POSTs, so no URL holds one.

    A URL lands in the access logs of the server and of every proxy, in browser history and
    in Referer headers; a request body does not. The search form posts ``search_fields``:

    - a text without a personal number is sent on to the GET URL (303), so a search by name
      stays a link one can bookmark and page through (HTMX: answered at once, with that URL
      pushed into the history);
    - a text with one (``core.redact.has_personal_number``) is answered as the GET would be,
      its URL left as it was (HTMX: ``HX-Push-Url: false``);
    - a GET that carries one anyway (a hand-typed or old link) is sent on to the same page
      without it, with a message saying why.

    The view reads its filters from ``request.GET`` as before. Put the mixin first in the bases
    and add "post" to ``http_method_names`` if the view restricts them.
    """

    search_fields: tuple[str, ...] = ("q",)
    personal_number_notice = (
        "为保护个人信息，身份证号码和手机号码请在搜索框中输入查找，不要放在网址中。"
    )

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD") and self._personal(request.GET):
            kept = request.GET.copy()
            for name in self.search_fields:
                if any(has_personal_number(v) for v in kept.getlist(name)):
                    kept.pop(name)
            messages.info(request, self.personal_number_notice)
            return _see_other(_url(request.path, kept))
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def check_search_target(self) -> None:
        """Raise 404 when the page's object is out of the user's scope, before a search is
        sent on to it (a view with a URL object fetches it here)."""

    def post(self, request, *args, **kwargs) -> HttpResponse:
        self.check_search_target()
        params = QueryDict(mutable=True)
        for name in self.search_fields:
            values = [v for v in request.POST.getlist(name) if v != ""]
            if values:
                params.setlist(name, values)
        personal = self._personal(params)
        url = _url(request.path, params)
        partial = bool(getattr(request, "htmx", None)) and not request.htmx.boosted
        if not personal and not partial:
            return _see_other(url)
        params._mutable = False
        request.GET = params
        response = self.get(request, *args, **kwargs)  # type: ignore[attr-defined]
        if partial:
            response["HX-Push-Url"] = "false" if personal else url
        return response

    def _personal(self, params) -> bool:
        return any(
            has_personal_number(value)
            for name in self.search_fields
            for value in params.getlist(name)
        )


def _url(path: str, params: QueryDict) -> str:
    return f"{path}?{params.urlencode()}" if params else path


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


@dataclass
class Page:
    """One page of a list, without a total: ``has_next`` comes from fetching one row more."""

    items: list
    number: int = 1
    has_next: bool = False
    next_cursor: str = ""
    params: dict[str, str] = field(default_factory=dict)
    #: The query parameter holding the page number (two lists on one page use two names).
    param: str = "page"

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def _url(self, **changes) -> str:
        params = {k: v for k, v in {**self.params, **changes}.items() if v not in ("", None)}
        return "?" + urlencode(params)

    @property
    def next_url(self) -> str:
        if self.next_cursor:
            return self._url(after=self.next_cursor)
        return self._url(**{self.param: self.number + 1})

    @property
    def previous_url(self) -> str:
        if self.next_cursor or self.param == "after":
            return self.first_url
        return self._url(**{self.param: self.number - 1 if self.number > 2 else ""})

    @property
    def previous_label(self) -> str:
        """Keyset pages only know the way forward: "back" returns to the first page."""
        return "回到第一页" if self.param == "after" else "上一页"

    @property
    def first_url(self) -> str:
        return self._url(**{self.param: ""})


def _page_size(page_size: int | None) -> int:
    return page_size or settings.SMARTUNION_PAGE_SIZE


def _params(request, drop: tuple[str, ...]) -> dict[str, str]:
    # Links never carry an ID or phone number: URLs end up in browser history and in logs.
    return {k: v for k, v in request.GET.items() if k not in drop and not has_personal_number(v)}


def fetch_page(
    queryset: QuerySet, request, *, page_size: int | None = None, param: str = "page"
) -> Page:
    """Offset pagination by ``?page=N``: fetches page_size + 1 rows, never counts the list."""
    size = _page_size(page_size)
    try:
        number = min(max(1, int(request.GET.get(param, "1"))), 10_000)
    except ValueError:
        number = 1
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(
        items=rows[:size],
        number=number,
        has_next=len(rows) > size,
        params=_params(request, (param,)),
        param=param,
    )


def keyset_page(queryset: QuerySet, request, *, page_size: int | None = None) -> Page:
    """Keyset pagination on descending ids by ``?after=ID``: constant cost at any depth.

    The queryset is ordered ``-id`` here; the next page starts below the last id shown.
    """
    size = _page_size(page_size)
    queryset = queryset.order_by("-id")
    after = request.GET.get("after", "")
    if after.isdigit():
        queryset = queryset.filter(id__lt=int(after))
        number = 2  # "previous" leads back to the first page
    else:
        number = 1
    rows = list(queryset[: size + 1])
    items = rows[:size]
    has_next = len(rows) > size
    return Page(
        items=items,
        number=number,
        has_next=has_next,
        next_cursor=str(items[-1].pk) if has_next else "",
        params=_params(request, ("after",)),
        param="after",
    )
