"""Errors the services raise; views and the API turn them into pages and JSON."""

from django.core.exceptions import ValidationError
from django.http import Http404


class NotInScope(Http404):
    """The object lies outside the actor's subtree: to the actor it does not exist (404)."""

    def __init__(self, what: str = "记录"):
        super().__init__(f"{what}不存在或不在您的管理范围内。")


class Conflict(ValidationError):
    """The request collides with existing records or with a change someone else made first
    (the API answers 409; a client reads the record again rather than fixing its input).

    A ValidationError like any other for the pages (its message lands on the form, on
    ``field`` when one is given).
    """

    def __init__(self, message: str, field: str = ""):
        super().__init__({field: [message]} if field else message)
        self.message = message
        self.field = field


class TooManyRequests(Exception):
    """An account asked too often (a per-account limit kept by core.ratelimit): the API answers
    429 with ``Retry-After``; pages show the message."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
