"""A union, one member with a known phone, and a worker signed in with that phone."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from smartunion.accounts.models import User
from smartunion.core.testing import new_id_number
from smartunion.members.models import Membership
from smartunion.members.services import PersonData, register_member
from smartunion.orgs.models import Kind
from smartunion.personas import ensure_regions, make_org
from smartunion.portal import signin

PHONE = "13912345678"
NAME = "赵铁柱"


@dataclass
class Member:
    membership: Membership
    id_number: str
    phone: str = PHONE
    name: str = NAME


def make_member(phone: str = PHONE, name: str = NAME) -> Member:
    ensure_regions()
    province = make_org("甘肃省总工会", None, Kind.PROVINCE, "620000")
    union = make_org("兰州第一机械厂工会", province, Kind.SINGLE, "620102")
    root = User.objects.create_superuser("root_portal", password="x")  # noqa: S106 - a fixture
    id_number = new_id_number()
    membership = register_member(
        PersonData(name=name, id_number=id_number, phone=phone), union, actor=root
    )
    return Member(membership, id_number, phone, name)


def worker_client(phone: str = PHONE) -> tuple[Client, str]:
    """A client whose requests carry a worker's token for ``phone``."""
    key = signin.issue_token(phone)
    return Client(headers={"Authorization": f"Bearer {key}"}), key


def post(client, url, body):
    return client.post(url, body, content_type="application/json")
