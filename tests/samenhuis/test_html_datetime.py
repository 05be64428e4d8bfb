"""`<time datetime>` values that HTML accepts: whole seconds with an offset, never microseconds."""

import datetime
import re
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import timezone

from samenhuis.templatetags.layout_tags import html_datetime

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
# HTML's "valid global date and time string", with at most three digits of a second's fraction.
VALID_GLOBAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$")


def test_an_aware_datetime_gets_whole_seconds_and_the_offset_of_the_time_zone_in_use():
    moment = datetime.datetime(2026, 12, 7, 8, 30, 15, 123456, tzinfo=datetime.UTC)
    with timezone.override(BRUSSELS):
        assert html_datetime(moment) == "2026-12-07T09:30:15+01:00"
    with timezone.override(datetime.UTC):
        assert html_datetime(moment) == "2026-12-07T08:30:15+00:00"
    assert VALID_GLOBAL.match(html_datetime(moment))


def test_a_date_stays_a_date_and_nothing_gives_nothing():
    assert html_datetime(datetime.date(2026, 12, 7)) == "2026-12-07"
    assert html_datetime(None) == ""
    assert html_datetime("") == ""


def test_the_filter_in_a_template_follows_the_timezone_tag():
    template = Template(
        '{% load layout_tags tz %}{% timezone "Europe/Brussels" %}{{ moment|html_datetime }}{% endtimezone %}'
    )
    moment = datetime.datetime(2026, 7, 1, 10, 0, 0, 999999, tzinfo=datetime.UTC)
    assert template.render(Context({"moment": moment})) == "2026-07-01T12:00:00+02:00"


def test_no_template_writes_a_datetime_attribute_with_djangos_c_format():
    """`date:"c"` writes microseconds; every `datetime` attribute goes through `html_datetime`."""
    root = Path(settings.BASE_DIR)
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]
        for match in re.finditer(r"datetime=\"[^\"]*\|date:['\"]c['\"][^\"]*\"", path.read_text())
    ]
    assert not offenders, "\n".join(offenders)
    assert "|html_datetime" in (root / "rooms/templates/rooms/_message.html").read_text()
