"""Work that follows a commit, in the background and batched (docs/realtime.md, "Bounded work per
post").

A change answers its client as soon as it is stored; what it causes besides (notifications and
their e-mails, the search index) can follow a moment later. `after_commit(function, item)` hands
`item` to `function(items)` once the current transaction commits, in this process's one worker
thread: the thread takes everything that is waiting at that moment and calls each function once
with all of its items, in the order they were committed. So a burst of posts costs one round of
notification queries, not one per post, and the socket that posted never waits for any of it.

The rules the callers rely on:
- nothing runs for a transaction that rolls back (`transaction.on_commit`);
- a function that raises is logged with its traceback and the number of items it lost, and the
  items of the other functions in the batch, and later batches, still run;
- the thread closes its database connections after every batch, so an idle process holds none;
- `drain()` waits until everything scheduled so far has run (tests, shutdown); at exit the
  process drains for up to `EXIT_DRAIN_SECONDS` and logs an error naming what is left, so no
  work is lost without a line in the log.

Announcements a job makes on the channel layer (`async_to_sync(layer.group_send)`) go through the
server's own event loop, as they do from a socket's worker thread: the runner remembers the loop
of the sync_to_async call that scheduled the work. From a plain thread, asgiref would make a new
event loop for every call, and with it a new connection to the channel layer: under a steady
stream of posts that cost more than the posts themselves (bench/chat.py, 2026-12-06: delivery
p50 from 28-63 ms to 520-1,000 ms at 50 posts/s).

With `SAMENHUIS_AFTERWORK_INLINE` (the test settings) the function runs in the committing thread
right after the commit, with the same logging, so a test sees its effects as soon as it commits.

This module is the project layer: it never imports an app. Apps pass their own functions in.
"""

import asyncio
import atexit
import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Sequence

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)

# How long the process waits at exit for work still queued before it gives up and says so.
EXIT_DRAIN_SECONDS = 10.0

Batch = Callable[[Sequence], None]


def after_commit(function: Batch, item: object, *, using: str = "default") -> None:
    """Run `function([..., item, ...])` after the current transaction on `using` commits (at once
    outside a transaction): in the background, with the items of other commits that wait with it,
    or inline in this thread when `SAMENHUIS_AFTERWORK_INLINE` is set."""
    if getattr(settings, "SAMENHUIS_AFTERWORK_INLINE", False):
        transaction.on_commit(lambda: _run_logged(function, [item]), using=using)
    else:
        loop = _server_loop()
        transaction.on_commit(lambda: _runner.put(function, item, loop=loop), using=using)


def drain(timeout: float | None = None) -> bool:
    """Wait until every item scheduled (and committed) so far has been handled; False if
    `timeout` seconds passed first."""
    return _runner.drain(timeout)


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop whose sync_to_async call runs this thread (asgiref keeps it per thread, and
    `async_to_sync` uses it the same way), or None in a thread without one."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    return getattr(SyncToAsync.threadlocal, "main_event_loop", None)


def _name(function: Batch) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def _run_logged(function: Batch, items: list) -> None:
    try:
        function(items)
    except Exception:
        logger.exception("After-commit work %s failed; %d item(s) not done", _name(function), len(items))


class _Runner:
    """One queue and one daemon thread per process (started on first use, again after a fork)."""

    def __init__(self):
        self.changed = threading.Condition()
        self.pending: deque[tuple[Batch, object]] = deque()
        self.running = False
        self.thread: threading.Thread | None = None
        self.pid = 0
        self.server_loop: asyncio.AbstractEventLoop | None = None

    def put(self, function: Batch, item, *, loop: asyncio.AbstractEventLoop | None = None) -> None:
        with self.changed:
            self.pending.append((function, item))
            if loop is not None:
                self.server_loop = loop
            if self.thread is None or self.pid != os.getpid() or not self.thread.is_alive():
                self.pid = os.getpid()
                self.thread = threading.Thread(target=self.loop, name="afterwork", daemon=True)
                self.thread.start()
            self.changed.notify_all()

    def loop(self) -> None:
        while True:
            with self.changed:
                self.changed.wait_for(lambda: self.pending)
                batch = list(self.pending)
                self.pending.clear()
                self.running = True
            try:
                self.run(batch)
            finally:
                with self.changed:
                    self.running = False
                    self.changed.notify_all()

    def run(self, batch: list[tuple[Batch, object]]) -> None:
        self.use_server_loop()
        grouped: dict[Batch, list] = {}
        for function, item in batch:
            grouped.setdefault(function, []).append(item)
        try:
            for function, items in grouped.items():
                _run_logged(function, items)
        finally:
            connections.close_all()

    def use_server_loop(self) -> None:
        """Let this thread's `async_to_sync` calls run on the server's loop while it runs (see the
        module's docstring); a loop that stopped (the server is shutting down) is not used: each
        call then makes its own, as before."""
        loop = self.server_loop
        if loop is not None and loop.is_running() and not loop.is_closed():
            SyncToAsync.threadlocal.main_event_loop = loop
            SyncToAsync.threadlocal.main_event_loop_pid = os.getpid()
        else:
            SyncToAsync.threadlocal.main_event_loop = None
            SyncToAsync.threadlocal.main_event_loop_pid = None

    def drain(self, timeout: float | None) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: not self.pending and not self.running, timeout)

    def left(self) -> int:
        with self.changed:
            return len(self.pending) + (1 if self.running else 0)


_runner = _Runner()


@atexit.register
def _drain_at_exit() -> None:
    if _runner.thread is None or _runner.pid != os.getpid():
        return
    if not _runner.drain(EXIT_DRAIN_SECONDS):
        logger.error(
            "After-commit work left undone at exit: %d item(s) or batch(es) still queued after %s s",
            _runner.left(),
            EXIT_DRAIN_SECONDS,
        )
