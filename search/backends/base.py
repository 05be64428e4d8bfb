"""The interface every search backend implements."""


class BaseSearchBackend:
    name = "base"

    def __init__(self, *, alias: str, params: dict):
        self.alias = alias
        self.params = params

    def ping(self) -> None:
        """Raise if the backend cannot answer queries right now."""
        raise NotImplementedError
