"""The task worker's heartbeat: how ``/healthz`` knows that ``manage.py db_worker`` is alive.

django-tasks-db's worker keeps no record of itself, and a task queue that is merely empty
says nothing either way. So our ``db_worker`` (core/management/commands/db_worker.py, the
package's command plus this) runs a thread that writes ``WorkerHeartbeat.beat_at`` every
``SMARTUNION_WORKER_HEARTBEAT_SECONDS``. A worker that is killed, or whose process hangs so
badly that no thread runs, stops beating; one that stops cleanly removes its row. The beat is
written on its own connection in its own transaction, so a long import the worker is running
does not hold it back (on SQLite it waits for the write lock like any writer).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from smartunion.core.models import WorkerHeartbeat

logger = logging.getLogger("smartunion.worker")


class Heartbeat:
    """A daemon thread beating for one worker process until ``stop()``."""

    def __init__(self, worker_id: str, interval: float | None = None) -> None:
        self.worker_id = worker_id
        self.interval = interval or settings.SMARTUNION_WORKER_HEARTBEAT_SECONDS
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self.beat()
        self._thread.start()
        return self

    def beat(self) -> None:
        now = timezone.now()
        defaults = {"hostname": socket.gethostname()[:255], "pid": os.getpid(), "beat_at": now}
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults=defaults,
            create_defaults={**defaults, "started_at": now},
        )

    def _run(self) -> None:
        try:
            while not self._stopped.wait(self.interval):
                try:
                    close_old_connections()
                    self.beat()
                except Exception:
                    # A database that is briefly away must not end the beat for good.
                    logger.exception("worker heartbeat could not be written")
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=self.interval + 5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:
            logger.exception("worker heartbeat row could not be removed")


def worker_status(now: dt.datetime | None = None) -> dict:
    """The freshest beat: ``{"ok": bool, "workers": n, "last_beat_s": seconds or None}``.

    Alive means a beat within ``SMARTUNION_WORKER_STALE_SECONDS``; rows of workers that
    stopped beating more than a day ago are left out (a crash leaves its row behind).
    """
    now = now or timezone.now()
    stale = dt.timedelta(seconds=settings.SMARTUNION_WORKER_STALE_SECONDS)
    recent = WorkerHeartbeat.objects.filter(beat_at__gte=now - dt.timedelta(days=1))
    latest = recent.order_by("-beat_at").values_list("beat_at", flat=True).first()
    alive = recent.filter(beat_at__gte=now - stale).count()
    return {
        "ok": alive > 0,
        "workers": alive,
        "last_beat_s": round((now - latest).total_seconds(), 1) if latest else None,
    }
