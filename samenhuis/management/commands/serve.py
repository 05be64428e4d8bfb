"""Serve Samenhuis with Daphne and run the scheduled jobs in the same process.

This is what `make run` starts: the scheduler thread runs Wagtail's scheduled publishing every
minute (and the jobs other apps register in `samenhuis.scheduler`), so go-live and expiry
dates work without a cron. Ctrl+C stops Daphne, then the scheduler. See docs/knowledge.md.
"""

from daphne.cli import CommandLineInterface
from django.core.management.base import BaseCommand

from samenhuis.scheduler import SchedulerThread, registry


class Command(BaseCommand):
    help = "Serve the site with Daphne and run the scheduled jobs (publish_scheduled every minute)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--proxy-headers", action="store_true", help="Client address from X-Forwarded-For (behind a proxy)."
        )
        parser.add_argument("--no-scheduler", action="store_true", help="Serve only; run no scheduled jobs.")

    def handle(self, *args, bind, port, proxy_headers=False, no_scheduler=False, **options):
        scheduler = None if no_scheduler else SchedulerThread(registry)
        if scheduler is not None:
            scheduler.start()
        try:
            daphne_args = ["--bind", bind, "--port", str(port)] + (["--proxy-headers"] if proxy_headers else [])
            CommandLineInterface().run([*daphne_args, "samenhuis.asgi:application"])
        finally:
            if scheduler is not None:
                scheduler.stop()
