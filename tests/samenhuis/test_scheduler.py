"""The job registry the server process runs every minute (samenhuis/scheduler.py)."""

import logging
import threading

import pytest

from samenhuis import scheduler
from samenhuis.scheduler import JobRegistry, SchedulerThread


def test_registered_jobs_run_when_due_and_wait_for_their_interval():
    runs = []
    registry = JobRegistry()
    registry.register("a", lambda: runs.append("a"), interval=60)
    registry.register("b", lambda: runs.append("b"), interval=10)

    assert registry.run_due(now=1000) == {"a": True, "b": True}
    assert registry.run_due(now=1005) == {}
    assert registry.run_due(now=1010) == {"b": True}
    assert registry.run_due(now=1060) == {"a": True, "b": True}
    assert runs == ["a", "b", "b", "a", "b"]


def test_a_failing_job_is_logged_does_not_stop_the_others_and_runs_again_next_time(caplog):
    runs = []
    registry = JobRegistry()

    def broken():
        runs.append("broken")
        raise RuntimeError("database away")

    registry.register("broken", broken)
    registry.register("fine", lambda: runs.append("fine"))

    with caplog.at_level(logging.ERROR, logger="samenhuis.scheduler"):
        assert registry.run_due(now=0) == {"broken": False, "fine": True}
    assert "Scheduled job broken failed" in caplog.text
    assert "database away" in caplog.text
    assert registry.run_due(now=60) == {"broken": False, "fine": True}
    assert runs == ["broken", "fine", "broken", "fine"]


def test_registering_a_name_again_replaces_the_job():
    registry = JobRegistry()
    registry.register("job", lambda: None)
    registry.register("job", lambda: None, interval=5)
    assert [(job.name, job.interval) for job in registry.jobs()] == [("job", 5)]


def test_scheduled_publishing_is_registered_to_run_every_minute():
    jobs = {job.name: job for job in scheduler.registry.jobs()}
    assert jobs["publish_scheduled"].function is scheduler.scheduled_publishing_run
    assert jobs["publish_scheduled"].interval == 60


def test_the_scheduler_thread_runs_jobs_until_stopped():
    ran = threading.Event()
    registry = JobRegistry()
    registry.register("signal", ran.set)
    thread = SchedulerThread(registry, tick=0.01)
    thread.start()
    try:
        assert ran.wait(5)
    finally:
        thread.stop(timeout=5)
    assert not thread.is_alive()


def test_serve_runs_daphne_with_the_scheduler_and_stops_it_afterwards(monkeypatch):
    from django.core.management import call_command

    from samenhuis.management.commands import serve

    seen = {}

    def daphne_run(cli, argv):
        seen["argv"] = argv
        seen["scheduler_running"] = any(t.name == "samenhuis-scheduler" for t in threading.enumerate())
        raise KeyboardInterrupt  # Ctrl+C

    monkeypatch.setattr(serve.CommandLineInterface, "run", daphne_run)
    monkeypatch.setattr(serve, "registry", JobRegistry())
    with pytest.raises(KeyboardInterrupt):
        call_command("serve", "--bind", "127.0.0.1", "--port", "8123", skip_checks=True)
    assert seen["argv"] == ["--bind", "127.0.0.1", "--port", "8123", "samenhuis.asgi:application"]
    assert seen["scheduler_running"]
    assert not any(t.name == "samenhuis-scheduler" for t in threading.enumerate())
