from django import template
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
