"""Background steps of an import, run by the task worker (``manage.py db_worker``).

The task's own result id is the job's lease: a job taken over by a resumed task stops the
old one at its next batch.
"""

from django.tasks import task

from smartunion.imports import export_jobs, services


@task(takes_context=True)
def validate_import(context, job_id: int) -> None:
    services.run_validation(job_id, lease=str(context.task_result.id))


@task(takes_context=True)
def commit_import(context, job_id: int) -> None:
    services.run_commit(job_id, lease=str(context.task_result.id))


@task(takes_context=True)
def run_export_job(context, job_id: int) -> None:
    export_jobs.run_export(job_id, lease=str(context.task_result.id))


@task()
def expire_exports() -> None:
    """Queued for the moment a background export's file is due to go (and catches any
    earlier one missed while no worker ran)."""
    export_jobs.expire_due()
