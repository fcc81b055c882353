"""网络投票 on the phone (issue 16): the selections whose vote is open today, their nominees
(name, union, the deeds in short; never an ID number), one vote a day per selection through
the honours' own service (``honours.selections.vote``, the one the API uses). A signed-in
worker votes as their number (its blind index), bound or not."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from smartunion.core.errors import NotInScope
from smartunion.core.idnumber import mask_phone
from smartunion.honours import selections
from smartunion.portal.views import worker_required


@worker_required
def vote_page(request):
    voter = request.worker.phone_index
    error, status = "", 200
    if request.method == "POST":
        try:
            nomination = int(request.POST.get("nomination", ""))
        except ValueError:
            raise NotInScope("投票对象") from None
        try:
            selections.vote(nomination, voter=voter)
        except ValidationError as exc:
            error, status = "；".join(exc.messages), 400
        else:
            return redirect("portal:vote")
    context = {
        "votes": selections.open_votes(voter=voter),
        "error": error,
        "phone_masked": mask_phone(request.worker.phone),
    }
    return render(request, "portal/vote.html", context, status=status)
