"""Search in an Elasticsearch cluster through elasticsearch-dsl. See docs/search.md."""

from elasticsearch import Elasticsearch

from .base import BaseSearchBackend


class ElasticsearchSearchBackend(BaseSearchBackend):
    name = "elasticsearch"

    def __init__(self, *, alias: str, params: dict):
        super().__init__(alias=alias, params=params)
        self.index_name = params.get("INDEX", "samenhuis")
        self.client = Elasticsearch(params["URL"], request_timeout=params.get("TIMEOUT", 5))

    def ping(self) -> None:
        info = self.client.info()
        if not info.get("version"):
            raise RuntimeError("Elasticsearch answered without a version")


SearchBackend = ElasticsearchSearchBackend
