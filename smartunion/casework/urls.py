from django.urls import path

from smartunion.casework import views

app_name = "casework"
urlpatterns = [
    path("notices/", views.NoticeListView.as_view(), name="notices"),
    path("notices/new/", views.NoticeCreateView.as_view(), name="notice_new"),
    path("notices/<int:notice_id>/", views.NoticeDetailView.as_view(), name="notice"),
    path("reminders/", views.ReminderListView.as_view(), name="reminders"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("deadlines/", views.DeadlinesView.as_view(), name="deadlines"),
    path("caps/", views.CapsView.as_view(), name="caps"),
    path("ledger/", views.LedgerView.as_view(), name="ledger"),
    path(
        "attachments/<int:attachment_id>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
    path(
        "attachments/<int:attachment_id>/delete/",
        views.AttachmentDeleteView.as_view(),
        name="attachment_delete",
    ),
]

public_urlpatterns = [
    path("", views.PublicNoticeListView.as_view(), name="public_notices"),
    path("<int:notice_id>/", views.PublicNoticeView.as_view(), name="public_notice"),
]


def case_patterns(model, prefix: str, name: str) -> list:
    """The shared pages of one case model, under ``prefix`` (which names the case by
    ``model.url_kwarg``): one page per transition a person starts, and the attachments."""
    kwarg = model.url_kwarg
    base = f"{prefix}<int:{kwarg}>/"
    options = {"model": model, "case_kwarg": kwarg}
    patterns = [
        path(
            f"{base}do/{t.name}/",
            views.CaseTransitionView.as_view(transition_name=t.name, **options),
            name=f"{name}_{t.name}",
        )
        for t in model.case_type.transitions
        if not t.internal
    ]
    if getattr(model, "attachment_kinds", None):
        patterns.append(
            path(
                f"{base}attachments/",
                views.AttachmentUploadView.as_view(**options),
                name=f"{name}_attach",
            )
        )
    return patterns
