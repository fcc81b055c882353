"""Benchmark: server time of the pages staff use most, on the data set in the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_imports_bench \\
        .venv/bin/python bench/pages.py --repeat 40

Requests go through the whole Django stack in-process (middleware, sessions, templates,
queries), without a network: what the server spends per request. Measured, each as the
province admin (the largest scope):

- the organization page of the union with the most members, with its member list;
- the organization page of a county union (its sub-unions and members), and the same page
  listing the members of its whole subtree (``?sub=1``);
- the member list with no search (everyone, in pinyin order);
- member search by name prefix (the surname: a tenth of everyone for a common one), by pinyin
  initials, by one letter of pinyin and by the surname's full pinyin (as broad), by full ID
  number;
- a county union's page listing the members of its subtree found by the surname's pinyin;
- the province home page with its figures;
- 帮扶 (issue 12): the hardship file list (all, in file, a category, not re-checked, a search
  by name), a file's page, a campaign's page with its lines, the 金秋助学 list, and the public
  self-test (``POST /api/v1/assistance/self-test``, target 20 ms);
- 法律援助 and 诉求工单 (issue 13): the case list and its lists (overdue reviews, hearings in
  the next 7 days, by handler), a case's page, the figures, the API list and detail; the
  request inbox and its lists, a request's page, the figures, the API list and detail;
- 竞赛, 荣誉, 评选, 创新工作室 (issue 16): the contest list and search, a contest's page, its
  entries, score sheet, results, award rules (its organiser only) and teams, an entry's page,
  the API list, contest and entries; the honour list and search, an honour's page, the
  nominations, selections and studios, a selection's and a studio's page, their API lists and
  details. ``--as city`` / ``--as county`` measure these as a city admin / a county clerk
  (the registry's pages stay the province admin's).

Targets (issue 3): p95 ≤ 100 ms for the organization pages and the searches, ≤ 200 ms for the
home page. Prints one JSON line per page: {"page", "p50_ms", "p95_ms", "max_ms", "n",
"target_ms", "ok", "persons", "database"}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartunion.settings")
os.environ.setdefault("DEBUG", "1")
# Server time of the pages, not the second factor's: the session is signed in without it, as in
# `make run` (bench/load.py measures the production settings with a verified session).
os.environ.setdefault("SMARTUNION_OTP_REQUIRED", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from smartunion.accounts.models import User  # noqa: E402
from smartunion.accounts.roles import Role  # noqa: E402
from smartunion.core.pinyin import surname_pinyin  # noqa: E402
from smartunion.members.models import Person  # noqa: E402
from smartunion.orgs.models import Kind, Organization  # noqa: E402


def province_admin() -> User:
    root = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        raise SystemExit("no organizations: run manage.py seed first")
    user, _created = User.objects.get_or_create(
        username="bench_province", defaults={"scope_org": root, "role": Role.PROVINCE_ADMIN}
    )
    return user


def timed(client: Client, url: str, repeat: int) -> list[float]:
    client.get(url)  # warm caches (templates, the session) once
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument(
        "--page", action="append", default=[], help="only the pages whose name contains this"
    )
    parser.add_argument(
        "--as",
        dest="role",
        choices=["province", "city", "county"],
        default="province",
        help="who asks: the province admin (default), a city admin or a county clerk, each at "
        "the union of their kind with the most contest entries",
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    user = province_admin() if args.role == "province" else scoped_user(args.role)
    client.force_login(user)
    persons = Person.objects.count() if connection.vendor == "sqlite" else _estimate()
    root = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    biggest = Organization.objects.order_by("-member_count").first()
    county = Organization.objects.filter(kind=Kind.COUNTY).order_by("-member_count").first()
    sample = Person.objects.order_by("id").first()
    pages = [
        ("org page, province union", reverse("orgs:detail", kwargs={"org_id": root.pk}), 100),
        ("tree, province", reverse("orgs:tree"), 100),
        ("org page, biggest union", reverse("orgs:detail", kwargs={"org_id": biggest.pk}), 100),
        ("org page, county union", reverse("orgs:detail", kwargs={"org_id": county.pk}), 100),
        (
            "org page, county union, subtree members",
            reverse("orgs:detail", kwargs={"org_id": county.pk}) + "?sub=1",
            100,
        ),
        ("home, province", reverse("core:home"), 200),
    ]
    if sample is not None:
        search = reverse("members:list")
        surname_full = surname_pinyin(sample.name[:1])[0]
        pages += [
            ("member search, name prefix", f"{search}?q={sample.name[:1]}", 100),
            ("member search, pinyin initials", f"{search}?q={sample.name_initials}", 100),
            ("member search, one pinyin letter", f"{search}?q={sample.name_initials[:1]}", 100),
            ("member search, surname's full pinyin", f"{search}?q={surname_full}", 100),
            # Posted, as its form sends it (an ID number never goes into a URL).
            ("member search, ID number", (search, {"q": sample.id_number}, "form"), 100),
            ("member list, no search", search, 100),
            (
                "org page, county union, subtree members by pinyin",
                reverse("orgs:detail", kwargs={"org_id": county.pk}) + f"?sub=1&q={surname_full}",
                100,
            ),
        ]
    if args.role != "province":
        pages = []  # the registry's pages are measured as the province admin only
    else:
        pages += assistance_pages()
        pages += legal_aid_pages()
        pages += request_pages()
    pages += contest_pages(user)
    pages += honour_pages(user)
    for name, url, target in pages:
        if args.page and not any(part in name for part in args.page):
            continue
        if isinstance(url, tuple):
            times = sorted(timed_post(client, *url, repeat=args.repeat))
        else:
            times = sorted(timed(client, url, args.repeat))
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        print(
            json.dumps(
                {
                    "page": name,
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(p95, 1),
                    "max_ms": round(times[-1], 1),
                    "n": len(times),
                    "target_ms": target,
                    "ok": p95 <= target,
                    "persons": persons,
                    "as": args.role,
                    "database": connection.vendor,
                },
                ensure_ascii=False,
            ),
            flush=True,
        )


def assistance_pages() -> list:
    """The 帮扶 pages of issue 12 (target p95 ≤ 100 ms; the self-test ≤ 20 ms)."""
    import datetime as dt

    from smartunion.assistance.models import Campaign, HardshipFile

    file = HardshipFile.objects.filter(state="in_file").order_by("-id").first()
    if file is None:
        return []
    files = reverse("assistance:files")
    campaign = Campaign.objects.filter(kind="winter").order_by("-id").first()
    body = {
        "region": file.region_id,
        "year": dt.date.today().year,
        "household_size": 3,
        "annual_income": "28000",
        "annual_rigid_expenses": "0",
        "hardship_costs": "0",
    }
    pages = [
        ("帮扶: file list", files, 100),
        ("帮扶: file list, in file", f"{files}?list=in_file", 100),
        ("帮扶: file list, deep hardship", f"{files}?category=deep", 100),
        ("帮扶: file list, not re-checked for a year", f"{files}?list=not_rechecked", 100),
        ("帮扶: file list, head's name", f"{files}?q={file.head.name[:1]}", 100),
        ("帮扶: a file's page", reverse("assistance:file", kwargs={"file_id": file.pk}), 100),
        ("帮扶: 金秋助学 list", reverse("assistance:student_aids"), 100),
        ("帮扶: API file list", "/api/v1/assistance/files?limit=50", 100),
        ("帮扶: self-test (public API)", ("/api/v1/assistance/self-test", body), 20),
    ]
    if campaign is not None:
        pages.append(
            (
                "帮扶: a campaign's page",
                reverse("assistance:campaign", kwargs={"campaign_id": campaign.pk}),
                100,
            )
        )
    return pages


def legal_aid_pages() -> list:
    """The 法律援助 pages of issue 13 (target p95 ≤ 100 ms)."""
    from smartunion.legalaid.models import LegalAidCase

    case = LegalAidCase.objects.filter(state="assigned").order_by("-id").first()
    if case is None:
        return []
    cases = reverse("legalaid:cases")
    return [
        ("法律援助: case list", cases, 100),
        ("法律援助: overdue reviews", f"{cases}?list=overdue", 100),
        ("法律援助: hearings in the next 7 days", f"{cases}?list=hearings", 100),
        ("法律援助: by handler", f"{cases}?handler={case.handler_id}", 100),
        ("法律援助: a case's page", reverse("legalaid:case", kwargs={"case_id": case.pk}), 100),
        ("法律援助: figures", reverse("legalaid:figures"), 100),
        ("法律援助: API case list", "/api/v1/legal-aid/cases?limit=50", 100),
        ("法律援助: API case", f"/api/v1/legal-aid/cases/{case.pk}", 100),
    ]


def request_pages() -> list:
    """The 诉求工单 pages of issue 13 (target p95 ≤ 100 ms)."""
    from smartunion.servicerequests.models import ServiceRequest

    ticket = ServiceRequest.objects.filter(confidential=False).order_by("-id").first()
    if ticket is None:
        return []
    inbox = reverse("servicerequests:tickets")
    return [
        ("诉求工单: inbox", inbox, 100),
        ("诉求工单: open", f"{inbox}?list=open", 100),
        ("诉求工单: overdue", f"{inbox}?list=overdue", 100),
        ("诉求工单: dissatisfied", f"{inbox}?list=dissatisfied", 100),
        (
            "诉求工单: a request's page",
            reverse("servicerequests:ticket", kwargs={"ticket_id": ticket.pk}),
            100,
        ),
        ("诉求工单: figures", reverse("servicerequests:figures"), 100),
        ("诉求工单: API list", "/api/v1/requests?limit=50", 100),
        ("诉求工单: API request", f"/api/v1/requests/{ticket.pk}", 100),
    ]


def timed_post(
    client: Client, url: str, body: dict, kind: str = "json", *, repeat: int
) -> list[float]:
    """POST ``body`` as JSON (an API call) or as a form (``kind="form"``, a page's search)."""
    if kind == "form":
        send = lambda: client.post(url, body)  # noqa: E731
    else:
        payload = json.dumps(body)
        send = lambda: client.post(url, payload, content_type="application/json")  # noqa: E731
    send()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = send()
        out.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code} {response.content[:200]!r}")
    return out


def scoped_user(kind: str) -> User:
    """A city admin or a county clerk at the city / county union whose subtree holds the most
    contest entries (the busiest scope of that kind)."""
    from django.db.models import Count

    from smartunion.contests.models import Entry

    org_kind, role = {
        "city": (Kind.CITY, Role.CITY_ADMIN),
        "county": (Kind.COUNTY, Role.COUNTY_ADMIN),
    }[kind]
    busiest = Entry.objects.values("org__path").annotate(n=Count("id")).order_by("-n").first()
    candidates = Organization.objects.filter(kind=org_kind)
    org = None
    if busiest:
        path = busiest["org__path"]
        # the unit's ancestor of that kind: the one whose path prefixes the unit's
        prefixes = [path[:i] for i in range(1, len(path) + 1)]
        org = candidates.filter(path__in=prefixes).order_by("pk").first()
    org = org or candidates.order_by("-member_count").first()
    user, _created = User.objects.get_or_create(
        username=f"bench_{kind}", defaults={"scope_org": org, "role": role}
    )
    if user.scope_org_id != org.pk:
        user.scope_org = org
        user.save(update_fields=["scope_org"])
    return user


def contest_pages(user: User) -> list:
    """劳动和技能竞赛 (issue 16, target p95 ≤ 100 ms): the list, its filters, a contest's page,
    its entries, score sheet, results, awards and teams, an entry's page, the API list and
    detail — the contest in the user's scope with the most entries."""
    from django.db.models import Count

    from smartunion.contests.models import Contest, Entry

    # Contests its union (or one below) organises, when it has any: the award rules page is
    # the organiser's only.
    contests = Contest.objects.visible_to(user)
    own = contests.filter(org__path__startswith=user.scope_org.path)
    contests = own if own.exists() else contests
    contest = contests.annotate(n=Count("entries")).order_by("-n", "-id").first()
    if contest is None:
        return []
    entry = Entry.objects.visible_to(user).filter(contest=contest).order_by("-id").first()
    one = lambda name: reverse(f"contests:{name}", kwargs={"contest_id": contest.pk})  # noqa: E731
    listing = reverse("contests:contests")
    pages = [
        ("竞赛: list", listing, 100),
        ("竞赛: list, search", f"{listing}?q={contest.name[:2]}", 100),
        ("竞赛: a contest's page", one("contest"), 100),
        ("竞赛: entries", one("entries"), 100),
        ("竞赛: score sheet", one("scores"), 100),
        ("竞赛: results", one("results"), 100),
        ("竞赛: teams", one("teams"), 100),
        ("竞赛: API list", "/api/v1/contests?limit=50", 100),
        ("竞赛: API contest", f"/api/v1/contests/{contest.pk}", 100),
        ("竞赛: API entries", f"/api/v1/contests/{contest.pk}/entries?limit=50", 100),
    ]
    if contest.org.path.startswith(user.scope_org.path):
        pages.append(("竞赛: award rules", one("award_rules"), 100))
    if entry is not None:
        pages.append(
            ("竞赛: an entry's page", reverse("contests:entry", kwargs={"entry_id": entry.pk}), 100)
        )
    return pages


def honour_pages(user: User) -> list:
    """劳模工匠, 评选 and 创新工作室 (issue 16, target p95 ≤ 100 ms)."""
    from smartunion.honours.models import Honour, Selection, Studio

    honour = Honour.objects.visible_to(user).order_by("-id").first()
    if honour is None:
        return []
    listing = reverse("honours:list")
    pages = [
        ("荣誉: list", listing, 100),
        ("荣誉: list, search", f"{listing}?q={honour.holder_name[:1]}", 100),
        ("荣誉: an honour's page", reverse("honours:detail", kwargs={"honour_id": honour.pk}), 100),
        ("荣誉: nominations", reverse("honours:nominations"), 100),
        ("荣誉: selections", reverse("honours:selections"), 100),
        ("荣誉: studios", reverse("honours:studios"), 100),
        ("荣誉: API list", "/api/v1/honours?limit=50", 100),
        ("荣誉: API honour", f"/api/v1/honours/{honour.pk}", 100),
        ("荣誉: API selections", "/api/v1/honours/selections?limit=50", 100),
        ("荣誉: API nominations", "/api/v1/honours/nominations?limit=50", 100),
        ("荣誉: API studios", "/api/v1/honours/studios?limit=50", 100),
    ]
    selection = Selection.objects.visible_to(user).order_by("-id").first()
    if selection is not None:
        pages += [
            (
                "荣誉: a selection's page",
                reverse("honours:selection", kwargs={"selection_id": selection.pk}),
                100,
            ),
            ("荣誉: API selection", f"/api/v1/honours/selections/{selection.pk}", 100),
        ]
    studio = Studio.objects.visible_to(user).order_by("-id").first()
    if studio is not None:
        pages += [
            (
                "荣誉: a studio's page",
                reverse("honours:studio", kwargs={"studio_id": studio.pk}),
                100,
            ),
            ("荣誉: API studio", f"/api/v1/honours/studios/{studio.pk}", 100),
        ]
    return pages


def _estimate() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [Person._meta.db_table]
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


if __name__ == "__main__":
    main()
