"""Keep the search index current in a process of its own (SEARCH_INDEXER=worker; docs/search.md).

The processes that serve pages and sockets store the keys of what changed in `SearchQueue`, in
the change's own transaction; this loop indexes them in batches, as soon as they are there (it
looks every `--poll` seconds while nothing waits), and waits longer and longer (up to a minute)
while the backend fails. Stop it with SIGTERM or Ctrl+C: it finishes the batch in hand first.
"""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import connections

from search.index import RETRY_BATCH, search_queue_retry

logger = logging.getLogger(__name__)
BACKOFF_MAX_SECONDS = 60.0


class Command(BaseCommand):
    help = "Index what the site queued for search (SEARCH_INDEXER=worker), until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--poll", type=float, default=0.2, help="seconds between looks while nothing waits")
        parser.add_argument("--batch", type=int, default=RETRY_BATCH, help="keys indexed together at most")
        parser.add_argument("--once", action="store_true", help="index what waits now, then stop")

    def handle(self, *args, poll, batch, once, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        pause = poll
        while not stop.is_set():
            try:
                done = search_queue_retry(limit=batch, raise_errors=True)
            except Exception as error:  # the backend's failure is logged by search_queue_retry
                pause = min(max(pause * 2, 1.0), BACKOFF_MAX_SECONDS)
                logger.warning("Search worker: nothing indexed (%s); next try in %.0f s", type(error).__name__, pause)
                connections.close_all()  # a connection the database dropped is made anew next time
                done = 0
            else:
                pause = poll
            if once and not done:
                break
            if not done:
                stop.wait(pause)
