"""Project everything searchable again and rebuild a search backend's index, while the site
stays live (the database backend rewrites in batches and then drops what is gone; Elasticsearch
fills a new index and swaps its alias). Prints progress and the counts per type."""

import sys
import time
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from search.backends import get_search_backend
from search.sources import all_documents


class Command(BaseCommand):
    help = "Rebuild the search index from the content (safe while the site is live)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--backend", default="default", help="Alias in SAMENHUIS_SEARCH_BACKENDS (default: default)."
        )

    def handle(self, *args, backend="default", verbosity=1, **options):
        if backend not in settings.SAMENHUIS_SEARCH_BACKENDS:
            names = ", ".join(settings.SAMENHUIS_SEARCH_BACKENDS)
            raise CommandError(f"No search backend called {backend!r}; configured: {names}.")
        search_backend = get_search_backend(backend)
        counts: Counter[str] = Counter()
        started = time.monotonic()

        def documents():
            for document in all_documents():
                counts[document.type] += 1
                yield document

        def progress(done: int):
            if verbosity and sys.stdout.isatty():
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stdout.write(f"\r  {done} documents ({rate:.0f}/s)", ending="")
                self.stdout.flush()
            elif verbosity > 1:
                self.stdout.write(f"  {done} documents")

        total = search_backend.rebuild(documents(), progress=progress)
        elapsed = time.monotonic() - started
        if verbosity:
            self.stdout.write("")
            for kind, count in sorted(counts.items()):
                self.stdout.write(f"  {kind}: {count}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Indexed {total} documents in {elapsed:.1f} s with {search_backend.name} ({backend})."
                )
            )
