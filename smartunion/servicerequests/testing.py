"""Fixtures of service requests (tests and the generated permission tests)."""

from __future__ import annotations

from smartunion.servicerequests import services


def intake(**changes) -> services.RequestData:
    values = dict(
        channel="phone",
        category="01",
        caller_name="刘师傅",
        caller_phone="13900001111",
        employer="兰州第一机械厂",
        summary="单位三个月未发工资，想咨询怎么办。",
    )
    values.update(changes)
    return services.RequestData(**values)


def make_request(org, actor, **changes):
    services.ensure_categories()
    return services.create_request(intake(**changes), org.pk, actor=actor)
