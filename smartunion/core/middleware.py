"""Middleware of the whole site."""

from __future__ import annotations


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
