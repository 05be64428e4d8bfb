"""Search in the project's own database (PostgreSQL full text, or SQLite FTS5). See docs/search.md."""

from django.db import connection

from .base import BaseSearchBackend


class DatabaseSearchBackend(BaseSearchBackend):
    name = "database"

    def ping(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")


SearchBackend = DatabaseSearchBackend
