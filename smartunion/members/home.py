"""The membership work waiting on the home page: applications and incoming transfers."""

from __future__ import annotations

from smartunion.core.home import Figure, todo, url_for
from smartunion.members.models import Membership, MembershipStatus, Transfer, TransferStatus


def todo_figures(user) -> list[Figure]:
    # A scope holding the whole tree counts from the partial indexes of pending work, without
    # the join with every union that visible_to() would add.
    everything = user.can("view") and user.sees_whole_tree
    applications = Membership.objects.all() if everything else Membership.objects.visible_to(user)
    pending_applications = applications.filter(status=MembershipStatus.APPLIED).count()
    if everything:
        incoming = Transfer.objects.all()
    else:
        incoming = Transfer.objects.visible_to(user).filter(
            to_org__path__startswith=user.scope_path
        )
    incoming_transfers = incoming.filter(status=TransferStatus.PENDING).count()
    return [
        todo(
            "待审批的入会申请",
            pending_applications,
            url_for("members:list", {"status": "applied"}),
        ),
        todo("待接收的转会", incoming_transfers, url_for("members:transfers", {"box": "in"})),
    ]


def register() -> None:
    from smartunion.core import home

    home.register_todo("members", todo_figures, order=10)
