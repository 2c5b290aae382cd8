from django.core.management.base import BaseCommand

from kesu.complaints.services.search_index import search_terms_rewrite


class Command(BaseCommand):
    help = "Write every complaint's search terms again (after an upgrade that changes how text is cut)."

    def handle(self, *args, **options):
        done = search_terms_rewrite(log=self.stdout.write)
        self.stdout.write(f"{done} complaints rewritten")
