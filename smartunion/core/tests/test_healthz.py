"""/healthz: the database and the task worker's heartbeat."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from smartunion.core.models import WorkerHeartbeat
from smartunion.core.worker import Heartbeat


def test_without_a_worker_it_answers_503(db):
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "worker": {"ok": False, "workers": 0, "last_beat_s": None},
    }


def test_a_recent_beat_makes_it_healthy(db, settings):
    Heartbeat("w1", interval=60).beat()
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"]["ok"] is True
    assert response["Cache-Control"] == "no-store"


def test_a_beat_older_than_the_stale_limit_is_a_dead_worker(db, settings):
    settings.SMARTUNION_WORKER_STALE_SECONDS = 60
    Heartbeat("w1", interval=60).beat()
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - dt.timedelta(seconds=61))
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["last_beat_s"] >= 61


def test_a_worker_that_stops_cleanly_removes_its_row(transactional_db):
    beat = Heartbeat("w2", interval=0.1).start()
    assert WorkerHeartbeat.objects.filter(worker_id="w2").exists()
    beat.stop()
    assert not WorkerHeartbeat.objects.exists()


def test_it_needs_no_login_and_refuses_writes(db):
    assert Client().post("/healthz").status_code == 405
