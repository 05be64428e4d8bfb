"""Search backends behind one interface, configured like Wagtail's: a settings dict keyed by alias.

`SAMENHUIS_SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}`; each backend
module exposes a module-level `SearchBackend` class. See docs/search.md.
"""

from functools import cache
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import BaseSearchBackend


def _build(alias: str) -> BaseSearchBackend:
    try:
        params = dict(settings.SAMENHUIS_SEARCH_BACKENDS[alias])
    except KeyError as error:
        raise ImproperlyConfigured(f"No search backend called {alias!r} in SAMENHUIS_SEARCH_BACKENDS.") from error
    module = import_module(params.pop("BACKEND"))
    return module.SearchBackend(alias=alias, params=params)


@cache
def _cached(alias: str, backends_id: int) -> BaseSearchBackend:
    return _build(alias)


def get_search_backend(alias: str = "default") -> BaseSearchBackend:
    # Keyed on the settings object so tests that override the setting get a fresh backend.
    return _cached(alias, id(settings.SAMENHUIS_SEARCH_BACKENDS))
