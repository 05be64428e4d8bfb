"""Jobs that run on a schedule inside the server process, so no cron is needed.

`manage.py serve` (what `make run` starts) runs a `SchedulerThread` next to Daphne. Apps add
their jobs with `job_register` from their `AppConfig.ready()`; Wagtail's scheduled publishing
(go-live and expiry dates) is registered here. A job that raises is logged and tried again at
its next interval; it never stops the other jobs or the server. See docs/knowledge.md.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 60


@dataclass
class Job:
    name: str
    function: Callable[[], object]
    interval: float = DEFAULT_INTERVAL_SECONDS
    next_run: float = field(default=0.0, compare=False)


class JobRegistry:
    """The jobs of one scheduler, by name; registering a name again replaces the job."""

    def __init__(self):
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def register(self, name: str, function: Callable[[], object], *, interval: float = DEFAULT_INTERVAL_SECONDS):
        with self._lock:
            self._jobs[name] = Job(name=name, function=function, interval=interval)
        return function

    def jobs(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def run_due(self, now: float | None = None) -> dict[str, bool]:
        """Run every job whose time has come; returns {name: succeeded} for the jobs that ran."""
        now = time.monotonic() if now is None else now
        outcomes = {}
        for job in self.jobs():
            if job.next_run > now:
                continue
            job.next_run = now + job.interval
            outcomes[job.name] = job_run(job)
        return outcomes


def job_run(job: Job) -> bool:
    """Run one job; an exception is logged, not raised."""
    try:
        job.function()
    except Exception:
        logger.exception("Scheduled job %s failed; it runs again in %s seconds.", job.name, job.interval)
        return False
    return True


class SchedulerThread(threading.Thread):
    """Runs the due jobs of a registry about once a second until `stop()` is called."""

    def __init__(self, registry: "JobRegistry", *, tick: float = 1.0):
        super().__init__(name="samenhuis-scheduler", daemon=True)
        self.registry = registry
        self.tick = tick
        self._stopping = threading.Event()

    def run(self):
        logger.debug("Scheduler started: %s.", ", ".join(job.name for job in self.registry.jobs()) or "no jobs")
        while not self._stopping.is_set():
            # Like a request: start from a usable database connection, release it afterwards.
            close_old_connections()
            try:
                self.registry.run_due()
            finally:
                close_old_connections()
            self._stopping.wait(self.tick)

    def stop(self, timeout: float | None = 30):
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)


registry = JobRegistry()
job_register = registry.register


def scheduled_publishing_run() -> int:
    """Wagtail's `publish_scheduled`: publish what reached its go-live date, unpublish what expired.

    Returns how many pages and snippets it changed, and logs the run when that is not zero.
    """
    from django.apps import apps
    from wagtail.models import DraftStateMixin, Page, Revision

    now = timezone.now()
    models = [Page, *(m for m in apps.get_models() if issubclass(m, DraftStateMixin) and not issubclass(m, Page))]
    expiring = sum(model.objects.filter(live=True, expire_at__lt=now).count() for model in models)
    going_live = Revision.objects.filter(approved_go_live_at__lt=now).count()
    if not expiring and not going_live:
        return 0
    call_command("publish_scheduled", verbosity=0)
    logger.info("Scheduled publishing: %d published, %d unpublished after expiry.", going_live, expiring)
    return going_live + expiring


job_register("publish_scheduled", scheduled_publishing_run)
