from django.core.management.base import BaseCommand

from smartunion.regions.divisions import load_regions


class Command(BaseCommand):
    help = "Load the GB/T 2260 administrative divisions (idempotent)."

    def handle(self, *args, **options):
        self.stdout.write(f"loaded {load_regions()} administrative divisions")
