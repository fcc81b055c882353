"""The workers' API at /api/v1/portal/ (issue 14; decision 0021).

Sign-in routes need no login; every other portal route takes only a worker's token
(``WorkerBearer``), never a staff session or staff token — and staff routes never take a
worker's token (theirs are looked up in ``accounts.ApiToken`` only).
"""

from __future__ import annotations

import re

from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from smartunion.core.api import BearerToken, api_errors
from smartunion.core.idnumber import mask_phone, normalize_phone
from smartunion.core.ratelimit import AddressRate
from smartunion.portal import signin


class WorkerBearer(BearerToken):
    """``Authorization: Bearer <token>`` with a token from ``POST /api/v1/portal/auth/token``."""

    def authenticate(self, request, token):
        worker = signin.worker_for(token)
        if worker is not None:
            request.worker = worker
        return worker


worker_auth = WorkerBearer()
router = Router(tags=["职工之家"], auth=worker_auth)
PHONE = re.compile(r"^1[3-9]\d{9}$")


def _phone(value: str) -> str:
    value = normalize_phone(value)
    if not PHONE.match(value):
        raise ValueError("请输入11位手机号码")
    return value


class PortalCodeIn(Schema):
    phone: str

    _check = field_validator("phone")(classmethod(lambda cls, v: _phone(v)))


class PortalTokenIn(Schema):
    phone: str
    code: str

    _check = field_validator("phone")(classmethod(lambda cls, v: _phone(v)))


class PortalTokenOut(Schema):
    token: str


class PortalMeOut(Schema):
    phone_masked: str
    token_expires_at: str


@router.post(
    "/auth/code",
    auth=None,
    response={202: None},
    throttle=AddressRate("portal-code", "SMARTUNION_PORTAL_CODE_RATE"),
    url_name="portal_auth_code",
)
@api_errors(429)
def request_code(request, payload: PortalCodeIn):
    """Send a 6-digit sign-in code to ``phone`` (valid 5 minutes)."""
    signin.send_code(payload.phone)
    return Status(202, None)


@router.post("/auth/token", auth=None, response=PortalTokenOut, url_name="portal_auth_token")
@api_errors(400)
def issue_token(request, payload: PortalTokenIn):
    """Exchange the SMS code for a worker's token."""
    try:
        key = signin.check_code(payload.phone, payload.code.strip())
    except signin.SignInError as exc:
        raise HttpError(400, exc.message) from None
    return {"token": key}


@router.get("/me", response=PortalMeOut, url_name="portal_me")
def me(request):
    """The signed-in worker (binding and membership come with the next part of issue 14)."""
    return {
        "phone_masked": mask_phone(request.worker.phone),
        "token_expires_at": timezone.localtime(request.worker.expires_at).isoformat(),
    }
