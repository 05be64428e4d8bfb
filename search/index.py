"""The index follows the content: after a commit, the changed documents are projected again
(`search.sources.document_for`) and written to the search backend, or removed from it.

Who indexes (`SAMENHUIS_SEARCH_INDEXER`, environment variable SEARCH_INDEXER):
- "thread" (the default): the process that made the change, on its after-commit thread
  (`samenhuis.afterwork`), batched;
- "worker": the change stores its keys in `SearchQueue` in its own transaction (one statement),
  and `manage.py search_worker`, a process of its own, indexes them: the processes that serve
  pages and sockets spend nothing on indexing, and a key survives a crash of either process.

A backend that fails (an Elasticsearch cluster that is down) never breaks saving content: the
error is logged, the keys go to (or stay in) `SearchQueue`, and the scheduler retries them every
minute (`search_queue_retry`); /healthz shows how many are waiting. See docs/search.md.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from samenhuis.afterwork import after_commit

from .backends import get_search_backend
from .models import SearchQueue

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 50
RETRY_BATCH = 200
LOCK_SPACE = 0x5EA7C4  # the first half of the search index's advisory lock keys


def index_keys_now(keys: Iterable[str], *, alias: str = "default") -> None:
    """Project these keys and write them to the backend; raises what the backend raises.

    Reading and writing happen under a lock per key, across processes: an edit indexed in one
    Daphne process and a hide indexed in another cannot write an older projection over a newer
    one, because whoever takes the lock second reads the content after both commits."""
    from .sources import document_for

    backend = get_search_backend(alias)
    keys = list(dict.fromkeys(keys))
    with transaction.atomic():
        _lock(keys)
        documents, gone = [], []
        for key in keys:
            document = document_for(key)
            (documents.append(document) if document else gone.append(key))
        if documents:
            backend.documents_index(documents)
        if gone:
            backend.documents_delete(gone)


def _lock(keys: list[str]) -> None:
    """PostgreSQL: an advisory lock per key until the transaction ends, taken in key order so two
    updates of overlapping keys cannot deadlock. SQLite needs none: its transactions start with
    the database's write lock (IMMEDIATE), which serialises them already."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(key)) "
            "FROM (SELECT unnest(%s::text[]) AS key ORDER BY 1) AS keys",
            [LOCK_SPACE, keys],
        )


def index_keys_on_commit(keys: Iterable[str], *, alias: str = "default") -> None:
    """Index these keys after commit: in the background (`samenhuis.afterwork`, one thread per
    process, so this process's updates are applied in commit order, and the keys of all commits
    waiting together are indexed in one round), or in the committing thread with
    `SAMENHUIS_SEARCH_INDEX_INLINE`."""
    keys = list(keys)
    if not keys:
        return
    if getattr(settings, "SAMENHUIS_SEARCH_INDEX_INLINE", False):
        transaction.on_commit(lambda: index_keys_batch([(alias, keys)]))
    elif settings.SAMENHUIS_SEARCH_INDEXER == "worker":
        queue_for_worker(keys, alias=alias)
    else:
        # Off the request's thread: a chat message is announced without waiting for its indexing.
        after_commit(index_keys_batch, (alias, tuple(keys)))


def index_keys_batch(items: Iterable[tuple[str, Iterable[str]]]) -> None:
    """Index the keys of many commits, one update per backend; a backend that fails queues them
    for the scheduled retry (`search_queue_retry`)."""
    by_alias: dict[str, list[str]] = {}
    for alias, keys in items:
        by_alias.setdefault(alias, []).extend(keys)
    for alias, keys in by_alias.items():
        keys = list(dict.fromkeys(keys))
        try:
            index_keys_now(keys, alias=alias)
        except Exception as error:
            logger.exception("Search index update failed for %d documents; queued for retry", len(keys))
            queue(keys, alias=alias, error=error)


def queue(keys: Iterable[str], *, alias: str, error: Exception) -> None:
    for key in keys:
        entry, _created = SearchQueue.objects.get_or_create(backend=alias, key=key)
        entry.attempts += 1
        entry.last_error = f"{type(error).__name__}: {error}"[:2000]
        entry.save(update_fields=["attempts", "last_error"])


def queue_for_worker(keys: Iterable[str], *, alias: str) -> None:
    """Store the keys for `search_worker` in the current transaction (one statement). A key that
    is already waiting gets a new `queued_at`: the worker removes an entry only if it is unchanged
    since it read it, so a change made while the worker indexed the older state is indexed again."""
    SearchQueue.objects.bulk_create(
        [SearchQueue(backend=alias, key=key) for key in dict.fromkeys(keys)],
        update_conflicts=True,
        unique_fields=["backend", "key"],
        update_fields=["queued_at"],
    )


def search_queue_retry(*, limit: int = RETRY_BATCH, raise_errors: bool = False) -> int:
    """Index what waits in `SearchQueue`, fewest attempts and oldest first, up to `limit` keys per
    backend; returns how many went through. The scheduled retry of failed updates, and the work
    of `search_worker`. An entry is removed only when it did not change while it was indexed
    (`queue_for_worker`), so no change is lost to a race; two runs at once only index twice.
    A backend that fails counts an attempt for each key; with `raise_errors` the error is raised
    after that (the worker waits before it tries again)."""
    done = 0
    for alias in SearchQueue.objects.values_list("backend", flat=True).distinct():
        waiting = SearchQueue.objects.filter(backend=alias, attempts__lt=MAX_ATTEMPTS).order_by("attempts", "queued_at")
        entries = list(waiting.only("pk", "key", "queued_at")[:limit])
        if not entries:
            continue
        try:
            index_keys_now([entry.key for entry in entries], alias=alias)
        except Exception as error:
            logger.warning("Search index update failed for %d documents (%s)", len(entries), type(error).__name__)
            queue([entry.key for entry in entries], alias=alias, error=error)
            if raise_errors:
                raise
            continue
        unchanged = Q()
        for entry in entries:
            unchanged |= Q(pk=entry.pk, queued_at=entry.queued_at)
        SearchQueue.objects.filter(unchanged).delete()
        done += len(entries)
    return done


def pending_count() -> int:
    return SearchQueue.objects.count()
