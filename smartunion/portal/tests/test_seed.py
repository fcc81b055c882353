"""The demo worker of `seed --demo` can sign in and bind with what `make run` prints."""

from smartunion.core.seeding import SeedOptions
from smartunion.members.models import Person
from smartunion.portal import binding, signin
from smartunion.portal.seed import DEMO_PHONE, run_part


def test_the_demo_worker_binds_with_the_printed_name_and_number(world):
    assert run_part(SeedOptions(demo=False)) == []
    lines = run_part(SeedOptions(demo=True))
    person = Person.objects.get(phone_hash=signin.phone_index(DEMO_PHONE))
    assert person.org == world.union_a1  # the demo grassroots admin's union
    text = "\n".join(lines)
    assert DEMO_PHONE in text and person.name in text and person.id_number in text
    assert run_part(SeedOptions(demo=True)) == lines  # once only
    assert Person.objects.filter(phone_hash=person.phone_hash).count() == 1
    worker = signin.worker_for(signin.issue_token(DEMO_PHONE))
    assert binding.bind(worker, person.name, person.id_number) == person
    # 网上入会: one application waits in the demo union's pending list, made once.
    from smartunion.members.models import Membership
    from smartunion.portal.seed import DEMO_APPLICANT_PHONE

    pending = Membership.objects.get(person__phone_hash=signin.phone_index(DEMO_APPLICANT_PHONE))
    assert (pending.status, pending.channel, pending.org) == ("applied", "online", world.union_a1)
    assert DEMO_APPLICANT_PHONE in text
