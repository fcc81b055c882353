"""Errors the services raise; views and the API turn them into pages and JSON."""

from django.http import Http404


class NotInScope(Http404):
    """The object lies outside the actor's subtree: to the actor it does not exist (404)."""

    def __init__(self, what: str = "记录"):
        super().__init__(f"{what}不存在或不在您的管理范围内。")


class Conflict(Exception):
    """The request collides with a rule over existing records (the API answers 409): a student
    already aided this year, a record someone else just changed …"""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field
