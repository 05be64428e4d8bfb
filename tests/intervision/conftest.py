"""Fixtures the intervision tests share."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def identifier_tables():
    """Load the identifier check's tables once, before the first test, as a serving process does at
    start (AppConfig.serving): the first check would otherwise take about 7 s inside a test that
    waits only 5 s for a socket's answer."""
    from intervision.identifiers import identifiers_warm_up

    identifiers_warm_up().join()
