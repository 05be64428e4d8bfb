"""Run a function in many threads released at the same instant, for the race tests."""

import threading

from django.db import close_old_connections


def run_together(target, arguments):
    barrier = threading.Barrier(len(arguments))
    failures = []

    def run(*args):
        try:
            barrier.wait()
            target(*args)
        except Exception as error:  # collected and asserted below
            failures.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
