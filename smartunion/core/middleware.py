"""Middleware of the platform's own: rules that hold for every page and every API operation."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import render

from smartunion.core.text import control_character_fields


class RefuseControlCharacters:
    """A query string holding a control character (``?q=%00``) is refused with 422.

    Refused here, once, rather than in each search: a filter silently dropped (or a search
    run on a text that is not what the person typed) would answer a question nobody asked.
    API requests get the API's JSON error; pages a page saying which field was wrong.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = control_character_fields(request.GET) if request.GET else []
        if fields:
            return self.refuse(request, fields)
        return self.get_response(request)

    def refuse(self, request, fields: list[str]) -> HttpResponse:
        from smartunion.core.api import labels_for

        labels = labels_for(request.path)
        details = [
            {"field": f, "message": f"{labels.get(f, f) or '参数'}：不能含有控制字符（如 NUL）。"}
            for f in fields
        ]
        if request.path.startswith("/api/"):
            return HttpResponse(
                json.dumps({"detail": details}, ensure_ascii=False),
                status=422,
                content_type="application/json; charset=utf-8",
            )
        return render(request, "core/bad_input.html", {"details": details}, status=422)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page and API answer, unless the view chose its own.

    Pages and API answers carry personal information (names, masked numbers, and in full after
    显示完整号码); neither the browser's disk cache nor a proxy may keep them after the session
    ends on a shared office computer. Static files never get here: whitenoise answers them
    first, with a long cache of their own. A view whose answer is public (the nearest-venues
    API) may set its own header, which is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
