"""Error pages: 400, 403, 404, 500 and a refused CSRF check, in Chinese with the navigation bar,
never Django's technical pages (not even under `make run`'s DEBUG=1); tracebacks go to the log
with the reference the page shows. Under /api/ they are JSON like the rest of the API."""

from __future__ import annotations

import logging
import re
import subprocess
import sys

from django.test import Client, override_settings
from django.urls import reverse

from smartunion.core.tests.test_settings import ROOT

NAV = 'aria-label="主导航"'
TECHNICAL = ("URLconf", "Traceback", "Django tried these URL patterns", "DEBUG = True")


def client_for(user=None, **kwargs) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    if user is not None:
        client.force_login(user)
    return client


def page(response) -> str:
    html = response.content.decode()
    assert not any(word in html for word in TECHNICAL), html[:500]
    return html


def test_an_unknown_address_is_a_chinese_404_with_the_navigation_bar(world):
    response = client_for(world.county_admin).get("/no-such-page/")
    assert response.status_code == 404
    html = page(response)
    assert "页面不存在" in html and NAV in html and "返回首页" in html


def test_a_record_outside_the_scope_says_so_in_chinese(world):
    url = reverse("members:detail", kwargs={"person_id": world.member_a1.person_id})
    response = client_for(world.sibling_admin).get(url)
    assert response.status_code == 404
    assert "会员不存在或不在您的管理范围内。" in page(response)


def test_django_s_own_404_messages_are_not_shown(world):
    html = page(client_for(world.county_admin).get("/orgs/999999999/"))
    assert "matches the given query" not in html and "页面不存在" in html


def test_a_refused_action_is_a_chinese_403_with_its_reason(world):
    from smartunion.core.tests.test_permissions import KWARG_OBJECTS

    venue = KWARG_OBJECTS["venue_id"](world)
    response = client_for(world.viewer).get(reverse("venues:edit", kwargs={"venue_id": venue.pk}))
    assert response.status_code == 403
    html = page(response)
    assert "没有权限" in html and "只读账号不能修改阵地。" in html and NAV in html


@override_settings(ROOT_URLCONF="smartunion.core.tests.error_urls")
def test_a_bad_request_is_a_chinese_400(world):
    response = client_for(world.county_admin).get("/test-bad-request/")
    assert response.status_code == 400
    html = page(response)
    assert "请求不正确" in html and NAV in html and "malformed" not in html


@override_settings(ROOT_URLCONF="smartunion.core.tests.error_urls")
def test_a_crash_is_a_chinese_500_whose_reference_is_on_the_logged_traceback(world, caplog):
    with caplog.at_level(logging.ERROR):
        response = client_for(world.county_admin).get("/test-server-error/")
    assert response.status_code == 500
    html = page(response)
    assert "系统出错了" in html and NAV in html and "a bug on purpose" not in html
    reference = re.search(r'id="error-reference">([0-9A-F]{8})<', html).group(1)
    # The console handler's filter puts the reference on the record that carries the traceback.
    from smartunion.core.logs import ErrorReference

    records = [r for r in caplog.records if r.exc_info and "a bug on purpose" in str(r.exc_info[1])]
    assert records
    ErrorReference().filter(records[0])
    assert records[0].getMessage().startswith(f"[错误编号 {reference}]")


@override_settings(ROOT_URLCONF="smartunion.core.tests.error_urls")
def test_an_api_crash_outside_ninja_and_an_unknown_api_path_answer_json(world):
    client = client_for(world.county_admin)
    crash = client.get("/api/v1/test-server-error/")
    assert crash.status_code == 500 and crash["Content-Type"].startswith("application/json")
    assert crash.json()["detail"].startswith("服务器内部错误，请稍后重试")
    assert "错误编号" in crash.json()["detail"]
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "接口或记录不存在，请检查网址（见 /api/v1/docs）。"}


def test_a_refused_csrf_check_is_a_chinese_page_that_leads_back(world):
    client = client_for(world.county_admin, enforce_csrf_checks=True)
    form = reverse("members:edit", kwargs={"person_id": world.member_a1.person_id})
    response = client.post(form, {"name": "改名"}, HTTP_REFERER=f"http://testserver{form}")
    assert response.status_code == 403
    html = page(response)
    assert "页面已过期，请刷新后重试" in html and NAV in html
    assert f'href="http://testserver{form}"' in html
    world.member_a1.person.refresh_from_db()
    assert world.member_a1.person.name != "改名"


def test_a_csrf_page_never_links_to_another_site(world):
    client = client_for(world.county_admin, enforce_csrf_checks=True)
    html = page(client.post("/members/", {}, HTTP_REFERER="https://evil.example/"))
    assert "evil.example" not in html


def _in_a_fresh_process(**env) -> str:
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "from django.test.utils import setup_test_environment\n"
        "setup_test_environment(debug=settings.DEBUG)\n"
        "r = Client(raise_request_exception=False).get('/no-such-page/')\n"
        "print(settings.DEBUG, settings.DEVELOPMENT, r.status_code)\n"
        "print(r.content.decode())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "smartunion.settings",
            **env,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_make_run_s_debug_1_shows_the_chinese_pages_not_django_s(tmp_path):
    out = _in_a_fresh_process(DEBUG="1", SMARTUNION_VAR_DIR=str(tmp_path), HOME=str(tmp_path))
    assert out.startswith("False True 404")
    assert "页面不存在" in out and "URLconf" not in out


def test_a_developer_opts_in_to_django_s_technical_pages(tmp_path):
    out = _in_a_fresh_process(
        DEBUG="1",
        SMARTUNION_TECHNICAL_ERRORS="1",
        SMARTUNION_VAR_DIR=str(tmp_path),
        HOME=str(tmp_path),
    )
    assert out.startswith("True True 404") and "URLconf" in out
