"""网上入会's phone page at /portal/join/ (portal/joining.py has the rules; decision 0026).

One page, as the worker moves through it: the state of their application when there is one;
the union search (``?q=``, an htmx fragment while typing, pages of ten); the application form
for the union picked (``?org=``); a bound member is told so and sent to 我的会籍.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from smartunion.core.errors import TooManyRequests
from smartunion.core.forms import apply_service_errors
from smartunion.core.idnumber import mask_phone
from smartunion.core.views_mixins import fetch_page
from smartunion.portal import binding, joining, services
from smartunion.portal.ecard import mask_name
from smartunion.portal.views import worker_required

PAGE_SIZE = 10
PICK_UNION = "请先搜索并选择您所在单位的工会。"


@worker_required
def join_page(request):
    """网上入会: pick the union, fill the application, follow it."""
    worker = request.worker
    person = binding.bound_person(worker)
    membership = services.membership_of(person) if person else None
    q = request.GET.get("q", "").strip()[:64]
    org = joining.joinable(request.GET.get("org"))
    form = None
    error = ""
    status = 200
    if request.method == "POST":
        form = joining.JoinForm(request.POST, bound=person is not None)
        try:
            org = joining.union(request.POST.get("org"))
        except ValidationError:
            form, error = None, PICK_UNION  # back to the search
        if form is not None and form.is_valid():
            try:
                joining.join(
                    worker,
                    org,
                    name=form.cleaned_data.get("name", ""),
                    id_number=form.cleaned_data.get("id_number", ""),
                    extra=form.extra(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except TooManyRequests as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("portal:join")
        status = 400
    elif org is not None:
        form = joining.JoinForm(bound=person is not None)
    page = None
    if q and org is None:
        page = fetch_page(
            joining.search_unions(q).order_by("name", "id"), request, page_size=PAGE_SIZE
        )
        joining.with_paths(page.items)
    context = {
        "person": person,
        "person_masked": mask_name(person.name) if person else "",
        "membership": membership,
        "member": membership if membership is not None and membership.is_current else None,
        "state": joining.state_of(person),
        "q": q,
        "page": page,
        "org": joining.with_paths([org])[0] if org is not None else None,
        "form": form,
        "error": error,
        "phone_masked": mask_phone(worker.phone),
    }
    if request.htmx and not request.htmx.boosted and page is not None:
        return render(request, "portal/join_results.html", context)
    return render(request, "portal/join.html", context, status=status)
