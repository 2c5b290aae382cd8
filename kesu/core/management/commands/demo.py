from django.core.management.base import BaseCommand

from kesu.accounts.roles import Role
from kesu.accounts.services import staff_roles
from kesu.demo.generate import demo_fill, demo_password, demo_staff


class Command(BaseCommand):
    help = (
        "Fill the database with realistic demo complaints across the nine processes (bulk, fast), "
        "and print the demo staff and the password they sign in with."
    )

    def add_arguments(self, parser):
        parser.add_argument("--complaints", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--password", default="", help="for every demo account (default: a new one, printed)")

    def handle(self, *args, complaints, seed, password, **options):
        password = password or demo_password()
        added = demo_fill(complaints=complaints, seed=seed, password=password, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"{added} demo complaints added."))
        self.stdout.write(self._staff_block(password))

    def _staff_block(self, password: str) -> str:
        """One of each role by name, the handlers counted: enough to sign in as anyone."""
        lines, handlers = [f"Demo staff (every one signs in with the password {password}):"], 0
        for user in demo_staff():
            roles = staff_roles(user)
            if user.username.startswith("demo_handler_"):
                handlers += 1
                if handlers > 1:
                    continue
            labels = ", ".join(str(Role(role).label) for role in roles)
            lines.append(f"  {user.username:<24} {user.display_name:<10} {labels}")
        lines.append(f"  … and {handlers - 1} more handlers, demo_handler_1 to demo_handler_{handlers - 1}")
        return "\n".join(lines)
