"""A real server's logs hold no ID or phone number after searches by them (issue 17, item 2).

gunicorn (two workers) on its own seeded database; a county admin searches by ID number and
by phone number in every way a person or a script would — the search form (POST), an old link
with the number in the URL, the API's GET and POST, a mistyped URL — and the access log and
the error log (where the application's own log goes) are read afterwards.
"""

from __future__ import annotations

import re

import pytest
import requests

from smartunion.core.redact import REPLACEMENT
from smartunion.core.testing_server import DEMO_PASSWORD, live_gunicorn

ID = "620102199005170039"
PHONE = "13912345678"
FULL_WIDTH_ID = "".join(chr(0xFF10 + int(d)) for d in ID)


def logged_in(server) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{server.url}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    session.post(
        f"{server.url}/accounts/login/",
        {"username": "chengguan_admin", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        timeout=30,
    )
    return session


def csrf(session: requests.Session) -> dict[str, str]:
    return {"X-CSRFToken": session.cookies["csrftoken"]}


@pytest.mark.live_process
def test_searches_by_id_or_phone_number_leave_no_number_in_the_servers_logs():
    with live_gunicorn() as server:
        web = logged_in(server)
        base = server.url
        # The search form posts: the answer is the page, the URL holds nothing.
        form = web.post(f"{base}/members/", {"q": ID}, headers=csrf(web), timeout=30)
        assert form.status_code == 200 and "没有找到这个身份证号码的会员" in form.text
        # Old links and hand-typed URLs with the number: sent on without it.
        for q in (ID, PHONE, FULL_WIDTH_ID, "620102 19900517 0039"):
            old = web.get(f"{base}/members/", params={"q": q}, timeout=30)
            assert old.status_code == 200 and old.url == f"{base}/members/", old.url
        web.get(f"{base}/members/{ID}/", timeout=30)  # "Not Found: /members/…/" is logged

        token = requests.post(
            f"{base}/api/v1/auth/token",
            json={"username": "chengguan_admin", "password": DEMO_PASSWORD},
            timeout=30,
        ).json()["token"]
        api = {"Authorization": f"Bearer {token}"}
        refused = requests.get(f"{base}/api/v1/members", {"q": ID}, headers=api, timeout=30)
        assert refused.status_code == 422
        found = requests.post(
            f"{base}/api/v1/members/search", json={"q": ID}, headers=api, timeout=30
        )
        assert found.status_code == 200

        # Someone not logged in following a link with the number: the login redirect's
        # ``next`` carries it on, percent-encoded.
        requests.get(f"{base}/members/", params={"q": ID}, timeout=30)

        logs = server.logs()
    assert "/api/v1/members/search" in logs and REPLACEMENT in logs, logs[-2000:]
    for number in (ID, PHONE, "19900517", FULL_WIDTH_ID):
        assert number not in logs, f"{number} in the logs:\n{logs}"
    assert not re.search(r"(%EF%BC%9\d){11}", logs, re.IGNORECASE), logs
