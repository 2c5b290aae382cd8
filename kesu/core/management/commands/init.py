import secrets

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kesu.accounts.models import User
from kesu.core.first_run import keep_first_password
from kesu.lib.errors import DomainError
from kesu.lib.i18n import compile_catalogues
from kesu.processes.services import process_load_template, template_names


class Command(BaseCommand):
    help = "Set Kesu up: translations, database, roles, the admin account (its first password printed) and a process."

    def add_arguments(self, parser):
        parser.add_argument("--process", action="append", default=[], help=f"template to load: {template_names()}")
        parser.add_argument("--admin", default="admin", help="username of the admin account")

    def handle(self, *args, process, admin, **options):
        compile_catalogues()
        call_command("migrate", interactive=False, verbosity=0)
        self._ensure_admin(admin)
        for name in process:
            try:
                loaded = process_load_template(name)
            except DomainError as error:
                raise CommandError(str(error.message)) from None
            self.stdout.write(f"Process {loaded.name} v{loaded.version} loaded.")

    def _ensure_admin(self, username: str) -> None:
        if User.objects.filter(username=username).exists():
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, password=password, display_name="管理员")
        keep_first_password(password)
        self.stdout.write(self.style.SUCCESS(f"Admin account created: {username} / {password}"))
