from django.core.management.base import BaseCommand

from kesu.demo.generate import demo_fill


class Command(BaseCommand):
    help = "Fill the database with realistic demo complaints across the nine processes (bulk, fast)."

    def add_arguments(self, parser):
        parser.add_argument("--complaints", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, complaints, seed, **options):
        added = demo_fill(complaints=complaints, seed=seed, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"{added} demo complaints added."))
