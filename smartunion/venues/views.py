"""Venue pages: list, map, county figures, one venue, forms, exports; and the public phone page.

Staff pages are built on ScopedViewMixin (login, 404 outside the subtree); every write calls
venues/services.py. The phone page 附近驿站 needs no login and loads its list from the public
API ``/api/v1/venues/nearest``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Q, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from smartunion.core import audit
from smartunion.core.bounds import YEAR
from smartunion.core.forms import apply_service_errors
from smartunion.core.views_mixins import ScopedViewMixin, fetch_page
from smartunion.venues import boundaries, conf, coords, exports, services
from smartunion.venues import imports as venue_imports
from smartunion.venues.forms import (
    CloseForm,
    ImportForm,
    PhotoForm,
    VenueFilterForm,
    VenueForm,
)
from smartunion.venues.models import KIND_SHORT, WEEKDAYS, Venue, VenueKind, VenueStatus
from smartunion.venues.seats import county_seats

PAGE_SIZE = 30
MAP_LIMIT = 5000
EXPORT_LIMIT = 200_000


def scope_regions(user):
    """The county-level divisions under the user's scope organization's division."""
    qs = services.county_regions().order_by("code")
    org = getattr(user, "scope_org", None)
    if user.is_superuser or org is None:
        return qs
    code = org.region_id or ""
    if code.endswith("0000"):
        return qs.filter(code__startswith=code[:2])
    if code.endswith("00"):
        return qs.filter(code__startswith=code[:4])
    return qs.filter(code=code)


class VenuesView(ScopedViewMixin):
    nav = "venues"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if "venue_id" in kwargs:
                # Outside the subtree the venue does not exist, whatever the method (404).
                self.venue("view")
            allowed = request.method.lower() in self.http_method_names
            if self.action == "change" and allowed and not user.can("change"):
                raise PermissionDenied("只读账号不能修改阵地。")
        return super().dispatch(request, *args, **kwargs)

    def filtered(self):
        """Venues in scope, narrowed by the filter form of the query string."""
        form = VenueFilterForm(self.request.GET or None, regions=scope_regions(self.request.user))
        qs = self.visible(Venue, "view").select_related("region", "org")
        return form, form.apply(qs)

    def venue(self, action: str | None = None) -> Venue:
        return self.get_for_user(
            Venue.objects.select_related("region", "region__parent", "org"),
            self.kwargs["venue_id"],
            action=action,
            what="阵地",
        )


class VenueListView(VenuesView, TemplateView):
    template_name = "venues/list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, qs = self.filtered()
        page = fetch_page(qs.order_by("region_id", "name", "id"), self.request, page_size=PAGE_SIZE)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            filters=form,
            page=page,
            query=query.urlencode(),
            can_change=self.can("change"),
        )
        return ctx


class VenueMapView(VenuesView, TemplateView):
    template_name = "venues/map.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, qs = self.filtered()
        tiles = conf.tile_config()
        points = []
        # Stations first, so the rarer centres are drawn on top of them.
        rows = qs.order_by(Case(When(kind="station", then=0), default=1), "id").values_list(
            "id", "name", "kind", "lng", "lat", "status", "six_complete", "on_amap", "on_baidu"
        )[: MAP_LIMIT + 1]
        rows = list(rows)
        for pk, name, kind, lng, lat, status, six, amap, baidu in rows[:MAP_LIMIT]:
            if tiles["crs"] == "gcj02":
                lng, lat = coords.wgs84_to_gcj02(lng, lat)
            points.append(
                [
                    pk,
                    name,
                    kind,
                    round(lng, 6),
                    round(lat, 6),
                    status == "open",
                    six,
                    amap and baidu,
                ]
            )
        query = self.request.GET.copy()
        ctx.update(
            filters=form,
            query=query.urlencode(),
            map_data={
                "points": points,
                "kinds": {k: KIND_SHORT[k] for k in VenueKind.values},
                "detail": reverse("venues:detail", kwargs={"venue_id": 0}),
                "tiles": tiles,
                "seats": self.seat_points(tiles["crs"]),
                "boundaries": boundaries.map_config(),
            },
            truncated=len(rows) > MAP_LIMIT,
            shown=len(points),
        )
        return ctx

    def seat_points(self, crs: str) -> list:
        """County and city seats in scope, as reference labels on a map without tiles."""
        seats = county_seats()
        codes = {r.code for r in scope_regions(self.request.user)}
        counties = set(codes)
        codes |= {c[:4] + "00" for c in codes}
        out = []
        for code in sorted(codes):
            if code not in seats:
                continue
            name, lng, lat = seats[code]
            if crs == "gcj02":
                lng, lat = coords.wgs84_to_gcj02(lng, lat)
            prefecture = code not in counties
            out.append([name, round(lng, 5), round(lat, 5), 2 if prefecture else 3])
        return out


class VenueStatsView(VenuesView, TemplateView):
    """各县区驿站情况: built this year, cumulative, open, 六有 complete, on both maps."""

    template_name = "venues/stats.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        try:
            year = YEAR.clean(int(self.request.GET.get("year") or timezone.localdate().year))
        except (ValueError, ValidationError):
            year = timezone.localdate().year
        stations = self.visible(Venue, "view").filter(kind=VenueKind.STATION)
        open_q = Q(status=VenueStatus.OPEN)
        # Stations without a recorded build date count as built by now, not by a past year.
        cumulative_q = Q(built_on__year__lte=year)
        if year >= timezone.localdate().year:
            cumulative_q |= Q(built_on=None)
        rows = list(
            stations.values("region_id", "region__name", "region__parent__name")
            .annotate(
                built_this_year=Count("id", filter=Q(built_on__year=year)),
                cumulative=Count("id", filter=cumulative_q),
                open=Count("id", filter=open_q),
                six=Count("id", filter=open_q & Q(six_complete=True)),
                both_maps=Count("id", filter=open_q & Q(on_amap=True, on_baidu=True)),
            )
            .order_by("region_id")
        )
        for r in rows:  # a city without counties (嘉峪关市) is shown without the province
            r["city"] = "" if r["region_id"].endswith("00") else r["region__parent__name"]
        total = {
            k: sum(r[k] for r in rows)
            for k in ("built_this_year", "cumulative", "open", "six", "both_maps")
        }
        for r in rows + [total]:
            r["six_rate"] = r["six"] / r["open"] if r["open"] else None
            r["maps_rate"] = r["both_maps"] / r["open"] if r["open"] else None
        by_kind = dict(
            self.visible(Venue, "view")
            .filter(status=VenueStatus.OPEN)
            .values_list("kind")
            .annotate(n=Count("id"))
            .values_list("kind", "n")
        )
        ctx.update(
            year=year,
            rows=rows,
            total=total,
            kinds=[(label, by_kind.get(k, 0)) for k, label in VenueKind.choices],
        )
        return ctx


class VenueDetailView(VenuesView, TemplateView):
    template_name = "venues/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        venue = self.venue("view")
        gcj = coords.wgs84_to_gcj02(venue.lng, venue.lat)
        bd = coords.wgs84_to_bd09(venue.lng, venue.lat)
        from smartunion.venues.api import amap_url, baidu_url

        ctx.update(
            venue=venue,
            photos=list(venue.photos.all()),
            coords_rows=[
                ("WGS-84（存储）", venue.lng, venue.lat),
                ("GCJ-02（高德）", gcj[0], gcj[1]),
                ("BD-09（百度）", bd[0], bd[1]),
            ],
            amap_url=amap_url(venue),
            baidu_url=baidu_url(venue),
            photo_form=PhotoForm(),
            can_change=self.can("change") and venue.is_visible_to(self.request.user, "change"),
            now_open=venue.is_open_at(timezone.now()),
        )
        return ctx


class VenueFormView(VenuesView, FormView):
    template_name = "venues/form.html"
    form_class = VenueForm
    action = "change"


class VenueCreateView(VenueFormView):
    def get_initial(self):
        initial = {"kind": VenueKind.STATION, "crs": "wgs84", "stars": 0}
        initial.update({f"hours_{d}": "08:00-20:00" for d in WEEKDAYS})
        org = self.request.user.scope_org
        if org is not None:
            initial["org"] = org.pk
            if services.county_regions().filter(code=org.region_id).exists():
                initial["region"] = org.region_id
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="新增阵地", **kwargs)

    def form_valid(self, form):
        try:
            venue = services.create_venue(form.to_values(), actor=self.request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已新增“{venue.name}”。")
        return redirect("venues:detail", venue_id=venue.pk)


class VenueEditView(VenueFormView):
    def get_form_kwargs(self):
        self.object = self.venue("change")
        kwargs = super().get_form_kwargs()
        kwargs["venue"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=f"编辑：{self.object.name}", venue=self.object)
        return ctx

    def form_valid(self, form):
        try:
            services.update_venue(self.object, form.to_values(), actor=self.request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "已保存。")
        return redirect("venues:detail", venue_id=self.object.pk)


class VenueCloseView(VenuesView, FormView):
    template_name = "venues/close.html"
    form_class = CloseForm
    action = "change"

    def get_form(self, form_class=None):
        self.object = self.venue("change")
        return super().get_form(form_class)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["venue"] = self.object
        return ctx

    def form_valid(self, form):
        try:
            services.close_venue(
                self.object,
                actor=self.request.user,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data.get("closed_on"),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已关闭“{self.object.name}”。")
        return redirect("venues:detail", venue_id=self.object.pk)


class PostOnlyVenueView(VenuesView, View):
    http_method_names = ["post"]
    action = "change"


class VenueReopenView(PostOnlyVenueView):
    def post(self, request, venue_id):
        venue = self.venue("change")
        try:
            services.reopen_venue(venue, actor=request.user)
            messages.success(request, f"已重新启用“{venue.name}”。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("venues:detail", venue_id=venue.pk)


class PhotoAddView(PostOnlyVenueView):
    def post(self, request, venue_id):
        venue = self.venue("change")
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_photo(
                    venue,
                    form.cleaned_data["image"],
                    actor=request.user,
                    caption=form.cleaned_data["caption"],
                )
                messages.success(request, "照片已上传。")
                return redirect("venues:detail", venue_id=venue.pk)
            except ValidationError as exc:
                apply_service_errors(form, exc)
        errors = [m for msgs in form.errors.values() for m in msgs]
        messages.error(request, "照片未上传：" + "；".join(errors))
        return redirect("venues:detail", venue_id=venue.pk)


class PhotoDeleteView(PostOnlyVenueView):
    def post(self, request, venue_id):
        venue = self.venue("change")
        services.delete_photo(venue, request.POST.get("photo"), actor=request.user)
        messages.success(request, "照片已删除。")
        return redirect("venues:detail", venue_id=venue.pk)


class VenueExportView(VenuesView, View):
    """导出: ?target=amap|baidu (format=xlsx|csv) or target=geojson; the list's filters apply."""

    def get(self, request):
        target = request.GET.get("target", "amap")
        fmt = request.GET.get("format", "xlsx")
        if target not in ("amap", "baidu", "geojson", "registry", "template") or fmt not in (
            "xlsx",
            "csv",
        ):
            return HttpResponse("导出类型不正确。", status=400, content_type="text/plain")
        if target in ("registry", "template"):
            return self.registry(target, fmt)
        _, qs = self.filtered()
        if target != "geojson":
            qs = qs.filter(status=VenueStatus.OPEN)  # closed venues are not published to maps
        venues = qs.select_related("region", "region__parent", "region__parent__parent").order_by(
            "region_id", "id"
        )[:EXPORT_LIMIT]
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if target == "geojson":
            body = exports.export_geojson(venues)
            name, ctype = f"venues-wgs84-{stamp}.geojson", "application/geo+json"
            count = body.count(b'"type":"Feature"')
        else:
            layout = exports.LAYOUTS[target]
            venues = list(venues)
            count = len(venues)
            if fmt == "csv":
                body = exports.export_csv(layout, venues)
                name, ctype = f"{layout.stem}-{stamp}.csv", "text/csv; charset=utf-8"
            else:
                body = exports.export_xlsx(layout, venues, exporter=request.user.display_name)
                name = f"{layout.stem}-{stamp}.xlsx"
                ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        audit.record(
            request.user,
            "venue.export",
            object_type="venues.venue",
            org_path=request.user.scope_path,
            changes={"target": target, "format": fmt, "rows": count, "filters": request.GET.dict()},
        )
        response = HttpResponse(body, content_type=ctype)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def registry(self, target: str, fmt: str) -> HttpResponse:
        """阵地登记表: the venues in the import layout, or an empty template with an example."""
        if target == "template":
            rows, stem = [venue_imports.example_row()], "venues-registry-template"
        else:
            _, qs = self.filtered()
            venues = qs.select_related("org").order_by("region_id", "id")[:EXPORT_LIMIT]
            rows, stem = venue_imports.registry_rows(venues), "venues-registry"
        layout = exports.Layout(
            target="registry",
            title="阵地登记表",
            crs=coords.CRS.WGS84,
            columns=venue_imports.HEADERS,
            stem=stem,
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if fmt == "csv":
            body = exports.table_csv(layout, rows)
            name, ctype = f"{stem}-{stamp}.csv", "text/csv; charset=utf-8"
        else:
            body = exports.table_xlsx(layout, rows, exporter=self.request.user.display_name)
            name = f"{stem}-{stamp}.xlsx"
            ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if target == "registry":
            audit.record(
                self.request.user,
                "venue.export",
                object_type="venues.venue",
                org_path=self.request.user.scope_path,
                changes={"target": target, "format": fmt, "rows": len(rows)},
            )
        response = HttpResponse(body, content_type=ctype)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class VenueImportView(VenuesView, FormView):
    """导入阵地登记表: all rows or none; "只检查" reports without writing."""

    template_name = "venues/import.html"
    form_class = ImportForm
    action = "change"

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        report = venue_imports.import_venues(
            upload.file,
            upload.name,
            actor=self.request.user,
            dry_run=form.cleaned_data["check_only"],
        )
        if report.ok and not report.dry_run:
            messages.success(
                self.request,
                f"导入完成：新增{report.created}处，更新{report.updated}处。",
            )
            return redirect("venues:list")
        return self.render_to_response(self.get_context_data(form=form, report=report))


def county_choices() -> list[dict[str, Any]]:
    """Counties (and prefecture cities) of the province with their seats, for the phone page."""
    seats = county_seats()
    regions = services.county_regions().select_related("parent").order_by("code")
    out = []
    for r in regions:
        if r.code not in seats:
            continue
        _, lng, lat = seats[r.code]
        city = r.parent.name if r.level == 3 and r.parent_id else ""
        out.append({"c": r.code, "n": r.name, "p": city, "x": lng, "y": lat})
    return out


#: The kinds 附近驿站 filters by: stations first (and by default), then every kind, then the rest.
NEARBY_DEFAULT_KIND = VenueKind.STATION


def nearby_kinds() -> list[dict[str, str]]:
    rest = [k for k in VenueKind.values if k != NEARBY_DEFAULT_KIND]
    return [
        {"value": NEARBY_DEFAULT_KIND, "label": KIND_SHORT[NEARBY_DEFAULT_KIND]},
        {"value": "", "label": "全部"},
        *({"value": k, "label": KIND_SHORT[k]} for k in rest),
    ]


def nearby_page(request):
    """附近驿站: the public phone page (no login)."""
    tiles = conf.tile_config()
    kinds = nearby_kinds()
    data = {
        "api": reverse("api:venues_nearest"),
        "places": reverse("api:venues_places"),
        "counties": county_choices(),
        "tiles": tiles,
        "kinds": kinds,
        "default_kind": NEARBY_DEFAULT_KIND,
        "boundaries": boundaries.map_config(),
    }
    return render(
        request,
        "venues/nearby.html",
        {
            "page_data": data,
            "tiles": tiles,
            "kinds": kinds,
            "default_kind": NEARBY_DEFAULT_KIND,
        },
    )
