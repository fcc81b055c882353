"""Errors the services raise; views and the API turn them into pages and JSON."""

from django.core.exceptions import ValidationError
from django.http import Http404


class NotInScope(Http404):
    """The object lies outside the actor's subtree: to the actor it does not exist (404)."""

    def __init__(self, what: str = "记录"):
        super().__init__(f"{what}不存在或不在您的管理范围内。")


class Conflict(ValidationError):
    """Someone else changed the record between reading and writing it (the API answers 409).

    A ValidationError like any other for the pages (its message lands on the form); the API
    tells it apart so that a client knows to read the record again rather than fix its input.
    """
