"""Staff sessions read with their account and authenticator in one query.

Before every staff view Django reads the session, then the session's user (``RoleBackend
.get_user``), then django-otp the authenticator the session was verified with: three round
trips, ~22 % of the workers' time under ``bench/load.py``'s staff mix. The session's row
(``accounts.models.Session``) keeps copies of the two keys, so its read joins both; the
account and the device are then taken from that read, where the copies equal the session
data's keys, while the session's user is being resolved (``prefetched``) — and read as before
otherwise. What decides is unchanged: the data's keys, Django's check of the password hash,
django-otp's check that the device is confirmed and the user's own.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django_otp import DEVICE_ID_SESSION_KEY

#: The TOTP devices' label in django-otp's persistent ids ("otp_totp.totpdevice/<id>").
TOTP_LABEL = "otp_totp.totpdevice"

#: The session whose user is being resolved (set by ``prefetched`` around it).
_resolving: ContextVar[SessionStore | None] = ContextVar("resolving_session", default=None)


def _as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def totp_device_id(persistent_id) -> int | None:
    """The id of a TOTP device's persistent id, None for another kind of device or none."""
    if not isinstance(persistent_id, str):
        return None
    label, _, pk = persistent_id.rpartition("/")
    return _as_id(pk) if label == TOTP_LABEL else None


class SessionStore(DBStore):
    #: The row last read (with its joined account and device), None before or without one.
    row = None

    @classmethod
    def get_model_class(cls):
        from smartunion.accounts.models import Session

        return Session

    def _get_session_from_db(self):
        self.row = super()._get_session_from_db()
        return self.row

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        row.user_id = _as_id(data.get(SESSION_KEY))
        row.totp_device_id = totp_device_id(data.get(DEVICE_ID_SESSION_KEY))
        return row

    def joined_user(self, user_id):
        """The account read with the session, if it is the one the data names, else None."""
        named = _as_id(self.get(SESSION_KEY))  # (reads the session if it was not yet)
        row = self.row
        if row is None or row.user_id is None or not (row.user_id == named == _as_id(user_id)):
            return None
        return row.user  # None where the account is gone

    def joined_device(self, persistent_id):
        """The TOTP device read with the session, if it is the one ``persistent_id`` and the
        data name, else None."""
        named = totp_device_id(self.get(DEVICE_ID_SESSION_KEY))
        row = self.row
        pk = totp_device_id(persistent_id)
        if row is None or pk is None or not (row.totp_device_id == named == pk):
            return None
        return row.totp_device


@contextmanager
def prefetched(session):
    """While the request's user is resolved, ``RoleBackend.get_user`` and the second factor's
    middleware may take the account and the device from ``session``'s read."""
    token = _resolving.set(session if isinstance(session, SessionStore) else None)
    try:
        yield
    finally:
        _resolving.reset(token)


def joined_user(user_id):
    session = _resolving.get()
    return session.joined_user(user_id) if session is not None else None


def joined_device(persistent_id):
    session = _resolving.get()
    return session.joined_device(persistent_id) if session is not None else None
