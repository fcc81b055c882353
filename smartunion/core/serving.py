"""What the production server's master does once the application is loaded, before it forks
its workers (``gunicorn_conf.when_ready``); ``bench/stats.py`` does the same, so that its
figures are the workers'."""

from __future__ import annotations

import gc
from importlib import import_module


def before_fork() -> None:
    """Import the URLconf, and with it every view, the API with its schemas and pypinyin's
    dictionaries (~1.5 s of CPU on 2 cores), which Django otherwise imports in each worker on
    its first request, and again after each restart of a worker (max_requests): measured with
    bench/load.py without warm-up. No connection to the database may cross the fork: any the
    imports opened is closed.

    Then move every object of the start (~375,000: modules, Django's registries, the URL
    patterns, the dictionaries) out of the garbage collector's reach (``gc.freeze``, as
    Python's documentation advises before a fork): a worker's full collections walked them
    all, one every so many thousand objects made — a county's comparison of its 3,367 unions,
    p50 52 ms, took 184 ms at its p95 with them (in process, 40 calls), 57 without — and
    touching their headers copied the master's memory pages into each worker."""
    from django.conf import settings
    from django.db import connections

    import_module(settings.ROOT_URLCONF)  # include() imports every app's URLs, hence views
    connections.close_all()
    gc.collect()
    gc.freeze()
