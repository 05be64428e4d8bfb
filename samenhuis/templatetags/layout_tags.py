import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def current_section(context, prefix: str):
    """`aria-current="page"` on the main-navigation link of the section being shown."""
    request = context.get("request")
    if request is not None and request.path.startswith(prefix):
        return format_html('aria-current="{}"', "page")
    return ""


@register.simple_tag
def page_ancestors(page):
    """A page's ancestors for the breadcrumbs, without a query when routing already loaded them."""
    from knowledge.routing import route_ancestors

    return route_ancestors(page)


@register.filter
def html_datetime(value) -> str:
    """A `<time datetime>` value that HTML accepts: whole seconds with the offset of the time zone
    in use (`2026-12-07T09:30:00+01:00`); a date stays a date. Django's `date:"c"` writes
    microseconds, which no "valid global date and time string" has (HTML, 2.3.5.6: at most three
    digits of a second's fraction)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
