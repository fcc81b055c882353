"""gunicorn's configuration for production: ``gunicorn -c python:smartunion.gunicorn_conf``.

Everything comes from the environment, like settings.py (docs/operator-guide.md):

- ``SMARTUNION_BIND`` (default ``127.0.0.1:8000``): where to listen; nginx forwards to it;
- ``WEB_CONCURRENCY`` (gunicorn's own variable; default 2 × cores + 1): worker processes;
- ``GUNICORN_TIMEOUT`` (default 120 s): the longest a request (a download too) may take.

The application is loaded once before the workers fork (less memory, and a settings error
stops the server at once instead of in each worker), its URLconf with it (``when_ready``).
Logs go to standard error as JSON lines through smartunion.core.logs (the access log
included; no ID or phone number in a path).
"""

import multiprocessing
import os

from smartunion.core.env import env_int, env_str

wsgi_app = "smartunion.wsgi:application"
bind = env_str("SMARTUNION_BIND", "127.0.0.1:8000")
workers = env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
timeout = env_int("GUNICORN_TIMEOUT", 120)
graceful_timeout = 30
keepalive = 5
preload_app = True
# A worker is replaced after this many requests (with jitter): memory stays bounded.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 20_000)
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
logger_class = "smartunion.core.logs.GunicornLogger"
# Only the local proxy may say that the request came over HTTPS.
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "smartunion"
# The settings module is fixed for the workers as for manage.py.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartunion.settings")
# No control socket: several servers on one machine (tests, benchmarks) would share its path.
control_socket_disable = True


def when_ready(server):
    """In the master, before the workers fork: ``core.serving.before_fork`` (the URLconf
    imported, no connection open, the objects of the start frozen out of the garbage
    collector's reach)."""
    if not server.cfg.preload_app:
        return
    from smartunion.core.serving import before_fork

    before_fork()
