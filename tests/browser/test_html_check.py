"""The HTML check of the browser tests (tests/browser/conftest.py) finds what it is there to find."""

import pytest

from tests.browser.conftest import html_check_unavailable_reason, vnu_errors

VALID = (
    b'<!DOCTYPE html><html lang="nl"><head><title>Goed</title></head>'
    b'<body><time datetime="2026-12-07T09:30:00+01:00">9.30 uur</time></body></html>'
)
MICROSECONDS = VALID.replace(b"09:30:00+01:00", b"09:30:00.123456+01:00")


@pytest.fixture(autouse=True)
def _java_and_vnu():
    reason = html_check_unavailable_reason()
    if reason:
        pytest.skip(reason)


def test_the_checker_passes_valid_html_and_names_the_document_with_a_time_in_microseconds():
    errors = vnu_errors({"goed": VALID, "fout": MICROSECONDS, "ook goed": VALID})
    assert errors["goed"] == [] and errors["ook goed"] == []
    assert len(errors["fout"]) == 1
    assert "fraction of a second" in errors["fout"][0]
