"""manage.py db_worker: django-tasks-db's task worker, with a heartbeat for /healthz.

This command takes the package's name (smartunion.core precedes django_tasks_db in
INSTALLED_APPS, and the first app's command wins) and adds only the heartbeat around it:
options, queues and signals are the package's.
"""

from __future__ import annotations

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from smartunion.core.worker import Heartbeat


class Command(DbWorkerCommand):
    help = DbWorkerCommand.help + " (with a heartbeat that /healthz reads)"

    def handle(self, *args, worker_id: str, reload: bool, **options) -> None:
        # With --reload (DEBUG) the first process only watches files; its child runs tasks.
        runs_tasks = not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        heartbeat = Heartbeat(worker_id).start() if runs_tasks else None
        try:
            super().handle(*args, worker_id=worker_id, reload=reload, **options)
        finally:
            if heartbeat is not None:
                heartbeat.stop()
