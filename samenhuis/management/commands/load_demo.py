"""Load the demo content on first run; later runs change nothing and print the accounts again."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from community.demo import DEMO_PASSWORD, demo_accounts_ensure, demo_community_ensure
from events.demo import events_demo_ensure
from exchange.demo import exchange_demo_accounts, exchange_demo_ensure
from intervision.demo import intervision_demo_ensure
from knowledge.demo import knowledge_demo_ensure
from knowledge.demo_magazine import magazine_demo_ensure
from knowledge.review import practice_workflow_ensure
from knowledge.site_structure import site_structure_ensure
from rooms.demo import rooms_demo_ensure


class Command(BaseCommand):
    help = "Create the demo accounts and content (idempotent). Refuses to run with DEBUG off unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load demo data even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts have a published password; use --force to load them anyway.")
        site_structure_ensure()
        accounts = demo_accounts_ensure()
        demo_community_ensure()
        rooms_demo_ensure()
        knowledge_demo_ensure()
        practice_workflow_ensure()  # the listing was just made: attach the review workflow
        magazine_demo_ensure()
        events_demo_ensure()
        intervision_demo_ensure()
        exchange_demo_ensure()
        accounts = [*accounts, *exchange_demo_accounts()]
        call_command("search_rebuild", verbosity=0)  # everything above, searchable at once
        width = max(len(account.email) for account in accounts)
        self.stdout.write(f"\nDemo-accounts (wachtwoord voor allemaal: {DEMO_PASSWORD})")
        for account in accounts:
            self.stdout.write(f"  {account.email.ljust(width)}  {account.role}")
        self.stdout.write("")
