"""Background steps of 职工之家, run by the task worker (``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task


@task()
def send_notice_sms(case_kind: str, case_id: int, kind: str) -> None:
    """The SMS of an important step of a worker's application (portal.notices.send_sms)."""
    from smartunion.portal import notices

    notices.send_sms(case_kind, case_id, kind)
