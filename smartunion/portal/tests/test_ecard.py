"""电子会员证 and 会员证核验 (issue 14; decision 0022)."""

import base64
import os
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from smartunion.accounts.models import User
from smartunion.members.services import leave_union
from smartunion.portal import ecard
from smartunion.portal.tests.helpers import make_member, post, worker_client

CARD_URL = "/api/v1/portal/card"


def new_key(kid: str) -> str:
    return f"{kid}:" + base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def bound(db):
    member = make_member()
    client, _ = worker_client()
    post(client, "/api/v1/portal/bind", {"name": member.name, "id_number": member.id_number})
    return member, client


def test_the_card_api_gives_a_token_its_qr_code_and_the_verify_address(bound):
    member, client = bound
    body = client.get(CARD_URL).json()
    assert body["qr_svg"].startswith("<svg") and body["verify_url"].endswith(body["token"])
    assert member.id_number not in body["token"] and member.name not in body["token"]
    answer = Client().get(f"/api/v1/verify/{body['token']}").json()
    assert answer == {
        "valid": True,
        "result": "有效",
        "status": "在籍",
        "union": "兰州第一机械厂工会",
        "name_masked": "赵*柱",
        "expires_at": body["expires_at"],
    }
    page = Client().get(f"/verify/{body['token']}")
    assert page.status_code == 200 and "有效" in page.content.decode()
    assert member.id_number not in page.content.decode()


def test_edited_expired_foreign_and_departed_cards_fail(bound, settings):
    member, _ = bound
    now = timezone.now()
    card = ecard.issue(member.membership, now=now).token
    kid, body, signature = card.split(".")
    flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    cases = {
        f"{kid}.{flipped}.{signature}": ecard.INVALID,  # one character edited
        card[:-1] + ("A" if card[-1] != "A" else "B"): ecard.INVALID,  # the signature edited
        "garbage": ecard.INVALID,
        "x.y.z": ecard.INVALID,
    }
    for token, result in cases.items():
        assert ecard.check(token, now=now).result == result, token
    # Valid until just before its expiry; at and after it 已过期 (a screenshot of an old code).
    assert ecard.check(card, now=now + ecard.VALID_FOR - timedelta(seconds=2)).valid
    late = ecard.check(card, now=now + ecard.VALID_FOR + timedelta(seconds=1))
    assert late.result == ecard.EXPIRED and not late.valid
    # Keys rotate: a new first key signs, the old one (listed after it) still verifies;
    # a token of a key no longer listed, or of another deployment's key, is 无效.
    old = settings.SMARTUNION_ECARD_KEYS
    settings.SMARTUNION_ECARD_KEYS = f"{new_key('e9')},{old}"
    assert ecard.check(card, now=now).valid
    rotated = ecard.issue(member.membership, now=now).token
    assert rotated.startswith("e9.") and ecard.check(rotated, now=now).valid
    settings.SMARTUNION_ECARD_KEYS = new_key("e9")
    assert ecard.check(card, now=now).result == ecard.INVALID
    settings.SMARTUNION_ECARD_KEYS = f"{new_key(kid)}"  # same key id, another key
    assert ecard.check(card, now=now).result == ecard.INVALID
    settings.SMARTUNION_ECARD_KEYS = old
    # A member who left: the (unexpired) card is 无效, with the status the registry has now.
    leave_union(member.membership, actor=User.objects.get(username="root_portal"))
    departed = ecard.check(card, now=now)
    assert (departed.result, departed.status) == (ecard.INVALID, "已终止")


def test_verify_is_public_and_rate_limited_per_address(db, settings):
    settings.SMARTUNION_VERIFY_RATE = "2/m"
    client = Client()
    assert client.get("/verify/").status_code == 200
    assert client.get("/verify/?token=http://x/verify/abc").url == "/verify/abc"
    assert client.get("/api/v1/verify/abc").json()["result"] == "无效"
    assert "无效" in client.get("/verify/abc").content.decode()
    assert client.get("/api/v1/verify/abc").status_code == 429
    page = client.get("/verify/abc")
    assert page.status_code == 429 and page["Retry-After"]
