"""The database backend's index: one row per projected document (`SearchEntry`), its life domains
for the facet, the words for "bedoelde je ...?" per scope, the statistics BM25 ranks with
(`SearchTerm`, `SearchScope`), and the queue of index updates an
external backend could not take yet.

On PostgreSQL the full-text column is a generated `tsvector` (dutch configuration, title weighted
above the extra terms above the text) with a GIN index, and the words have a trigram index; on
SQLite an FTS5 table holds Python-stemmed text (search/migrations/0001_initial.py). See
docs/search.md.
"""

from django.db import models


class SearchEntry(models.Model):
    key = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=20, db_index=True)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    extra = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    date = models.DateTimeField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    scope = models.CharField(max_length=40)
    province = models.CharField(max_length=40, blank=True)
    region = models.CharField(max_length=80, blank=True)
    organisation = models.CharField(max_length=150, blank=True)
    context = models.CharField(max_length=200, blank=True)
    # The life domains' slugs as a JSON array, for counting the facet without a join (the rows of
    # SearchEntryLifeDomain are what a chosen life domain filters by).
    domains = models.TextField(default="[]")

    class Meta:
        indexes = [
            models.Index(fields=["scope", "type"], name="search_entry_scope_type"),
            models.Index(fields=["scope", "year"], name="search_entry_scope_year"),
            models.Index(fields=["scope", "province"], name="search_entry_scope_province"),
            models.Index(fields=["scope", "-date"], name="search_entry_scope_date"),
        ]

    def __str__(self):
        return self.key


class SearchEntryLifeDomain(models.Model):
    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="life_domains")
    slug = models.CharField(max_length=80)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "slug"], name="search_entry_domain_once")]
        indexes = [models.Index(fields=["slug", "entry"], name="search_domain_slug_entry")]

    def __str__(self):
        return f"{self.entry_id}: {self.slug}"


class SearchWord(models.Model):
    """A word that occurs in documents of one scope: the vocabulary suggestions are taken from,
    so a suggestion never reveals a word from a scope the visitor may not read."""

    word = models.CharField(max_length=60)
    scope = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "word"], name="search_word_once_per_scope")]

    def __str__(self):
        return self.word


class SearchTerm(models.Model):
    """In how many documents of a scope an indexed term occurs: the document frequency BM25's
    inverse document frequency is taken from (search.ranking). Kept current as documents are
    written and deleted (search.backends.database); a term is a PostgreSQL lexeme of the `dutch`
    configuration or, on SQLite, a stem of `search.analysis.stem`."""

    scope = models.CharField(max_length=40)
    term = models.TextField()
    documents = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "term"], name="search_term_once_per_scope")]

    def __str__(self):
        return f"{self.scope}: {self.term} ({self.documents})"


class SearchScope(models.Model):
    """How many documents a scope holds and how many distinct terms they hold together: BM25's
    document count and average length, summed over the scopes a visitor may read."""

    scope = models.CharField(max_length=40, unique=True)
    documents = models.IntegerField(default=0)
    length = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.scope}: {self.documents}"


class SearchQueue(models.Model):
    """Documents an external backend has not taken yet; the scheduler retries them."""

    backend = models.CharField(max_length=40)
    key = models.CharField(max_length=80)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["backend", "key"], name="search_queue_once")]

    def __str__(self):
        return f"{self.backend}: {self.key}"
