"""The membership work waiting on the home page: applications, and transfers to decide."""

from __future__ import annotations

from django.db.models import Count, Q

from smartunion.core.home import Figure, todo, url_for
from smartunion.members.models import (
    Membership,
    MembershipStatus,
    Transfer,
    TransferKind,
    TransferStatus,
)


def todo_figures(user) -> list[Figure]:
    # A scope holding the whole tree counts from the partial indexes of pending work, without
    # the join with every union that visible_to() would add.
    everything = user.can("view") and user.sees_whole_tree
    applications = Membership.objects.all() if everything else Membership.objects.visible_to(user)
    pending_applications = applications.filter(status=MembershipStatus.APPLIED).count()
    # The transfers the user's side decides: sent to it (转出), or asking for its members
    # (申请转入); both are listed on the transfers page's first section. The deciding side is
    # within the user's scope, so these are visible_to() rows without its OR of both sides.
    pending = Transfer.objects.filter(status=TransferStatus.PENDING)
    if everything:
        counts = pending.aggregate(
            **{kind: Count("pk", filter=Q(kind=kind)) for kind in TransferKind.values}
        )
    elif user.can("view") and user.scope_path:
        counts = pending.to_decide_counts(user)
    else:
        counts = dict.fromkeys(TransferKind.values, 0)
    inbox = url_for("members:transfers", {"box": "in"})
    inbox = f"{inbox}#in" if inbox else inbox
    return [
        todo(
            "待审批的入会申请",
            pending_applications,
            url_for("members:list", {"status": "applied"}),
        ),
        todo("待接收的转会", counts[TransferKind.SEND], inbox),
        todo("待同意的转入申请", counts[TransferKind.REQUEST], inbox),
    ]


def register() -> None:
    from smartunion.core import home

    home.register_todo("members", todo_figures, order=10)
