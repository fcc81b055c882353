"""Benchmark: the production server under a mixed staff workload, from a bounded generator.

    createdb we_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/we_bench DEBUG=1 \\
        .venv/bin/python manage.py migrate && … load_regions && … seed --orgs 49000 --members 200000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/we_bench .venv/bin/python bench/load.py

It starts the server with the operator guide's command (gunicorn -c python:smartunion.gunicorn_conf)
and production settings (DEBUG off, HTTPS behind a proxy, the second factor on: the staff
session is a verified one), on the database of DATABASE_URL with the data set already seeded,
and drives it with wrk (Debian's package) on the same machine: a fixed number of connections
for a fixed time, each request the next of a mixed list of a staff member's pages and API calls:

- 首页 (the figures of the scope);
- a union's page with its member list (the largest grassroots unions of the scope);
- a county union's page (its sub-unions and members);
- member search by a surname (name prefix), by its full pinyin and by pinyin initials;
- member pages (people of the scope, spread over the table);
- API lists: unions and members (50 a page).

Prints one JSON line: {"rps", "p50_ms", "p95_ms", "p99_ms", "errors", "workers", "database",
"persona", "connections", "seconds", "requests", "members", "load_before", "cpu_ms_per_request",
"baseline_rps", "ratio_to_baseline"}. Goal (issue 17): ≥ 200 req/s with p99 ≤ 300 ms and 0
errors on 2 cores, the load generator included.

The baseline, driven in the same run after the mix by the same generator, connections, server
and session: the staff session's cheapest route (``BASELINE``, one indicator's definition: the
session, its user and second-factor device, the middleware and a JSON answer, no query of its
own) — the rate this machine allows any staff request today. ``ratio_to_baseline`` is the mix's
rate over it: a change that keeps the ratio on a slower or busier machine has not become slower.

``--profile FILE`` also records the workers with py-spy (collapsed stacks) during the run.
``DATABASE_PREPARE_THRESHOLD`` is passed on to the server (``off``: without prepared
statements, decision 0041).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartunion.settings")
# This process only prepares the session and the URLs; the server runs with DEBUG off.
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from smartunion.accounts.models import User  # noqa: E402
from smartunion.accounts.roles import Role  # noqa: E402
from smartunion.accounts.sessions import SessionStore  # noqa: E402
from smartunion.core.pinyin import name_pinyin  # noqa: E402
from smartunion.members.models import CURRENT_STATUSES, Membership, Person  # noqa: E402
from smartunion.orgs.models import GRASSROOTS_KINDS, Kind, Organization  # noqa: E402

HOST = "gonghui.example.gov.cn"
BASELINE = "/api/v1/stats/indicators?limit=1"
SURNAMES = ("王", "李", "张", "刘", "陈")

LUA = r"""
-- The mixed staff workload: each request is the next path of the list (paths.txt).
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local counter = 0
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["Host"] = "%(host)s"
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["X-Forwarded-For"] = "10.62.1.20"
wrk.headers["Accept-Language"] = "zh-hans"

local threads = {}
function setup(thread)
  thread:set("offset", math.random(1, #paths))
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local path = paths[((counter + offset) %% #paths) + 1]
  return wrk.format("GET", path)
end

-- Every answer must be 200: a redirect (to the login page) would be a failure too.
bad = 0
function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if bad <= 3 then io.stderr:write("not 200: " .. status .. " " .. (headers["Location"] or "") .. "\n") end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local not_200 = 0
  for _, thread in ipairs(threads) do not_200 = not_200 + thread:get("bad") end
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%.3f, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, ' ..
    '"socket_errors": %%d, "not_200": %%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, not_200))
end
"""


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU of each process so far (from /proc; gone processes are left out)."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return out


def server_pids(master: int) -> list[int]:
    """The gunicorn master, its workers, and the database backends serving them."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    pids = [master, *map(int, children)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            pids += [row[0] for row in cursor.fetchall()]
        connection.close()
    return pids


def py_spy() -> str:
    """py-spy of the virtualenv, else the one on PATH."""
    local = Path(sys.executable).parent / "py-spy"
    found = str(local) if local.exists() else shutil.which("py-spy")
    if not found:
        raise SystemExit("py-spy is not installed")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def staff(persona: str) -> User:
    """The bench account: the province admin, or the admin of the county with most members."""
    if persona == "province":
        org = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
        role = Role.PROVINCE_ADMIN
    else:
        org = (
            Organization.objects.filter(kind=Kind.COUNTY, region_id="620102").first()
            or Organization.objects.filter(kind=Kind.COUNTY).order_by("-member_count").first()
        )
        role = Role.COUNTY_ADMIN
    if org is None:
        raise SystemExit("no organizations: seed the database first (see the docstring)")
    user, _ = User.objects.update_or_create(
        username=f"bench_{persona}", defaults={"scope_org": org, "role": role}
    )
    return user


def verified_session(user: User) -> str:
    """A session as the login page and the second-factor page leave it."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "smartunion.accounts.backends.RoleBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


def workload(user: User, rng: random.Random) -> list[str]:
    """The paths of the mix, in a shuffled order (about one hundred requests a round)."""
    scope = user.scope_org
    sub = Organization.objects.filter(path__startswith=scope.path)
    unions = list(
        sub.filter(kind__in=GRASSROOTS_KINDS)
        .order_by("-member_count")
        .values_list("pk", flat=True)[:10]
    )
    counties = list(sub.filter(kind=Kind.COUNTY).values_list("pk", flat=True)[:5]) or [scope.pk]
    # Current members of the scope: one who left (transferred out) is another union's now.
    people = list(
        Membership.objects.filter(
            org__path__startswith=scope.path, status__in=CURRENT_STATUSES
        ).values_list("person_id", flat=True)[:20_000]
    )
    names = [name_pinyin(s) for s in SURNAMES]
    paths: list[str] = []
    paths += ["/"] * 8
    paths += [f"/orgs/{pk}/" for pk in unions] * 2
    paths += [f"/orgs/{pk}/" for pk in counties] * 2
    paths += [f"/members/?q={quote(s)}" for s in SURNAMES] * 2
    paths += [f"/members/?q={full}" for _, full in names] * 2
    paths += [f"/members/?q={initials}" for initials, _ in names]
    paths += [f"/members/{pk}/" for pk in rng.sample(people, min(30, len(people)))]
    paths += ["/api/v1/orgs?limit=50", "/api/v1/members?limit=50"] * 5
    rng.shuffle(paths)
    return paths


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server stopped while starting")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # 503 without a task worker: the server itself answers
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def drive(url: str, script: Path, args, master: int, *, profile: str | None) -> dict:
    """One wrk run of ``script`` for ``args.seconds`` (after ``args.warmup`` seconds not
    counted): wrk's figures, the rate, and the CPU a request of the server's workers, their
    database backends and wrk (what sets the rate two idle cores could serve, whatever else
    ran on the machine meanwhile)."""
    wrk = ["wrk", "-t1", f"-c{args.connections}"]
    if args.warmup:
        subprocess.run(
            [*wrk, f"-d{args.warmup}s", "-s", str(script), url], capture_output=True, check=True
        )
    pids = server_pids(master)
    cpu_before = cpu_seconds(pids)
    wrk_before = os.times()
    spy = None
    if profile:
        spy = subprocess.Popen(
            [
                py_spy(),
                "record",
                "--pid",
                str(master),
                "--subprocesses",
                "--format",
                "raw",
                "--rate",
                "50",
                "--duration",
                str(args.seconds),
                "--output",
                profile,
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    run = subprocess.run(
        [*wrk, f"-d{args.seconds}s", "--timeout", "10s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    wrk_after = os.times()
    cpu_after = cpu_seconds(server_pids(master))
    if spy is not None:
        spy.wait(timeout=args.seconds + 60)
    if run.stderr.strip():
        print(run.stderr.strip(), file=sys.stderr)
    line = next(x for x in run.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    server_cpu = sum(cpu_after[p] - cpu_before.get(p, 0.0) for p in cpu_after)
    wrk_cpu = (wrk_after.children_user + wrk_after.children_system) - (
        wrk_before.children_user + wrk_before.children_system
    )
    result["rps"] = round(result["requests"] / result["seconds"], 1)
    result["cpu_ms"] = round((server_cpu + wrk_cpu) * 1000 / max(1, result["requests"]), 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--seconds", type=int, default=30, help="length of the run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up, not counted")
    parser.add_argument("--persona", choices=("county", "province"), default="county")
    parser.add_argument("--profile", help="write py-spy's collapsed stacks of the workers here")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    user = staff(args.persona)
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="smartunion-load-"))
    (tmp / "paths.txt").write_text("\n".join(workload(user, rng)) + "\n")
    cookie = f"{settings.SESSION_COOKIE_NAME}={verified_session(user)}"
    (tmp / "mix.lua").write_text(LUA % {"paths": tmp / "paths.txt", "cookie": cookie, "host": HOST})
    (tmp / "baseline.txt").write_text(BASELINE + "\n")
    (tmp / "baseline.lua").write_text(
        LUA % {"paths": tmp / "baseline.txt", "cookie": cookie, "host": HOST}
    )
    members = Person.objects.count()
    database = connection.vendor
    connection.close()

    port = free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k in ("PATH", "HOME", "DATABASE_URL", "LANG", "DATABASE_PREPARE_THRESHOLD")
        },
        "DEBUG": "0",
        "SMARTUNION_DEV_KEYS": "1",  # the keys the data set was seeded with (.local/keys.env)
        "ALLOWED_HOSTS": HOST,
        "BEHIND_HTTPS_PROXY": "1",
        "SMARTUNION_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(args.workers),
        "STATIC_ROOT": str(tmp / "static"),
        "SMARTUNION_VAR_DIR": str(tmp / "var"),
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    # Access logs off for the run: writing them is not what is measured (it costs ~3%).
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c",
        "python:smartunion.gunicorn_conf",
    ]
    server = subprocess.Popen(
        [*command, "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "server.log", "w"),
    )
    try:
        wait_until_up(port, server)
        url = f"http://127.0.0.1:{port}"
        load_before = os.getloadavg()[0]
        result = drive(url, tmp / "mix.lua", args, server.pid, profile=args.profile)
        baseline = drive(url, tmp / "baseline.lua", args, server.pid, profile=None)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    print(
        json.dumps(
            {
                "rps": result["rps"],
                "p50_ms": round(result["p50_us"] / 1000, 1),
                "p95_ms": round(result["p95_us"] / 1000, 1),
                "p99_ms": round(result["p99_us"] / 1000, 1),
                "errors": result["socket_errors"] + result["not_200"],
                "workers": args.workers,
                "database": database,
                "persona": args.persona,
                "connections": args.connections,
                "seconds": args.seconds,
                "requests": result["requests"],
                "members": members,
                "load_before": round(load_before, 2),
                "cpu_ms_per_request": result["cpu_ms"],
                "rps_on_2_idle_cores": round(2000 / result["cpu_ms"], 1),
                "baseline": BASELINE,
                "baseline_rps": baseline["rps"],
                "baseline_errors": baseline["socket_errors"] + baseline["not_200"],
                "baseline_cpu_ms_per_request": baseline["cpu_ms"],
                "ratio_to_baseline": round(result["rps"] / baseline["rps"], 3),
            }
        )
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
