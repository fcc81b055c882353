"""manage.py seed_venues --demo: the demo venues alone (`manage.py seed --demo` runs them too)."""

from django.core.management.base import BaseCommand, CommandError

from smartunion.venues.seed import TOTAL, VENUE_SEED, seed_venues


class Command(BaseCommand):
    help = "生成甘肃形态的演示阵地（已有阵地时什么也不做）；seed --demo 也会生成。"

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="create the demo venue set")
        parser.add_argument("--total", type=int, default=TOTAL)
        parser.add_argument("--seed", type=int, default=VENUE_SEED)

    def handle(self, *args, demo, total, seed, **options):
        if not demo:
            raise CommandError("nothing to do: pass --demo to create the demo venues")
        self.stdout.write(seed_venues(total, seed))
