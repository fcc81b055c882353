"""Background steps of 职工之家, run by the task worker (``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task


@task()
def send_notice_sms(person_id: int, subject: str, what: str) -> None:
    """The SMS of a notice to a worker (portal.notices.send_sms): queued on the commit of the
    step, so the request never waits on the provider."""
    from smartunion.portal import notices

    notices.send_sms(person_id, subject, what)
