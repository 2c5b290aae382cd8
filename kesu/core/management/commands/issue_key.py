from django.core.management.base import BaseCommand, CommandError

from kesu.accounts.models import ApiToken, IntegrationKey, User
from kesu.processes.vocabulary import Channel


class Command(BaseCommand):
    help = "Issue an API key for a channel integration, or (--user) an API token for a member of staff."

    def add_arguments(self, parser):
        parser.add_argument("name", help="integration name, or the username with --user")
        parser.add_argument("--channel", choices=Channel.values, default=Channel.WEB)
        parser.add_argument("--user", action="store_true", help="issue a staff token instead")

    def handle(self, *args, name, channel, user, **options):
        if user:
            staff = User.objects.filter(username=name, is_active=True).first()
            if staff is None:
                raise CommandError(f"no active staff member {name!r}")
            _token, key = ApiToken.issue(user=staff, name="cli")
        else:
            if IntegrationKey.objects.filter(name=name).exists():
                raise CommandError(f"an integration named {name!r} exists already")
            _key, key = IntegrationKey.issue(name=name, channel=channel)
        self.stdout.write(key)
