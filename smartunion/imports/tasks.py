"""Background steps of an import, run by the task worker (``manage.py db_worker``).

The task's own result id is the job's lease: a job taken over by a resumed task stops the
old one at its next batch.
"""

from django.tasks import task

from smartunion.imports import services


@task(takes_context=True)
def validate_import(context, job_id: int) -> None:
    services.run_validation(job_id, lease=str(context.task_result.id))


@task(takes_context=True)
def commit_import(context, job_id: int) -> None:
    services.run_commit(job_id, lease=str(context.task_result.id))
