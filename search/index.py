"""The index follows the content: after a commit, the changed documents are projected again
(`search.sources.document_for`) and written to the search backend, or removed from it.

A backend that fails (an Elasticsearch cluster that is down) never breaks saving content: the
error is logged, the keys go to `SearchQueue`, and the scheduler retries them every minute
(`search_queue_retry`); /healthz shows how many are waiting. See docs/search.md.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction

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


def search_queue_retry() -> int:
    """The scheduled job: try the waiting keys again; returns how many went through."""
    done = 0
    for alias in SearchQueue.objects.values_list("backend", flat=True).distinct():
        entries = list(SearchQueue.objects.filter(backend=alias, attempts__lt=MAX_ATTEMPTS)[:RETRY_BATCH])
        if not entries:
            continue
        try:
            index_keys_now([entry.key for entry in entries], alias=alias)
        except Exception as error:
            logger.warning("Search index retry failed again (%s)", type(error).__name__)
            queue([entry.key for entry in entries], alias=alias, error=error)
            continue
        SearchQueue.objects.filter(pk__in=[entry.pk for entry in entries]).delete()
        done += len(entries)
    return done


def pending_count() -> int:
    return SearchQueue.objects.count()
